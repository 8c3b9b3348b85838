import { useQuery } from '@tanstack/react-query'
import { type ReactNode, useId, useRef, useState } from 'react'
import { availabilityQueryOptions } from '../../../api/availability'
import { useCreateMachine } from '../../../api/machine-mutations'
import type { Machine } from '../../../api/machines'
import { memberName, teamMembersQueryOptions } from '../../../api/team'
import { Button } from '../../../components/ui/button'
import { Dialog } from '../../../components/ui/dialog'
import { Spinner } from '../../../components/ui/spinner'
import { machineTypeInfo, REGIONS, regionName, TEMPLATES } from '../../../lib/catalog'
import { cn } from '../../../lib/cn'
import {
  AUTO_SHUTDOWN_HOURS,
  type CreateField,
  type CreateFormValues,
  DISK_GB,
  initialCreateValues,
  machineTypeGroups,
  NAME_MAX,
  toMachineCreate,
  validateCreateForm,
} from '../../../lib/fleet-create'
import { formatMoney } from '../../../lib/format'
import { resolveUserId, TeammateHint, TeammatePicker } from '../-detail/teammates'

const FIELD_ORDER: readonly CreateField[] = [
  'name',
  'region',
  'machineType',
  'templateId',
  'diskSize',
  'autoShutdownHours',
]

const inputClasses =
  'h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:bg-slate-100 disabled:text-slate-500 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 dark:disabled:bg-slate-900 dark:disabled:text-slate-400 dark:aria-[invalid=true]:border-red-400'

function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string
  label: string
  error: string | undefined
  hint?: ReactNode
  children: ReactNode
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
    </div>
  )
}

function describedBy(id: string, error: string | undefined, hasHint = false): string | undefined {
  return error ? `${id}-error` : hasHint ? `${id}-hint` : undefined
}

/** Whether the chosen type can be placed in the chosen region right now. */
function Availability({ region, machineType }: { region: string; machineType: string }) {
  const query = useQuery(availabilityQueryOptions(region, machineType))
  const where = regionName(region)
  let content: ReactNode
  let tone = 'border-slate-200 bg-slate-50 text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-200'
  if (query.isPending) {
    content = (
      <span className="inline-flex items-center gap-2">
        <Spinner /> Checking availability of {machineType} in {where}…
      </span>
    )
  } else if (query.isError) {
    content = `Could not check availability: ${query.error.message}`
  } else if (query.data.available) {
    tone =
      'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100'
    content = `${machineType} is available in ${where} right now.`
  } else {
    tone = 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100'
    content = `${machineType} is not available in ${where} right now. Creating it will probably fail; choose another type or region, or try later.`
  }
  return (
    <p role="status" className={cn('rounded-md border px-3 py-2 text-sm', tone)}>
      {content}
    </p>
  )
}

