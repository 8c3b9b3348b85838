/**
 * Machines: query-options factories and the key factory, shared by route loaders and components. The mutations are
 * in machine-mutations.ts: only dialogs and the detail page use them, so they stay out of the first load.
 */
import { type QueryClient, queryOptions } from '@tanstack/react-query'
import { isTransitional } from '../lib/machine-state'
import { lastAnswerAt, onTheBeat } from '../lib/polling'
import { client, unwrap } from './client'
import type { Machine } from './normalize'
import type { components } from './schema'

/** A machine as the pages see it: the contract's fields and, from the live service, its extras (normalize.ts). */
export type { Machine }
export type MachineCreate = components['schemas']['MachineCreate']
export type MachineUpdate = components['schemas']['MachineUpdate']

export const machineKeys = {
  all: ['machines'] as const,
  lists: () => [...machineKeys.all, 'list'] as const,
  /** The whole fleet, every page followed. */
  fleet: () => [...machineKeys.lists(), 'fleet'] as const,
  details: () => [...machineKeys.all, 'detail'] as const,
  detail: (id: string) => [...machineKeys.details(), id] as const,
  accessors: (id: string) => [...machineKeys.detail(id), 'accessors'] as const,
  desktop: (id: string) => [...machineKeys.detail(id), 'desktop'] as const,
  /** When the machine last started, read from its events; `version` changes whenever the machine does. */
  lastStart: (id: string, version: string) => [...machineKeys.detail(id), 'last-start', version] as const,
}

/** The largest page the API serves. */
export const PAGE_LIMIT = 120
export const FAST_POLL_MS = 2_000
export const SLOW_POLL_MS = 30_000

/**
 * Follows `nextPage` cursors until the last page, so every machine of the team is there. `onProgress` hears the
 * count fetched so far after each page.
 */
export async function fetchAllMachines(
  signal?: AbortSignal,
  onProgress?: (fetched: number) => void,
): Promise<Machine[]> {
  const machines: Machine[] = []
  let after: string | undefined
  for (;;) {
    const page = await unwrap(
      client.GET('/machines', {
        params: { query: { limit: PAGE_LIMIT, ...(after ? { after } : {}) } },
        ...(signal ? { signal } : {}),
      }),
    )
    machines.push(...(page.items ?? []))
    onProgress?.(machines.length)
    if (!page.hasMore || !page.nextPage || page.nextPage === after) return machines
    after = page.nextPage
  }
}

/**
 * A fleet larger than one page is not re-listed every 2 s while machines are in transition: those machines are
 * followed one by one instead (`fleetTransitionsQueryOptions`), and the whole list refreshes on the slow interval.
 */
export function isLargeFleet(machines: readonly Machine[] | undefined): boolean {
  return (machines?.length ?? 0) > PAGE_LIMIT
}

/** How many machines the latest whole-fleet load has fetched so far: the loading view of a large fleet counts up. */
let fleetFetched = 0
const fleetProgressListeners = new Set<() => void>()

export function subscribeFleetProgress(listener: () => void): () => void {
  fleetProgressListeners.add(listener)
  return () => fleetProgressListeners.delete(listener)
}

export function getFleetProgress(): number {
  return fleetFetched
}

function reportFleetProgress(fetched: number): void {
  fleetFetched = fetched
  for (const listener of fleetProgressListeners) listener()
}

export function fleetQueryOptions() {
  return queryOptions({
    queryKey: machineKeys.fleet(),
    queryFn: ({ signal }) => {
      reportFleetProgress(0)
      return fetchAllMachines(signal, reportFleetProgress)
    },
    refetchInterval: (query) => {
      const fleet = query.state.data
      const fast = !isLargeFleet(fleet) && fleet?.some((m) => isTransitional(m.state))
      return onTheBeat(fast ? FAST_POLL_MS : SLOW_POLL_MS, lastAnswerAt(query.state))
    },
  })
}

/** At most this many machines in transition are followed one by one; the rest wait for the slow list refresh. */
export const MAX_FOLLOWED = 40
const FOLLOW_CONCURRENCY = 6

/** The ids of a large fleet's machines in transition, to follow fast; empty for a small fleet (the list polls fast). */
export function transitioningIds(machines: readonly Machine[] | undefined): string[] {
  if (!machines || !isLargeFleet(machines)) return []
  const ids: string[] = []
  for (const machine of machines) {
    if (machine.id && isTransitional(machine.state)) ids.push(machine.id)
    if (ids.length === MAX_FOLLOWED) break
  }
  return ids
}

/**
 * Follows the given machines (GET /machines/{id}, a few at a time) every 2 s and writes the answers into the
 * detail and fleet caches, all at once when the round is done (one table update, not one per machine).
 * `ids` are read when each poll runs, so the key stays the same as machines come and go.
 */
