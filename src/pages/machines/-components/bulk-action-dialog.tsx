import { useQueryClient } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { isApiError } from '../../../api/client'
import { eventKeys } from '../../../api/event-keys'
import { runLifecycleAction } from '../../../api/machine-mutations'
import { type Machine, machineKeys, putMachines } from '../../../api/machines'
import { StateBadge } from '../../../components/state-badge'
import { Button } from '../../../components/ui/button'
import { Dialog } from '../../../components/ui/dialog'
import { Spinner } from '../../../components/ui/spinner'
import { toast } from '../../../components/ui/toast-store'
import type { BulkPlan } from '../../../lib/fleet-bulk'
import { actionVerb, BULK_CONCURRENCY, machinesLabel, runWithConcurrency } from '../../../lib/fleet-bulk-run'

/** Long selections list this many machines by name; the rest are counted. */
const LISTED = 200
/** Accepted machines are written into the caches in batches, so a large run does not redraw the table per machine. */
const FLUSH_MS = 250

type Outcome =
  | { status: 'waiting' }
  | { status: 'sending' }
  | { status: 'done' }
  | { status: 'failed'; message: string }

function errorText(error: unknown): string {
  if (isApiError(error) || error instanceof Error) return error.message
  return 'Something went wrong.'
}

function OutcomeText({ outcome, verb }: { outcome: Outcome; verb: string }) {
  switch (outcome.status) {
    case 'waiting':
      return <span className="text-slate-600 dark:text-slate-400">Waiting</span>
    case 'sending':
      return (
        <span className="inline-flex items-center gap-1.5 text-slate-700 dark:text-slate-200">
          <Spinner />
          {verb}…
        </span>
      )
    case 'done':
      return <span className="text-emerald-700 dark:text-emerald-300">Accepted</span>
    case 'failed':
      return <span className="text-red-700 dark:text-red-300">Failed: {outcome.message}</span>
  }
}

function More({ count }: { count: number }) {
  return count > 0 ? <li className="py-1 text-slate-600 dark:text-slate-400">and {machinesLabel(count)} more</li> : null
}

/**
 * Confirms a start / stop / restart for the selection, naming the machines it applies to and those it skips (and
 * why), then sends it a few machines at a time, showing each machine's outcome.
 */
