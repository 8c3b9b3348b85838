import { Badge, type BadgeTone } from '../../../components/ui/badge'
import { cn } from '../../../lib/cn'
import { type EventTone, eventStateLabel, eventStateTone } from '../../../lib/machine-events'

const TONE: Record<EventTone, BadgeTone> = {
  busy: 'amber',
  done: 'green',
  failed: 'red',
  neutral: 'neutral',
}

const DOT: Record<EventTone, string> = {
  busy: 'bg-amber-500 animate-pulse',
  done: 'bg-emerald-500',
  failed: 'bg-red-500',
  neutral: 'bg-slate-400',
}

/** An event's state as text and colour; a running event pulses. */
export function EventStateBadge({ state }: { state: string | undefined }) {
  const tone = eventStateTone(state)
  return (
    <Badge tone={TONE[tone]}>
      <span aria-hidden="true" className={cn('size-1.5 rounded-full', DOT[tone])} />
      {eventStateLabel(state)}
    </Badge>
  )
}
