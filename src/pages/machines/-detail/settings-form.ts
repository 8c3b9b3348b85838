/** The settings form's rules: initial values, inline validation, what changed, and where a refusal belongs. */
import type { Machine, MachineUpdate } from '../../../api/machines'
import {
  AUTO_SHUTDOWN_MAX_HOURS,
  autoShutdownHours,
  autoSnapshotFrequency,
  NAME_MAX_LENGTH,
  SNAPSHOT_FREQUENCIES,
} from './machine-facts'

export interface SettingsValues {
  name: string
  /** hours as typed; '' = not reported and left unchanged */
  autoShutdown: string
  /** 'off', a frequency, or '' = not reported and left unchanged */
  autoSnapshot: string
  machineType: string
  /** disk size in GB as typed; '' when the size is not reported */
  diskSize: string
}

/** The update the form sends: the contract's fields, and the disk size the live service takes. */
export type SettingsUpdate = MachineUpdate & { diskSize?: number }

export const DISK_MAX_GB = 2000
const GIB = 1024 ** 3

export type SettingsField = keyof SettingsValues
export type SettingsErrors = Partial<Record<SettingsField, string>>

/** What the service does not echo back (timeout, frequency), remembered from the last save. */
export interface KnownSettings {
  autoShutdown?: string
  autoSnapshot?: string
}

export function initialSettings(machine: Machine, known: KnownSettings = {}): SettingsValues {
  const hours = autoShutdownHours(machine)
  const frequency = autoSnapshotFrequency(machine)
  return {
    name: machine.name ?? '',
    autoShutdown: hours !== null ? String(hours) : (known.autoShutdown ?? ''),
    autoSnapshot: frequency ?? known.autoSnapshot ?? '',
    machineType: machine.machineType ?? '',
    diskSize: machine.storageTotal ? String(Math.ceil(machine.storageTotal / GIB)) : '',
  }
}

/** Every problem with the values; the disk may only grow, so `initial` holds the size it has now. */
export function validateSettings(values: SettingsValues, initial?: SettingsValues): SettingsErrors {
  const errors: SettingsErrors = {}
  const name = values.name.trim()
  if (name === '') errors.name = 'Enter a name.'
  else if (name.length > NAME_MAX_LENGTH) errors.name = `Use at most ${NAME_MAX_LENGTH} characters.`
  const hours = values.autoShutdown.trim()
  if (hours !== '' && (!/^\d+$/.test(hours) || Number(hours) > AUTO_SHUTDOWN_MAX_HOURS)) {
    errors.autoShutdown = `Enter whole hours from 0 (off) to ${AUTO_SHUTDOWN_MAX_HOURS}.`
  }
  if (values.autoSnapshot !== '' && values.autoSnapshot !== 'off') {
    if (!(SNAPSHOT_FREQUENCIES as readonly string[]).includes(values.autoSnapshot)) {
      errors.autoSnapshot = 'Pick a frequency.'
    }
  }
  if (values.machineType.trim() === '') errors.machineType = 'Pick a machine type.'
  const disk = values.diskSize.trim()
  const current = Number(initial?.diskSize || 0)
  if (disk !== '' && disk !== initial?.diskSize) {
    if (!/^\d+$/.test(disk) || Number(disk) > DISK_MAX_GB) {
      errors.diskSize = `Enter whole GB, up to ${DISK_MAX_GB}.`
    } else if (Number(disk) < current) {
      errors.diskSize = `A disk can only grow: enter ${current} GB or more.`
    }
  }
  return errors
}

/** The update body: only the fields that differ from where the form started. */
export function settingsChanges(initial: SettingsValues, values: SettingsValues): SettingsUpdate {
  const body: SettingsUpdate = {}
  const name = values.name.trim()
  if (name !== initial.name.trim()) body.name = name
  const hours = values.autoShutdown.trim()
  if (hours !== '' && hours !== initial.autoShutdown.trim()) body.autoShutdownTimeoutHours = Number(hours)
  if (values.autoSnapshot !== '' && values.autoSnapshot !== initial.autoSnapshot) {
    body.autoSnapshotFrequency = values.autoSnapshot
  }
  if (values.machineType !== initial.machineType) body.machineType = values.machineType
  const disk = values.diskSize.trim()
  if (disk !== '' && disk !== initial.diskSize.trim()) body.diskSize = Number(disk)
  return body
}

/** The field a refusal of the service talks about, from its message; null when it concerns the whole form. */
export function fieldForServerMessage(message: string): SettingsField | null {
  if (/^name\b/i.test(message) || /\bname (must|is|already)\b/i.test(message)) return 'name'
  if (/autoShutdown/i.test(message) || /auto-shutdown/i.test(message)) return 'autoShutdown'
  if (/autoSnapshot/i.test(message) || /snapshot/i.test(message)) return 'autoSnapshot'
  if (/machineType|machine type/i.test(message)) return 'machineType'
  if (/diskSize|\bdisk\b/i.test(message)) return 'diskSize'
  return null
}
