import { useEffect, useId, useState } from 'react'
import { useLifecycleAction } from '../../../api/machine-mutations'
import type { Machine } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { ConfirmDialog } from '../../../components/ui/dialog'
import { Spinner } from '../../../components/ui/spinner'
import { toast } from '../../../components/ui/toast-store'
import { actionBlockedReason, isTransitional, type LifecycleAction, stateLabel } from '../../../lib/machine-state'
import { Section } from './section'

const ACTIONS: ReadonlyArray<{ action: LifecycleAction; label: string; confirm: boolean }> = [
  { action: 'start', label: 'Start', confirm: false },
  { action: 'stop', label: 'Stop', confirm: true },
  { action: 'restart', label: 'Restart', confirm: true },
]

const VERB: Record<LifecycleAction, string> = { start: 'start', stop: 'stop', restart: 'restart' }

/** Start, stop and restart, each enabled only where it applies; the page follows the machine until it settles. */
export function LifecycleSection({ machine }: { machine: Machine }) {
  const id = machine.id ?? ''
  const name = machine.name ?? id
  const lifecycle = useLifecycleAction()
  const [confirming, setConfirming] = useState<LifecycleAction | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  /** true while the service confirmed a transition and the page waits for it to settle */
  const [following, setFollowing] = useState(false)
  const hintBase = useId()
  const transitional = isTransitional(machine.state)

  useEffect(() => {
    if (lifecycle.isPending) return
    if (transitional) {
      setFollowing(true)
      return
    }
    if (!following) return
    setFollowing(false)
    if (machine.state === 'ready')
      toast(`${name} is ready`, { tone: 'success', description: 'The machine is running.' })
    else if (machine.state === 'off')
      toast(`${name} is off`, { tone: 'success', description: 'The machine has stopped.' })
    else toast(`${name} is ${stateLabel(machine.state).toLowerCase()}`, { tone: 'error' })
  }, [transitional, following, lifecycle.isPending, machine.state, name])

  const run = (action: LifecycleAction) => {
    setConfirming(null)
    setFailure(null)
    lifecycle.mutate(
      { id, action },
      { onError: (error) => setFailure(`Could not ${VERB[action]} ${name}: ${error.message}`) },
    )
  }

  const reasons = ACTIONS.map(({ action }) => actionBlockedReason(action, machine.state))
  const distinct = [...new Set(reasons.filter((reason): reason is string => reason !== null))]
  const hintId = (reason: string) => `${hintBase}-${distinct.indexOf(reason)}`

  return (
    <Section title="Lifecycle" description="Start, stop or restart the machine.">
      <div className="flex flex-wrap items-center gap-2">
        {ACTIONS.map(({ action, label, confirm }, index) => {
          const reason = reasons[index] ?? null
          return (
            <Button
              key={action}
              variant={action === 'start' ? 'primary' : 'secondary'}
              disabled={reason !== null}
              pending={lifecycle.isPending && lifecycle.variables?.action === action}
              aria-describedby={reason ? hintId(reason) : undefined}
              onClick={() => (confirm ? setConfirming(action) : run(action))}
            >
              {label}
            </Button>
          )
        })}
      </div>
      {distinct.length > 0 ? (
        <ul className="flex flex-col gap-1 text-sm text-slate-600 dark:text-slate-300">
          {distinct.map((reason) => (
            <li key={reason} id={hintId(reason)}>
              {reason}
            </li>
          ))}
        </ul>
      ) : null}
      {transitional ? (
        <p role="status" className="flex items-center gap-2 text-sm text-amber-800 dark:text-amber-200">
          <Spinner />
          {stateLabel(machine.state)}: following the machine until it settles.
        </p>
      ) : null}
      {failure ? (
        <div
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
        >
          {failure}
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming === 'stop'}
        onClose={() => setConfirming(null)}
        onConfirm={() => run('stop')}
        title={`Stop ${name}?`}
        description="Compute billing pauses while it is off; storage still bills. Unsaved work on the machine is lost."
        confirmLabel="Stop machine"
        confirmVariant="danger"
      />
      <ConfirmDialog
        open={confirming === 'restart'}
        onClose={() => setConfirming(null)}
        onConfirm={() => run('restart')}
        title={`Restart ${name}?`}
        description="The machine goes down and comes back; unsaved work on it is lost."
        confirmLabel="Restart machine"
      />
    </Section>
  )
}
