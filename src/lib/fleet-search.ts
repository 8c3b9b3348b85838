/**
 * The machines page's URL: filters, sort and the create dialog, typed and validated. Every field falls back to its
 * default when the URL holds something unknown, so a bad link shows the page instead of an error.
 * Kept free of the catalog so the route's search schema stays small in the first-load bundle, and written with
 * valibot: a route's search schema loads with the entry, and valibot's functions tree-shake to about 1 kB gzip.
 */
import * as v from 'valibot'
import { MACHINE_STATES } from './machine-state'

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

/** Region ids and machine type names: letters, digits and a few separators (resolved against real values later). */
const token = v.pipe(v.string(), v.trim(), v.regex(/^[\w .()-]{1,64}$/))

/** Text typed into the filter box; a URL such as `?q=184` is read by the router as a number, so take numbers too. */
const text = v.union([v.pipe(v.string(), v.maxLength(200)), v.pipe(v.number(), v.transform(String))])

/** Absent or invalid: left out. */
const optional = <T extends v.GenericSchema>(schema: T) => v.fallback(v.optional(schema), undefined)

export const fleetSearchSchema = v.object({
  q: v.fallback(v.optional(text, ''), ''),
  state: optional(v.picklist(MACHINE_STATES)),
  region: optional(token),
  type: optional(token),
  sort: v.fallback(v.optional(v.picklist(FLEET_SORT_KEYS), 'name'), 'name'),
  dir: v.fallback(v.optional(v.picklist(['asc', 'desc']), 'asc'), 'asc'),
  /** `create=1` opens the create dialog; the availability page links here with a region and type. */
  create: optional(v.literal(1)),
  createRegion: optional(token),
  createType: optional(token),
})

export type FleetSearch = v.InferOutput<typeof fleetSearchSchema>

/** Reads the search params of a machines URL; never throws. */
export function parseFleetSearch(input: unknown): FleetSearch {
  return v.parse(fleetSearchSchema, input)
}

/** Values left out of the URL because they are the defaults. */
export const FLEET_SEARCH_DEFAULTS = { q: '', sort: 'name', dir: 'asc' } as const
