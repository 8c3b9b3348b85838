/**
 * The machines page's URL: filters, sort and the create dialog, typed and validated. Every field falls back to its
 * default when the URL holds something unknown, so a bad link shows the page instead of an error.
 * Kept free of the catalog so the route's search validation stays small in the first-load bundle.
 */
import { type KnownMachineState, MACHINE_STATES } from './machine-state'
import { oneOf, type Readers, readSearch, text } from './search-params'

export const FLEET_SORT_KEYS = [
  'name',
  'state',
  'machineType',
  'gpu',
  'region',
  'cpus',
  'ram',
  'publicIp',
  'autoShutdown',
  'lastRun',
] as const
export type FleetSortKey = (typeof FLEET_SORT_KEYS)[number]
export type SortDirection = 'asc' | 'desc'

export interface FleetSearch {
  q: string
  state?: KnownMachineState
  region?: string
  type?: string
  sort: FleetSortKey
  dir: SortDirection
  /** `create=1` opens the create dialog; the availability page links here with a region and type. */
  create?: 1
  createRegion?: string
  createType?: string
}

/** Region ids and machine type names: letters, digits and a few separators (resolved against real values later). */
const token = text({ max: 64, trim: true, pattern: /^[\w .()-]{1,64}$/ })

const upTo200 = text({ max: 200 })

const FLEET_SEARCH_READERS: Readers<FleetSearch> = {
  // Text typed into the filter box; a URL such as `?q=184` is read by the router as a number, so take numbers too.
  q: (value) => (typeof value === 'number' && !Number.isNaN(value) ? String(value) : upTo200(value)),
  state: oneOf(MACHINE_STATES),
  region: token,
  type: token,
  sort: oneOf(FLEET_SORT_KEYS),
  dir: oneOf(['asc', 'desc']),
  create: oneOf([1]),
  createRegion: token,
  createType: token,
}

/** Values left out of the URL because they are the defaults. */
export const FLEET_SEARCH_DEFAULTS = { q: '', sort: 'name', dir: 'asc' } as const

/** Reads the search params of a machines URL; never throws. */
export function parseFleetSearch(input: unknown): FleetSearch {
  return readSearch(input, FLEET_SEARCH_READERS, FLEET_SEARCH_DEFAULTS)
}
