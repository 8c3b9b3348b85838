import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useRef, useState } from 'react'
import { isApiError } from '../../../api/client'
import { useUpdateMachine } from '../../../api/machine-mutations'
import { type Machine, machineKeys } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { toast } from '../../../components/ui/toast-store'
import { MACHINE_TYPES, type MachineClass, regionId } from '../../../lib/catalog'
import { formatMoney } from '../../../lib/format'
import { stateLabel } from '../../../lib/machine-state'
import { describedBy, Field, inputClasses } from './field'
import { AUTO_SHUTDOWN_MAX_HOURS, SNAPSHOT_FREQUENCIES } from './machine-facts'
import { Section } from './section'
import {
  DISK_MAX_GB,
  fieldForServerMessage,
  initialSettings,
  type KnownSettings,
  type SettingsErrors,
  type SettingsField,
  type SettingsValues,
  settingsChanges,
  validateSettings,
} from './settings-form'

const CLASS_LABEL: Record<MachineClass, string> = { cpu: 'CPU', gpu: 'GPU', 'multi-gpu': 'Multi-GPU' }
const FIELD_ORDER: SettingsField[] = ['name', 'autoShutdown', 'autoSnapshot', 'machineType', 'diskSize']

function typeOptions(machine: Machine) {
  const region = regionId(machine.region)
  const offered = MACHINE_TYPES.filter((type) => type.regions.includes(region))
  const groups = (['cpu', 'gpu', 'multi-gpu'] as const).map((cls) => ({
    cls,
    types: offered.filter((type) => type.class === cls),
  }))
  const known = offered.some((type) => type.name === machine.machineType)
  return { groups: groups.filter((group) => group.types.length > 0), extra: known ? null : machine.machineType }
}

/**
 * Name, auto-shutdown, auto-snapshots, (while off) the machine type, and the disk size (grow only). Only changed
 * fields are sent.
 */
