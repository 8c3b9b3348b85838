import { useNavigate } from '@tanstack/react-router'
import { useId, useState } from 'react'
import { useDeleteMachine } from '../../../api/machine-mutations'
import type { Machine } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { Dialog } from '../../../components/ui/dialog'
import { toast } from '../../../components/ui/toast-store'
import { isTransitional, stateLabel } from '../../../lib/machine-state'
import { Field, inputClasses } from './field'
import { Section } from './section'

/** "Delete machine" asks for the machine's name, then deletes it and goes back to the list. */
export function DeleteSection({ machine, onDeleting }: { machine: Machine; onDeleting: (deleting: boolean) => void }) {
  const id = machine.id ?? ''
  const name = machine.name ?? id
  const remove = useDeleteMachine()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const [failure, setFailure] = useState<string | null>(null)
  const inputId = useId()
  const hintId = useId()
  const blocked = isTransitional(machine.state)
    ? `The machine is ${stateLabel(machine.state).toLowerCase()}; delete it once it has settled.`
    : null
  const matches = typed.trim() === name

  const close = () => {
    if (remove.isPending) return
    setOpen(false)
    setTyped('')
    setFailure(null)
  }

  const confirm = async () => {
    if (!matches || remove.isPending) return
    setFailure(null)
    onDeleting(true)
    try {
      await remove.mutateAsync(id)
      toast(`Deleted ${name}`, { tone: 'success' })
      await navigate({ to: '/machines' })
    } catch (error) {
      onDeleting(false)
      setFailure(error instanceof Error ? error.message : 'The machine could not be deleted.')
    }
  }

  return (
    <Section
      title="Delete machine"
      description="Deleting releases the machine and its disks. It cannot be undone."
      className="border-red-200 dark:border-red-900"
    >
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="danger"
          disabled={blocked !== null}
          aria-describedby={blocked ? hintId : undefined}
          onClick={() => setOpen(true)}
        >
          Delete machine
        </Button>
        {blocked ? (
          <p id={hintId} className="text-sm text-slate-600 dark:text-slate-300">
            {blocked}
          </p>
        ) : null}
      </div>
      <Dialog
        open={open}
        onClose={close}
        busy={remove.isPending}
        title={`Delete ${name}?`}
        description="The machine and its disks are deleted for good. Its events stay in the history."
        footer={
          <>
            <Button onClick={close} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              type="submit"
              form={`${inputId}-form`}
              disabled={!matches}
              pending={remove.isPending}
            >
              {remove.isPending ? 'Deleting…' : 'Delete permanently'}
            </Button>
          </>
        }
      >
        <form
          id={`${inputId}-form`}
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            void confirm()
          }}
        >
          <Field id={inputId} label={`Type ${name} to confirm`}>
            <input
              id={inputId}
              value={typed}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => setTyped(event.target.value)}
              className={inputClasses(false)}
            />
          </Field>
        </form>
        {failure ? (
          <div
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
          >
            Could not delete: {failure}
          </div>
        ) : null}
      </Dialog>
    </Section>
  )
}