export function fleetTransitionsQueryOptions(ids: readonly string[]) {
  return queryOptions({
    queryKey: [...machineKeys.lists(), 'transitions'] as const,
    queryFn: async ({ signal, client: queryClient }): Promise<Machine[]> => {
      const pending = [...ids]
      const fetched: Machine[] = []
      const lane = async () => {
        for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
          try {
            fetched.push(await unwrap(client.GET('/machines/{id}', { params: { path: { id } }, signal })))
          } catch (error) {
            // One machine failing (deleted meanwhile, rate limited) must not stop the others; the list refresh
            // catches up with it. Cancellation ends the whole poll.
            if (signal.aborted) throw error
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(FOLLOW_CONCURRENCY, ids.length) }, lane))
      putMachines(queryClient, fetched)
      return fetched
    },
    enabled: ids.length > 0,
    refetchInterval: (query) => onTheBeat(FAST_POLL_MS, lastAnswerAt(query.state)),
    staleTime: 0,
    gcTime: 0,
  })
}

export function machineQueryOptions(id: string) {
  return queryOptions({
    queryKey: machineKeys.detail(id),
    queryFn: ({ signal }) => unwrap(client.GET('/machines/{id}', { params: { path: { id } }, signal })),
    refetchInterval: (query) =>
      onTheBeat(isTransitional(query.state.data?.state) ? FAST_POLL_MS : SLOW_POLL_MS, lastAnswerAt(query.state)),
  })
}

/** Writes several machines into their detail caches and into the fleet list in one pass (bulk actions). */
export function putMachines(queryClient: QueryClient, machines: readonly Machine[]): void {
  const byId = new Map<string, Machine>()
  for (const machine of machines) {
    if (!machine.id) continue
    byId.set(machine.id, machine)
    queryClient.setQueryData(machineKeys.detail(machine.id), machine)
  }
  if (byId.size === 0) return
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) => {
    if (!fleet) return fleet
    const seen = new Set<string>()
    const next = fleet.map((m) => {
      const update = m.id ? byId.get(m.id) : undefined
      if (!update || !m.id) return m
      seen.add(m.id)
      return update
    })
    const added = [...byId.values()].filter((m) => !seen.has(m.id ?? ''))
    return added.length > 0 ? [...added, ...next] : next
  })
}

/**
 * Whether the service leaves out when a machine last ran: the live service has no `dtLastRun` (it sends
 * `dtModified` instead); its `start` events tell. A contract machine without `dtLastRun` never ran.
 */
export function needsLastStart(machine: Machine): boolean {
  return !machine.dtLastRun && machine.dtModified !== undefined && Boolean(machine.id)
}

const LAST_START_PAGE = 50
const LAST_START_PAGES = 3
/** The events that leave a machine running; the latest one done is when it last started. */
const START_EVENTS: ReadonlySet<string> = new Set(['start', 'restart'])

interface EventItem {
  machineId?: string
  type?: string
  state?: string
  dtCreated?: string
  dtFinished?: string | null
}

/**
 * When a machine last started: the end of its latest `start` (or `restart`) event that is done, from the event feed
 * filtered by `machineId`, newest first, reading at most a few pages. `null` when none is found.
 */
export async function fetchLastStart(machineId: string, signal?: AbortSignal): Promise<string | null> {
  let after: string | undefined
  for (let page = 0; page < LAST_START_PAGES; page++) {
    const query = { machineId, limit: LAST_START_PAGE, ...(after ? { after } : {}) } as { limit: number }
    const events = await unwrap(client.GET('/machine-events', { params: { query }, ...(signal ? { signal } : {}) }))
    for (const event of (events.items ?? []) as EventItem[]) {
      // A service that ignored the filter would send other machines' events too.
      if (event.machineId !== machineId) continue
      if (event.type && START_EVENTS.has(event.type) && event.state === 'done') {
        return event.dtFinished || event.dtCreated || null
      }
    }
    if (!events.hasMore || !events.nextPage || events.nextPage === after) return null
    after = events.nextPage
  }
  return null
}

/**
 * The last start of one machine, looked up once per change of the machine (its `dtModified`, else its state): only
 * rows on screen ask, so a fleet of thousands costs a request per machine shown, not per machine.
 */
export function lastStartQueryOptions(machine: Machine) {
  const id = machine.id ?? ''
  return queryOptions({
    queryKey: machineKeys.lastStart(id, machine.dtModified ?? machine.state ?? ''),
    queryFn: ({ signal }) => fetchLastStart(id, signal),
    staleTime: Number.POSITIVE_INFINITY,
  })
}
