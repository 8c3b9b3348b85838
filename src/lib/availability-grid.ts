/** The shape of the availability grid: which regions, which machine types in which groups, which cells to ask. Pure. */
import { MACHINE_TYPES, type MachineClass, type MachineTypeInfo, REGIONS, regionId, regionName } from './catalog'

export interface RegionColumn {
  id: string
  name: string
}

export type GroupId = MachineClass | 'other'

export interface GridRow {
  name: string
  /** catalog facts, when the type is in the catalog */
  info: MachineTypeInfo | undefined
}

export interface GridGroup {
  id: GroupId
  label: string
  rows: GridRow[]
}

const GROUP_LABELS: Record<GroupId, string> = {
  cpu: 'CPU',
  gpu: 'Single GPU',
  'multi-gpu': 'Multi GPU',
  other: 'Other',
}

const GROUP_ORDER: GroupId[] = ['cpu', 'gpu', 'multi-gpu', 'other']

/** The catalog's regions first, then any other region the fleet runs in (normalised: "Europe (AMS1)" is ams1). */
export function gridRegions(seen: Iterable<string | undefined>): RegionColumn[] {
  const columns: RegionColumn[] = REGIONS.map((r) => ({ id: r.id, name: r.name }))
  const known = new Set(columns.map((c) => c.id))
  const extra: string[] = []
  for (const value of seen) {
    const id = regionId(value)
    if (!id || known.has(id)) continue
    known.add(id)
    extra.push(id)
  }
  extra.sort((a, b) => a.localeCompare(b))
  return [...columns, ...extra.map((id) => ({ id, name: regionName(id) }))]
}

/** The catalog's machine types grouped by class in catalog order, then types only the fleet knows, under "Other". */
export function gridGroups(seenTypes: Iterable<string | undefined>): GridGroup[] {
  const byGroup = new Map<GroupId, GridRow[]>(GROUP_ORDER.map((id) => [id, []]))
  const known = new Set<string>()
  for (const info of MACHINE_TYPES) {
    byGroup.get(info.class)?.push({ name: info.name, info })
    known.add(info.name.toLowerCase())
  }
  const other: string[] = []
  for (const value of seenTypes) {
    const name = value?.trim()
    if (!name || known.has(name.toLowerCase())) continue
    known.add(name.toLowerCase())
    other.push(name)
  }
  other.sort((a, b) => a.localeCompare(b))
  byGroup.get('other')?.push(...other.map((name) => ({ name, info: undefined })))
  return GROUP_ORDER.map((id) => ({ id, label: GROUP_LABELS[id], rows: byGroup.get(id) ?? [] })).filter(
    (group) => group.rows.length > 0,
  )
}

/**
 * Whether to ask the API about a cell. A type the catalog lists, in a region the catalog knows, but not offered
 * there is shown as "Not offered" without a request; anything the catalog cannot vouch for is asked.
 */
export function shouldAsk(row: GridRow, region: string): boolean {
  if (!row.info) return true
  if (!REGIONS.some((r) => r.id === region)) return true
  return row.info.regions.includes(region)
}

/** "40 GB", "8 × 80 GB", or "—" for CPU types and unknown ones. */
export function gpuMemoryLabel(info: MachineTypeInfo | undefined): string {
  if (!info || info.gpuCount === 0 || info.gpuMemoryGb === 0) return '—'
  return info.gpuCount > 1 ? `${info.gpuCount} × ${info.gpuMemoryGb} GB` : `${info.gpuMemoryGb} GB`
}

export function cellKey(machineType: string, region: string): string {
  return `${machineType}\u0000${region}`
}
