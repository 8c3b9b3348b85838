/**
 * Regions, machine types and templates known to the dashboard (labels, grouping, cost estimates).
 * The data lives in openapi/catalog.json, which the simulator also builds its fleet from.
 * Anything the service returns that is not in here is still shown as it comes.
 */
import catalog from '../../openapi/catalog.json' with { type: 'json' }

export type MachineClass = 'cpu' | 'gpu' | 'multi-gpu'

export interface MachineTypeInfo {
  name: string
  class: MachineClass
  gpu: string | null
  gpuCount: number
  gpuMemoryGb: number
  cpus: number
  ramGb: number
  pricePerHour: number | null
  regions: string[]
}

export interface RegionInfo {
  id: string
  name: string
}

export interface TemplateInfo {
  id: string
  label: string
  os: string
}

export const REGIONS: readonly RegionInfo[] = catalog.regions
export const MACHINE_TYPES: readonly MachineTypeInfo[] = catalog.machineTypes as MachineTypeInfo[]
export const TEMPLATES: readonly TemplateInfo[] = catalog.templates

const typesByName = new Map(MACHINE_TYPES.map((t) => [t.name.toLowerCase(), t]))

export function machineTypeInfo(name: string | undefined): MachineTypeInfo | undefined {
  return name ? typesByName.get(name.toLowerCase()) : undefined
}

const regionAliases = new Map<string, string>()
for (const region of REGIONS) {
  regionAliases.set(region.id, region.id)
  regionAliases.set(region.name.toLowerCase(), region.id)
}

/** Maps "East Coast (NY2)", "NY2" and "ny2" to "ny2"; unknown regions are returned trimmed as they came. */
export function regionId(value: string | undefined): string {
  if (!value) return ''
  const trimmed = value.trim()
  const lower = trimmed.toLowerCase()
  const known = regionAliases.get(lower)
  if (known) return known
  const inParens = /\(([a-z0-9-]+)\)/i.exec(trimmed)?.[1]?.toLowerCase()
  return inParens && regionAliases.has(inParens) ? inParens : trimmed
}

export function regionName(value: string | undefined): string {
  const id = regionId(value)
  return REGIONS.find((r) => r.id === id)?.name ?? (value || '—')
}

/** The public list price per hour for a machine type, when known. */
export function pricePerHour(machineType: string | undefined): number | null {
  return machineTypeInfo(machineType)?.pricePerHour ?? null
}
