import { cn } from '../lib/cn'
import { type StateTone, stateLabel, stateTone } from '../lib/machine-state'
import { Badge, type BadgeTone } from './ui/badge'

const TONE: Record<StateTone, BadgeTone> = {
  running: 'green',
  stopped: 'neutral',
  busy: 'amber',
  failed: 'red',
  unknown: 'violet',
}

const DOT: Record<StateTone, string> = {
  running: 'bg-emerald-500',
  stopped: 'bg-slate-400',
  busy: 'bg-amber-500 animate-pulse',
  failed: 'bg-red-500',
  unknown: 'bg-violet-500',
}

/** A machine's state as text and colour; transitional states pulse. */
export function StateBadge({ state, className }: { state: string | undefined; className?: string }) {
  const tone = stateTone(state)
  return (
    <Badge tone={TONE[tone]} className={className}>
      <span aria-hidden="true" className={cn('size-1.5 rounded-full', DOT[tone])} />
      {stateLabel(state)}
    </Badge>
  )
}
