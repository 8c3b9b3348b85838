/**
 * The machines page's URL: filters, sort and the create dialog, typed and validated. Every field falls back to its
 * default when the URL holds something unknown, so a bad link shows the page instead of an error.
 * Kept free of the catalog so the route's search schema stays small in the first-load bundle.
 */
import { z } from 'zod'
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
const token = z
  .string()
  .trim()
  .regex(/^[\w .()-]{1,64}$/)

/** Text typed into the filter box; a URL such as `?q=184` is read by the router as a number, so take numbers too. */
const text = z.union([z.string().max(200), z.number().transform(String)])

export const fleetSearchSchema = z.object({
  q: text.default('').catch(''),
  state: z.enum(MACHINE_STATES).optional().catch(undefined),
  region: token.optional().catch(undefined),
  type: token.optional().catch(undefined),
  sort: z.enum(FLEET_SORT_KEYS).default('name').catch('name'),
  dir: z.enum(['asc', 'desc']).default('asc').catch('asc'),
  /** `create=1` opens the create dialog; the availability page links here with a region and type. */
  create: z.literal(1).optional().catch(undefined),
  createRegion: token.optional().catch(undefined),
  createType: token.optional().catch(undefined),
})

export type FleetSearch = z.infer<typeof fleetSearchSchema>

/** Values left out of the URL because they are the defaults. */
export const FLEET_SEARCH_DEFAULTS = { q: '', sort: 'name', dir: 'asc' } as const
