/** Machines: query-options factories, the key factory and the mutations, shared by route loaders and components. */
import { type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { isTransitional, type LifecycleAction, pendingStateFor } from '../lib/machine-state'
import { lastAnswerAt, onTheBeat } from '../lib/polling'
import { client, unwrap } from './client'
import { eventKeys } from './event-keys'
import type { components } from './schema'

export type Machine = components['schemas']['Machine']
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

/** Writes one machine into the detail cache and into the fleet list, wherever it is cached. */
export function putMachine(queryClient: QueryClient, machine: Machine): void {
  if (!machine.id) return
  queryClient.setQueryData(machineKeys.detail(machine.id), machine)
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) => {
    if (!fleet) return fleet
    let found = false
    const next = fleet.map((m) => {
      if (m.id !== machine.id) return m
      found = true
      return machine
    })
    return found ? next : [machine, ...fleet]
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

function patchMachine(queryClient: QueryClient, id: string, patch: Partial<Machine>): void {
  queryClient.setQueryData<Machine>(machineKeys.detail(id), (m) => (m ? { ...m, ...patch } : m))
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) =>
    fleet?.map((m) => (m.id === id ? { ...m, ...patch } : m)),
  )
}

function removeMachine(queryClient: QueryClient, id: string): void {
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) => fleet?.filter((m) => m.id !== id))
  queryClient.removeQueries({ queryKey: machineKeys.detail(id) })
}

export function runLifecycleAction(id: string, action: LifecycleAction): Promise<Machine> {
  const params = { params: { path: { id } } }
  switch (action) {
    case 'start':
      return unwrap(client.PATCH('/machines/{id}/start', params))
    case 'stop':
      return unwrap(client.PATCH('/machines/{id}/stop', params))
    case 'restart':
      return unwrap(client.PATCH('/machines/{id}/restart', params))
  }
}

interface LifecycleVariables {
  id: string
  action: LifecycleAction
}

interface LifecycleContext {
  previous: Machine | undefined
  previousFleet: Machine[] | undefined
}

/**
 * Start, stop or restart one machine. The new state shows at once (optimistic), rolls back when the API refuses,
 * and the machine and event caches are refreshed when it settles.
 */
export function useLifecycleAction() {
  const queryClient = useQueryClient()
  return useMutation<Machine, Error, LifecycleVariables, LifecycleContext>({
    mutationFn: ({ id, action }) => runLifecycleAction(id, action),
    onMutate: async ({ id, action }) => {
      await Promise.all([
        queryClient.cancelQueries({ queryKey: machineKeys.detail(id), exact: true }),
        queryClient.cancelQueries({ queryKey: machineKeys.fleet() }),
      ])
      const previous = queryClient.getQueryData<Machine>(machineKeys.detail(id))
      const previousFleet = queryClient.getQueryData<Machine[]>(machineKeys.fleet())
      patchMachine(queryClient, id, { state: pendingStateFor(action) })
      return { previous, previousFleet }
    },
    onError: (_error, { id }, context) => {
      if (!context) return
      queryClient.setQueryData(machineKeys.detail(id), context.previous)
      queryClient.setQueryData(machineKeys.fleet(), context.previousFleet)
    },
    onSuccess: (machine) => putMachine(queryClient, machine),
    onSettled: (_data, _error, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.detail(id), exact: true }),
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ]),
  })
}

export function useCreateMachine() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: MachineCreate) => unwrap(client.POST('/machines', { body })),
    onSuccess: (machine) => {
      putMachine(queryClient, machine)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ])
    },
  })
}

export function useUpdateMachine(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: MachineUpdate) => unwrap(client.PUT('/machines/{id}', { params: { path: { id } }, body })),
    onSuccess: (machine) => {
      putMachine(queryClient, machine)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ])
    },
  })
}

export function useDeleteMachine() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => unwrap(client.DELETE('/machines/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => {
      removeMachine(queryClient, id)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ])
    },
  })
}
