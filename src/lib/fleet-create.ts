/** The create-machine form: its values, their checks and the request body. Pure: no React, no fetch. */
import type { components } from '../api/schema'
import { MACHINE_TYPES, machineTypeInfo, REGIONS, regionId, regionName, TEMPLATES } from './catalog'

/**
 * The create body: the contract's fields, and the live service's own: `accessorIds` (people to grant at once),
 * `takeInitialSnapshot`, and auto-shutdown as `autoShutdownEnabled` + `autoShutdownTimeout` (sent beside the
 * contract's `autoShutdownTimeoutHours`, so either service reads it).
 */
export type MachineCreateBody = components['schemas']['MachineCreate'] & {
  accessorIds?: string[]
  takeInitialSnapshot?: boolean
  autoShutdownEnabled?: boolean
  autoShutdownTimeout?: number
}

export const NAME_MAX = 64
export const DISK_GB = { min: 50, max: 2000, default: 50 } as const
export const AUTO_SHUTDOWN_HOURS = { min: 1, max: 168 } as const
export const DEFAULT_TEMPLATE_ID = 't0nspur5'

/** What the inputs hold, as text, so a half-typed number stays as typed. */
export interface CreateFormValues {
  name: string
  region: string
  machineType: string
  templateId: string
  diskSize: string
  startOnCreate: boolean
  autoShutdown: boolean
  autoShutdownHours: string
  /** user ids to grant access to the new machine */
  accessorIds: string[]
  takeInitialSnapshot: boolean
}

export type CreateField = keyof CreateFormValues
export type CreateFormErrors = Partial<Record<CreateField, string>>

/** Empty form, prefilled with a region and type when they are known (e.g. from a link on the availability page). */
export function initialCreateValues(prefill: { region?: string | undefined; machineType?: string | undefined } = {}) {
  const region = prefill.region ? regionId(prefill.region) : ''
  const type = machineTypeInfo(prefill.machineType)
  return {
    name: '',
    region: REGIONS.some((r) => r.id === region) ? region : '',
    machineType: type?.name ?? '',
    templateId: DEFAULT_TEMPLATE_ID,
    diskSize: String(DISK_GB.default),
    startOnCreate: true,
    autoShutdown: false,
    autoShutdownHours: '8',
    accessorIds: [] as string[],
    takeInitialSnapshot: false,
  } satisfies CreateFormValues
}

function integerIn(text: string, min: number, max: number): number | null {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return null
  const value = Number(trimmed)
  return value >= min && value <= max ? value : null
}

/** Every problem with the values, by field; an empty object means the form can be sent. */
export function validateCreateForm(values: CreateFormValues): CreateFormErrors {
  const errors: CreateFormErrors = {}
  const name = values.name.trim()
  if (name === '') errors.name = 'Enter a name.'
  else if (name.length > NAME_MAX) errors.name = `Use at most ${NAME_MAX} characters (now ${name.length}).`

  const region = REGIONS.find((r) => r.id === values.region)
  if (!region) errors.region = 'Choose a region.'

  const type = machineTypeInfo(values.machineType)
  if (!type) errors.machineType = 'Choose a machine type.'
  else if (region && !type.regions.includes(region.id)) {
    errors.machineType = `${type.name} is not offered in ${region.name}. It is offered in ${type.regions.map((r) => regionName(r)).join(', ')}.`
  }

  if (!TEMPLATES.some((t) => t.id === values.templateId)) errors.templateId = 'Choose a template.'

  if (integerIn(values.diskSize, DISK_GB.min, DISK_GB.max) === null) {
    errors.diskSize = `Enter a whole number of GB from ${DISK_GB.min} to ${DISK_GB.max}.`
  }
  if (
    values.autoShutdown &&
    integerIn(values.autoShutdownHours, AUTO_SHUTDOWN_HOURS.min, AUTO_SHUTDOWN_HOURS.max) === null
  ) {
    errors.autoShutdownHours = `Enter a whole number of hours from ${AUTO_SHUTDOWN_HOURS.min} to ${AUTO_SHUTDOWN_HOURS.max}.`
  }
  return errors
}

/** The request body for valid values. */
export function toMachineCreate(values: CreateFormValues): MachineCreateBody {
  const hours = Number(values.autoShutdownHours.trim())
  return {
    name: values.name.trim(),
    region: values.region,
    machineType: values.machineType,
    templateId: values.templateId,
    diskSize: Number(values.diskSize.trim()),
    startOnCreate: values.startOnCreate,
    ...(values.autoShutdown
      ? { autoShutdownTimeoutHours: hours, autoShutdownEnabled: true, autoShutdownTimeout: hours }
      : {}),
    ...(values.accessorIds.length > 0 ? { accessorIds: [...values.accessorIds] } : {}),
    ...(values.takeInitialSnapshot ? { takeInitialSnapshot: true } : {}),
  }
}

/** Machine types grouped for the picker, in catalog order. */
export function machineTypeGroups() {
  const groups = [
    { label: 'CPU', types: MACHINE_TYPES.filter((t) => t.class === 'cpu') },
    { label: 'GPU', types: MACHINE_TYPES.filter((t) => t.class === 'gpu') },
    { label: 'Multi-GPU', types: MACHINE_TYPES.filter((t) => t.class === 'multi-gpu') },
  ]
  return groups.filter((g) => g.types.length > 0)
}
