/**
 * What the detail page shows about a machine's settings. The contract only says whether auto-shutdown and
 * auto-snapshots are on; the live service also reports the timeout (hours) and the frequency, read here when present.
 */
import type { Machine } from '../../../api/machines'

export const SNAPSHOT_FREQUENCIES = ['hourly', 'daily', 'weekly', 'monthly'] as const
export type SnapshotFrequency = (typeof SNAPSHOT_FREQUENCIES)[number]

export const AUTO_SHUTDOWN_MAX_HOURS = 168
export const NAME_MAX_LENGTH = 64

/** Fields the live service sends beyond the contract; never typed by the contract, so read defensively. */
function extra(machine: Machine, field: string): unknown {
  return (machine as Record<string, unknown>)[field]
}

/** Auto-shutdown timeout in hours: 0 when off, null when on but the service did not say after how long. */
export function autoShutdownHours(machine: Machine): number | null {
  const reported = extra(machine, 'autoShutdownTimeout') ?? extra(machine, 'autoShutdownTimeoutHours')
  if (typeof reported === 'number' && Number.isInteger(reported) && reported >= 0) return reported
  if (machine.autoShutdownEnabled === false) return 0
  return null
}

/** 'off', a frequency, or null when snapshots are on but the frequency is not reported. */
export function autoSnapshotFrequency(machine: Machine): SnapshotFrequency | 'off' | null {
  const reported = extra(machine, 'autoSnapshotFrequency')
  if (typeof reported === 'string') {
    const lower = reported.toLowerCase()
    if (lower === 'off' || (SNAPSHOT_FREQUENCIES as readonly string[]).includes(lower)) {
      return lower as SnapshotFrequency | 'off'
    }
  }
  if (machine.autoSnapshotEnabled === false) return 'off'
  return null
}

export function describeAutoShutdown(hours: number | null, enabled: boolean | undefined): string {
  if (hours === 0) return 'Off'
  if (hours !== null) return `After ${hours} ${hours === 1 ? 'hour' : 'hours'}`
  return enabled ? 'On' : 'Unknown'
}

export function describeAutoSnapshot(
  frequency: SnapshotFrequency | 'off' | null,
  enabled: boolean | undefined,
): string {
  if (frequency === 'off') return 'Off'
  if (frequency !== null) return frequency.charAt(0).toUpperCase() + frequency.slice(1)
  return enabled ? 'On' : 'Unknown'
}
