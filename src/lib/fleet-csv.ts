/** CSV export of the fleet table (RFC 4180, safe to open in a spreadsheet). Pure: no React, no fetch. */
import type { components } from '../api/schema'
import { regionName } from './catalog'
import { autoShutdownLabel, gpuLabel } from './fleet-view'
import { formatBytes } from './format'
import { stateLabel } from './machine-state'

type Machine = components['schemas']['Machine']

/** Characters a spreadsheet may read as the start of a formula (tab and CR too, as OWASP advises). */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One field: a leading formula character gets a `'` in front so a spreadsheet shows it as text; a field with a
 * comma, quote or line break is quoted, with quotes doubled.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Rows of fields to CSV text with CRLF line ends. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + (rows.length > 0 ? '\r\n' : '')
}

export const FLEET_CSV_HEADER = [
  'Name',
  'ID',
  'State',
  'Machine type',
  'GPU',
  'Region',
  'CPUs',
  'RAM',
  'Public IP',
  'Auto-shutdown',
  'Last run',
] as const

/** The machines as shown in the table, in the order given; times are ISO 8601 so spreadsheets can parse them. */
export function fleetCsv(machines: readonly Machine[]): string {
  return toCsv([
    FLEET_CSV_HEADER,
    ...machines.map((m) => [
      m.name,
      m.id,
      stateLabel(m.state),
      m.machineType,
      gpuLabel(m),
      m.region ? regionName(m.region) : '',
      m.cpus,
      m.ram === undefined ? '' : formatBytes(m.ram),
      m.publicIp,
      autoShutdownLabel(m),
      m.dtLastRun,
    ]),
  ])
}

/** "machines-2026-11-28.csv", from the local date. */
export function fleetCsvFilename(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `machines-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`
}