export function SettingsSection({
  machine,
  known,
  onSaved,
}: {
  machine: Machine
  known: KnownSettings
  onSaved: (known: KnownSettings) => void
}) {
  const id = machine.id ?? ''
  const update = useUpdateMachine(id)
  const queryClient = useQueryClient()
  const base = initialSettings(machine, known)
  const [edits, setEdits] = useState<Partial<SettingsValues>>({})
  const [errors, setErrors] = useState<SettingsErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const formId = useId()
  const fieldId = (field: SettingsField) => `${formId}-${field}`
  const formRef = useRef<HTMLFormElement>(null)
  const values: SettingsValues = { ...base, ...edits }
  const isOff = machine.state === 'off'
  const types = typeOptions(machine)

  const set = (field: SettingsField, value: string) => {
    setEdits((current) => ({ ...current, [field]: value }))
    setErrors((current) => ({ ...current, [field]: undefined }))
    setNotice(null)
  }

  const focusFirst = (found: SettingsErrors) => {
    const first = FIELD_ORDER.find((field) => found[field])
    if (first) formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(fieldId(first))}`)?.focus()
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (update.isPending) return
    setFormError(null)
    setNotice(null)
    const found = validateSettings(values, base)
    setErrors(found)
    if (Object.values(found).some(Boolean)) {
      focusFirst(found)
      return
    }
    const body = settingsChanges(base, values)
    if (Object.keys(body).length === 0) {
      setNotice('Nothing changed.')
      return
    }
    try {
      await update.mutateAsync(body)
      onSaved({
        ...known,
        ...(body.autoShutdownTimeoutHours !== undefined ? { autoShutdown: String(body.autoShutdownTimeoutHours) } : {}),
        ...(body.autoSnapshotFrequency !== undefined ? { autoSnapshot: body.autoSnapshotFrequency } : {}),
      })
      setEdits({})
      setNotice('Settings saved.')
      toast('Settings saved', { tone: 'success', description: body.name ?? machine.name })
    } catch (error) {
      const message = error instanceof Error ? error.message : 'The settings could not be saved.'
      // A conflict means the machine changed under us (e.g. it is no longer off): look at it again.
      if (isApiError(error) && error.status === 409) {
        void queryClient.invalidateQueries({ queryKey: machineKeys.detail(id), exact: true })
      }
      const field =
        isApiError(error) && (error.status === 400 || error.status === 409) ? fieldForServerMessage(message) : null
      if (field) {
        const found = { [field]: message }
        setErrors(found)
        focusFirst(found)
      } else {
        setFormError(`Could not save: ${message}`)
      }
    }
  }

  const diskHint = base.diskSize
    ? `${base.diskSize} GB now. A disk can grow, up to ${DISK_MAX_GB} GB, but never shrink.`
    : 'The service does not report the size.'
  const typeHint = isOff
    ? 'Changes the hardware; the machine stays off.'
    : `Change the machine type while the machine is off. It is ${stateLabel(machine.state).toLowerCase()} now.`

  return (
    <Section title="Settings" description="Saved to Paperspace when you press Save.">
      <form ref={formRef} noValidate onSubmit={submit} className="flex flex-col gap-4" aria-label="Machine settings">
        <Field id={fieldId('name')} label="Name" error={errors.name}>
          <input
            id={fieldId('name')}
            name="name"
            autoComplete="off"
            value={values.name}
            onChange={(event) => set('name', event.target.value)}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy(fieldId('name'), false, errors.name)}
            className={inputClasses(Boolean(errors.name))}
          />
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id={fieldId('autoShutdown')}
            label="Auto-shutdown (hours)"
            hint={
              base.autoShutdown === '' && machine.autoShutdownEnabled
                ? `On; the service does not report after how long. 0 turns it off, up to ${AUTO_SHUTDOWN_MAX_HOURS}.`
                : `0 turns it off; up to ${AUTO_SHUTDOWN_MAX_HOURS} (a week).`
            }
            error={errors.autoShutdown}
          >
            <input
              id={fieldId('autoShutdown')}
              name="autoShutdown"
              inputMode="numeric"
              value={values.autoShutdown}
              placeholder={base.autoShutdown === '' ? 'Unchanged' : undefined}
              onChange={(event) => set('autoShutdown', event.target.value)}
              aria-invalid={errors.autoShutdown ? true : undefined}
              aria-describedby={describedBy(fieldId('autoShutdown'), true, errors.autoShutdown)}
              className={inputClasses(Boolean(errors.autoShutdown))}
            />
          </Field>
          <Field id={fieldId('autoSnapshot')} label="Auto-snapshot" error={errors.autoSnapshot}>
            <select
              id={fieldId('autoSnapshot')}
              name="autoSnapshot"
              value={values.autoSnapshot}
              onChange={(event) => set('autoSnapshot', event.target.value)}
              aria-invalid={errors.autoSnapshot ? true : undefined}
              aria-describedby={describedBy(fieldId('autoSnapshot'), false, errors.autoSnapshot)}
              className={inputClasses(Boolean(errors.autoSnapshot))}
            >
              {base.autoSnapshot === '' ? <option value="">On (frequency not reported)</option> : null}
              <option value="off">Off</option>
              {SNAPSHOT_FREQUENCIES.map((frequency) => (
                <option key={frequency} value={frequency}>
                  {frequency.charAt(0).toUpperCase() + frequency.slice(1)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field id={fieldId('machineType')} label="Machine type" hint={typeHint} error={errors.machineType}>
          <select
            id={fieldId('machineType')}
            name="machineType"
            value={values.machineType}
            disabled={!isOff}
            onChange={(event) => set('machineType', event.target.value)}
            aria-invalid={errors.machineType ? true : undefined}
            aria-describedby={describedBy(fieldId('machineType'), true, errors.machineType)}
            className={inputClasses(Boolean(errors.machineType))}
          >
            {types.extra ? <option value={types.extra}>{types.extra}</option> : null}
            {types.groups.map((group) => (
              <optgroup key={group.cls} label={CLASS_LABEL[group.cls]}>
                {group.types.map((type) => (
                  <option key={type.name} value={type.name}>
                    {type.name} · {type.cpus} vCPU, {type.ramGb} GB RAM
                    {type.gpu ? `, ${type.gpuCount > 1 ? `${type.gpuCount} × ` : ''}${type.gpu}` : ''}
                    {type.pricePerHour !== null ? ` · ${formatMoney(type.pricePerHour)}/h` : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <Field id={fieldId('diskSize')} label="Disk size (GB)" hint={diskHint} error={errors.diskSize}>
          <input
            id={fieldId('diskSize')}
            name="diskSize"
            inputMode="numeric"
            value={values.diskSize}
            disabled={base.diskSize === ''}
            onChange={(event) => set('diskSize', event.target.value)}
            aria-invalid={errors.diskSize ? true : undefined}
            aria-describedby={describedBy(fieldId('diskSize'), true, errors.diskSize)}
            className={inputClasses(Boolean(errors.diskSize))}
          />
        </Field>
        {formError ? (
          <div
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
          >
            {formError}
          </div>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="primary" pending={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save settings'}
          </Button>
          {Object.keys(edits).length > 0 && !update.isPending ? (
            <Button
              variant="ghost"
              onClick={() => {
                setEdits({})
                setErrors({})
                setFormError(null)
              }}
            >
              Discard changes
            </Button>
          ) : null}
          <p role="status" className="text-sm text-slate-600 dark:text-slate-300">
            {notice}
          </p>
        </div>
      </form>
    </Section>
  )
}