/** People to grant access to the new machine at once: picked from the team, or by user id. */
function PeopleToGrant({ value, onChange }: { value: readonly string[]; onChange: (ids: string[]) => void }) {
  const team = useQuery(teamMembersQueryOptions())
  const [typed, setTyped] = useState('')
  const [error, setError] = useState<string | undefined>()
  const inputId = useId()
  const chosen = new Set(value)
  const offered = (team.data ?? []).filter((member) => !chosen.has(member.user.id)).length
  const nameOf = (userId: string) => {
    const member = team.data?.find((candidate) => candidate.user.id === userId)
    return member ? memberName(member.user) : userId
  }
  const add = () => {
    const resolved = resolveUserId(typed, team.data ?? [])
    if ('error' in resolved) {
      setError(resolved.error)
      return
    }
    setError(undefined)
    setTyped('')
    if (!chosen.has(resolved.userId)) onChange([...value, resolved.userId])
  }
  return (
    <div className="flex flex-col gap-1 sm:col-span-2">
      <label htmlFor={inputId} className="text-sm font-medium">
        People to grant access
      </label>
      {/* Enter adds the person typed (once the list has picked one), rather than sending the form. */}
      <fieldset
        aria-label="Add a person"
        className="m-0 flex min-w-0 gap-2 border-0 p-0"
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.defaultPrevented && typed.trim() !== '') {
            event.preventDefault()
            add()
          }
        }}
      >
        <TeammatePicker
          id={inputId}
          value={typed}
          onChange={(next) => {
            setTyped(next)
            setError(undefined)
          }}
          team={team}
          exclude={chosen}
          invalid={Boolean(error)}
          describedBy={error ? `${inputId}-error` : `${inputId}-hint`}
          className="flex-1"
        />
        <Button onClick={add} disabled={typed.trim() === ''}>
          Add
        </Button>
      </fieldset>
      {error ? (
        <p id={`${inputId}-error`} className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : (
        <TeammateHint id={inputId} value={typed} team={team} offered={offered} />
      )}
      {value.length > 0 ? (
        <ul aria-label="People to grant access" className="flex flex-wrap gap-2">
          {value.map((userId) => (
            <li
              key={userId}
              className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pr-1 pl-3 text-sm dark:bg-slate-800"
            >
              {nameOf(userId)}
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${nameOf(userId)}`}
                onClick={() => onChange(value.filter((id) => id !== userId))}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Only you can use it at first; people added here get access as soon as it exists.
        </p>
      )}
    </div>
  )
}

function useAvailable(region: string, machineType: string, enabled: boolean): boolean | undefined {
  const query = useQuery({ ...availabilityQueryOptions(region, machineType), enabled })
  return enabled ? query.data?.available : undefined
}

function CreateMachineForm({
  prefill,
  onCreated,
  onCancel,
  onPendingChange,
}: {
  prefill: { region?: string | undefined; machineType?: string | undefined }
  onCreated: (machine: Machine) => void
  onCancel: () => void
  onPendingChange: (pending: boolean) => void
}) {
  const id = useId()
  const fieldId = (field: CreateField) => `${id}-${field}`
  const [values, setValues] = useState<CreateFormValues>(() => initialCreateValues(prefill))
  // Prefilled fields count as touched, so a prefilled type not offered in the region says so at once.
  const [touched, setTouched] = useState<ReadonlySet<CreateField>>(
    () =>
      new Set<CreateField>([
        ...(prefill.region ? ['region' as const] : []),
        ...(prefill.machineType ? ['machineType' as const] : []),
      ]),
  )
  const [submitted, setSubmitted] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  const create = useCreateMachine()

  const errors = validateCreateForm(values)
  const shown = (field: CreateField) => (submitted || touched.has(field) ? errors[field] : undefined)
  const offered = Boolean(values.region && values.machineType && !errors.region && !errors.machineType)
  const available = useAvailable(values.region, values.machineType, offered)

  const set = <K extends CreateField>(field: K, value: CreateFormValues[K]) => {
    setValues((previous) => ({ ...previous, [field]: value }))
    setTouched((previous) => (previous.has(field) ? previous : new Set(previous).add(field)))
  }

  const submit = (event: React.FormEvent) => {
    event.preventDefault()
    if (create.isPending) return
    setSubmitted(true)
    const first = FIELD_ORDER.find((field) => errors[field])
    if (first) {
      form.current?.querySelector<HTMLElement>(`#${CSS.escape(fieldId(first))}`)?.focus()
      return
    }
    create.reset()
    onPendingChange(true)
    create.mutate(toMachineCreate(values), {
      onSuccess: (machine) => onCreated(machine),
      onSettled: () => onPendingChange(false),
    })
  }

  const type = machineTypeInfo(values.machineType)

  return (
    <form ref={form} noValidate onSubmit={submit} className="grid gap-4 sm:grid-cols-2">
      {create.isError ? (
        <div
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 sm:col-span-2 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
        >
          <p className="font-semibold">The machine was not created</p>
          <p>{create.error.message}</p>
        </div>
      ) : null}
      <div className="sm:col-span-2">
        <Field id={fieldId('name')} label="Name" error={shown('name')} hint={`Up to ${NAME_MAX} characters.`}>
          <input
            id={fieldId('name')}
            className={inputClasses}
            value={values.name}
            autoComplete="off"
            aria-required="true"
            aria-invalid={Boolean(shown('name'))}
            aria-describedby={describedBy(fieldId('name'), shown('name'), true)}
            onChange={(event) => set('name', event.target.value)}
            onBlur={() => setTouched((previous) => new Set(previous).add('name'))}
          />
        </Field>
      </div>
      <Field id={fieldId('region')} label="Region" error={shown('region')}>
        <select
          id={fieldId('region')}
          className={inputClasses}
          value={values.region}
          aria-required="true"
          aria-invalid={Boolean(shown('region'))}
          aria-describedby={describedBy(fieldId('region'), shown('region'))}
          onChange={(event) => set('region', event.target.value)}
        >
          <option value="">Choose a region</option>
          {REGIONS.map((region) => (
            <option key={region.id} value={region.id}>
              {region.name}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={fieldId('machineType')}
        label="Machine type"
        error={shown('machineType')}
        hint={
          type
            ? `${type.cpus} vCPU, ${type.ramGb} GB RAM${type.gpu ? `, ${type.gpuCount} × ${type.gpu}` : ''}${type.pricePerHour !== null ? ` · ${formatMoney(type.pricePerHour)}/h` : ''}`
            : undefined
        }
      >
        <select
          id={fieldId('machineType')}
          className={inputClasses}
          value={values.machineType}
          aria-required="true"
          aria-invalid={Boolean(shown('machineType'))}
          aria-describedby={describedBy(fieldId('machineType'), shown('machineType'), Boolean(type))}
          onChange={(event) => set('machineType', event.target.value)}
        >
          <option value="">Choose a machine type</option>
          {machineTypeGroups().map((group) => (
            <optgroup key={group.label} label={group.label}>
              {group.types.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                  {values.region && !t.regions.includes(values.region) ? ' (not offered in this region)' : ''}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>
      <Field id={fieldId('templateId')} label="Template" error={shown('templateId')}>
        <select
          id={fieldId('templateId')}
          className={inputClasses}
          value={values.templateId}
          aria-required="true"
          aria-invalid={Boolean(shown('templateId'))}
          aria-describedby={describedBy(fieldId('templateId'), shown('templateId'))}
          onChange={(event) => set('templateId', event.target.value)}
        >
          {TEMPLATES.map((template) => (
            <option key={template.id} value={template.id}>
              {template.label}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={fieldId('diskSize')}
        label="Disk size (GB)"
        error={shown('diskSize')}
        hint={`${DISK_GB.min} to ${DISK_GB.max} GB.`}
      >
        <input
          id={fieldId('diskSize')}
          className={inputClasses}
          inputMode="numeric"
          value={values.diskSize}
          aria-required="true"
          aria-invalid={Boolean(shown('diskSize'))}
          aria-describedby={describedBy(fieldId('diskSize'), shown('diskSize'), true)}
          onChange={(event) => set('diskSize', event.target.value)}
        />
      </Field>
      <div className="flex flex-col gap-3 sm:col-span-2">
        <label className="inline-flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-indigo-600"
            checked={values.startOnCreate}
            onChange={(event) => set('startOnCreate', event.target.checked)}
          />
          Start the machine once it is created
        </label>
        <label className="inline-flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-indigo-600"
            checked={values.takeInitialSnapshot}
            onChange={(event) => set('takeInitialSnapshot', event.target.checked)}
          />
          Take a snapshot of the new disk
        </label>
        <label className="inline-flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-indigo-600"
            checked={values.autoShutdown}
            onChange={(event) => set('autoShutdown', event.target.checked)}
          />
          Shut down automatically
        </label>
        {values.autoShutdown ? (
          <div className="sm:w-1/2">
            <Field
              id={fieldId('autoShutdownHours')}
              label="Auto-shutdown after (hours)"
              error={shown('autoShutdownHours')}
              hint={`${AUTO_SHUTDOWN_HOURS.min} to ${AUTO_SHUTDOWN_HOURS.max} hours.`}
            >
              <input
                id={fieldId('autoShutdownHours')}
                className={inputClasses}
                inputMode="numeric"
                value={values.autoShutdownHours}
                aria-invalid={Boolean(shown('autoShutdownHours'))}
                aria-describedby={describedBy(fieldId('autoShutdownHours'), shown('autoShutdownHours'), true)}
                onChange={(event) => set('autoShutdownHours', event.target.value)}
              />
            </Field>
          </div>
        ) : null}
      </div>
      <PeopleToGrant value={values.accessorIds} onChange={(ids) => set('accessorIds', ids)} />
      <div className="sm:col-span-2">
        {offered ? (
          <Availability region={values.region} machineType={values.machineType} />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Choose a region and a machine type to see whether it is available.
          </p>
        )}
      </div>
      <div className="flex justify-end gap-2 sm:col-span-2">
        <Button onClick={onCancel} disabled={create.isPending}>
          Cancel
        </Button>
        <SubmitButton pending={create.isPending} unavailable={available === false} />
      </div>
    </form>
  )
}

function SubmitButton({ pending, unavailable }: { pending: boolean; unavailable: boolean }) {
  return (
    <Button type="submit" variant={unavailable ? 'danger' : 'primary'} pending={pending}>
      {pending ? 'Creating…' : unavailable ? 'Create anyway' : 'Create machine'}
    </Button>
  )
}

/** The create-machine form in a dialog; it opens from the URL (`?create=1`, optionally with a region and type). */
export function CreateMachineDialog({
  open,
  prefill,
  onClose,
  onCreated,
}: {
  open: boolean
  prefill: { region?: string | undefined; machineType?: string | undefined }
  onClose: () => void
  onCreated: (machine: Machine) => void
}) {
  const [pending, setPending] = useState(false)
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={pending}
      title="Create machine"
      className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-lg bg-white p-0 text-slate-900 shadow-xl dark:bg-slate-900 dark:text-slate-100"
    >
      <CreateMachineForm prefill={prefill} onCreated={onCreated} onCancel={onClose} onPendingChange={setPending} />
    </Dialog>
  )
}
