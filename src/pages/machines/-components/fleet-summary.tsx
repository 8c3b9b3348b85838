import { cn } from '../../../lib/cn'
import type { FleetSummary } from '../../../lib/fleet-summary'
import { formatMoney } from '../../../lib/format'
import { type StateTone, stateLabel, stateTone } from '../../../lib/machine-state'

const DOT: Record<StateTone, string> = {
  running: 'bg-emerald-500',
  stopped: 'bg-slate-400',
  busy: 'bg-amber-500 animate-pulse',
  failed: 'bg-red-500',
  unknown: 'bg-violet-500',
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="flex flex-col rounded-lg border border-slate-200 px-4 py-3 dark:border-slate-800">
      <dt className="text-xs font-medium text-slate-600 dark:text-slate-300">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-slate-600 dark:text-slate-400">{hint}</dd> : null}
    </div>
  )
}

/** Machines per state (each a filter toggle), GPUs running and the estimated running cost. */
export function FleetSummaryPanel({
  summary,
  activeState,
  onStateClick,
}: {
  summary: FleetSummary
  activeState: string | undefined
  onStateClick: (state: string) => void
}) {
  const priced = summary.running - summary.unpriced
  return (
    <section aria-label="Fleet summary" className="flex flex-col gap-3">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Machines" value={summary.total.toLocaleString('en')} />
        <Stat label="Switched on" value={summary.running.toLocaleString('en')} />
        <Stat label="Running GPUs" value={summary.runningGpus.toLocaleString('en')} />
        <Stat
          label="Running cost per hour (estimate)"
          value={`≈ ${formatMoney(summary.costPerHour)}`}
          hint={
            summary.unpriced > 0
              ? `List prices of ${priced.toLocaleString('en')} machines; ${summary.unpriced.toLocaleString('en')} without a known price left out.`
              : 'From list prices of the machine types; storage not included.'
          }
        />
      </dl>
      <ul aria-label="Machines per state" className="flex flex-wrap gap-2">
        {summary.states.map(({ state, count }) => {
          const active = state === activeState
          return (
            <li key={state}>
              <button
                type="button"
                aria-pressed={active}
                onClick={() => onStateClick(state)}
                className={cn(
                  'inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500',
                  active
                    ? 'border-indigo-500 bg-indigo-50 text-indigo-900 dark:border-indigo-400 dark:bg-indigo-950 dark:text-indigo-100'
                    : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800',
                )}
              >
                <span aria-hidden="true" className={cn('size-2 rounded-full', DOT[stateTone(state)])} />
                {stateLabel(state)} <span className="font-semibold tabular-nums">{count.toLocaleString('en')}</span>
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
