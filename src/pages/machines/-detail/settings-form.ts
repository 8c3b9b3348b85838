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
}

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
  }
}

export function validateSettings(values: SettingsValues): SettingsErrors {
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
  return errors
}

/** The update body: only the fields that differ from where the form started. */
export function settingsChanges(initial: SettingsValues, values: SettingsValues): MachineUpdate {
  const body: MachineUpdate = {}
  const name = values.name.trim()
  if (name !== initial.name.trim()) body.name = name
  const hours = values.autoShutdown.trim()
  if (hours !== '' && hours !== initial.autoShutdown.trim()) body.autoShutdownTimeoutHours = Number(hours)
  if (values.autoSnapshot !== '' && values.autoSnapshot !== initial.autoSnapshot) {
    body.autoSnapshotFrequency = values.autoSnapshot
  }
  if (values.machineType !== initial.machineType) body.machineType = values.machineType
  return body
}

/** The field a refusal of the service talks about, from its message; null when it concerns the whole form. */
export function fieldForServerMessage(message: string): SettingsField | null {
  if (/^name\b/i.test(message) || /\bname (must|is|already)\b/i.test(message)) return 'name'
  if (/autoShutdown/i.test(message) || /auto-shutdown/i.test(message)) return 'autoShutdown'
  if (/autoSnapshot/i.test(message) || /snapshot/i.test(message)) return 'autoSnapshot'
  if (/machineType|machine type/i.test(message)) return 'machineType'
  return null
}