export function BulkActionDialog({
  plan,
  onClose,
  onFinished,
}: {
  plan: BulkPlan
  onClose: () => void
  /** Called with the ids the API accepted, once every request has been answered. */
  onFinished: (accepted: string[]) => void
}) {
  const queryClient = useQueryClient()
  const [phase, setPhase] = useState<'confirm' | 'running' | 'done'>('confirm')
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, Outcome>>(new Map())
  const started = useRef(false)
  const verb = actionVerb(plan.action)
  const count = plan.applicable.length

  const run = async () => {
    if (started.current) return
    started.current = true
    setPhase('running')
    const results = new Map<string, Outcome>(plan.applicable.map((m) => [m.id ?? '', { status: 'waiting' }]))
    setOutcomes(new Map(results))
    const report = (id: string, outcome: Outcome) => {
      results.set(id, outcome)
      setOutcomes(new Map(results))
    }
    // A list refresh already on its way would bring back the states from before the action.
    await queryClient.cancelQueries({ queryKey: machineKeys.fleet() })
    let accepted: Machine[] = []
    const flush = () => {
      if (accepted.length === 0) return
      putMachines(queryClient, accepted)
      accepted = []
    }
    const timer = setInterval(flush, FLUSH_MS)
    try {
      await runWithConcurrency(plan.applicable, BULK_CONCURRENCY, async (machine) => {
        const id = machine.id ?? ''
        report(id, { status: 'sending' })
        try {
          accepted.push(await runLifecycleAction(id, plan.action))
          report(id, { status: 'done' })
        } catch (error) {
          report(id, { status: 'failed', message: errorText(error) })
        }
      })
    } finally {
      clearInterval(timer)
      flush()
    }
    const done = [...results].filter(([, o]) => o.status === 'done').map(([id]) => id)
    const failed = results.size - done.length
    setPhase('done')
    onFinished(done)
    toast(
      failed === 0
        ? `${verb} accepted for ${machinesLabel(done.length)}`
        : `${verb}: ${done.length} accepted, ${failed} failed`,
      { tone: failed === 0 ? 'success' : 'error' },
    )
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
      queryClient.invalidateQueries({ queryKey: eventKeys.all }),
    ])
  }

  const failures = [...outcomes].filter(
    (entry): entry is [string, Extract<Outcome, { status: 'failed' }>] => entry[1].status === 'failed',
  )
  const finished = [...outcomes.values()].filter((o) => o.status === 'done' || o.status === 'failed').length
  const byId = new Map(plan.applicable.map((m) => [m.id ?? '', m]))

  const title =
    phase === 'confirm'
      ? `${verb} ${machinesLabel(count)}?`
      : phase === 'running'
        ? `${verb}: ${finished} of ${count} answered`
        : `${verb}: finished`

  return (
    <Dialog
      open
      onClose={onClose}
      busy={phase === 'running'}
      title={title}
      className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-lg bg-white p-0 text-slate-900 shadow-xl dark:bg-slate-900 dark:text-slate-100"
      description={
        phase === 'confirm'
          ? count === 0
            ? `${verb} does not apply to any of the selected machines.`
            : `${verb} applies to ${machinesLabel(count)}${plan.skipped.length > 0 ? `; ${machinesLabel(plan.skipped.length)} will be skipped` : ''}.`
          : phase === 'done'
            ? `${finished - failures.length} accepted, ${failures.length} failed. Machines show their new state as they get there.`
            : undefined
      }
      footer={
        phase === 'confirm' ? (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              variant={plan.action === 'start' ? 'primary' : 'danger'}
              disabled={count === 0}
              onClick={() => void run()}
            >
              {`${verb} ${machinesLabel(count)}`}
            </Button>
          </>
        ) : (
          <Button onClick={onClose} pending={phase === 'running'} variant="primary">
            {phase === 'running' ? 'Working…' : 'Close'}
          </Button>
        )
      }
    >
      <div className="flex max-h-[55vh] flex-col gap-4 overflow-y-auto text-sm">
        {count > 0 ? (
          <section aria-label={phase === 'confirm' ? `Will ${verb.toLowerCase()}` : 'Progress'}>
            <h3 className="mb-1 font-medium">
              {phase === 'confirm' ? `Will ${verb.toLowerCase()}` : 'Progress'} ({count.toLocaleString('en')})
            </h3>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {plan.applicable.slice(0, LISTED).map((machine) => {
                const outcome = outcomes.get(machine.id ?? '')
                return (
                  <li key={machine.id} className="flex items-center justify-between gap-3 py-1">
                    <span className="truncate font-medium">{machine.name}</span>
                    {outcome ? <OutcomeText outcome={outcome} verb={verb} /> : <StateBadge state={machine.state} />}
                  </li>
                )
              })}
              <More count={count - LISTED} />
            </ul>
          </section>
        ) : null}
        {phase !== 'confirm' && failures.length > 0 ? (
          <section aria-label="Failed" role="alert">
            <h3 className="mb-1 font-medium text-red-800 dark:text-red-200">Failed ({failures.length})</h3>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {failures.slice(0, LISTED).map(([id, failure]) => (
                <li key={id} className="py-1">
                  <span className="font-medium">{byId.get(id)?.name ?? id}</span>: {failure.message}
                </li>
              ))}
              <More count={failures.length - LISTED} />
            </ul>
          </section>
        ) : null}
        {plan.skipped.length > 0 ? (
          <section aria-label="Skipped">
            <h3 className="mb-1 font-medium">Skipped ({plan.skipped.length.toLocaleString('en')})</h3>
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {plan.skipped.slice(0, LISTED).map(({ machine, reason }) => (
                <li key={machine.id} className="flex items-center justify-between gap-3 py-1">
                  <span className="truncate font-medium">{machine.name}</span>
                  <span className="text-right text-slate-600 dark:text-slate-300">{reason}</span>
                </li>
              ))}
              <More count={plan.skipped.length - LISTED} />
            </ul>
          </section>
        ) : null}
      </div>
    </Dialog>
  )
}
