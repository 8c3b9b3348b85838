/** Machine access: who can use a machine, grant and revoke. */
import { type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { client, isApiError, unwrap } from './client'
import { eventKeys } from './event-keys'
import { machineKeys } from './machines'
import type { components } from './schema'

export type Accessor = components['schemas']['Accessor']

export function accessorsQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: machineKeys.accessors(machineId),
    queryFn: ({ signal }) =>
      unwrap(client.GET('/machines/{id}/accessors', { params: { path: { id: machineId } }, signal })),
  })
}

export function grantAccess(machineId: string, userId: string): Promise<Accessor> {
  return unwrap(client.POST('/machines/{id}/accessors', { params: { path: { id: machineId } }, body: { userId } }))
}

export function useGrantAccess(machineId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (userId: string) => grantAccess(machineId, userId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.accessors(machineId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ]),
  })
}

export function useRevokeAccess(machineId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(client.DELETE('/machines/{id}/accessors/{userId}', { params: { path: { id: machineId, userId } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.accessors(machineId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ]),
  })
}

/** Someone seen with access to some machine of the team. */
export interface Teammate {
  userId: string
  email: string
}

export const accessKeys = {
  all: ['access'] as const,
  /** Teammates found by looking at the accessors of a few machines. */
  teammates: (sample: number) => [...accessKeys.all, 'teammates', sample] as const,
}

function addTeammates(into: Map<string, Teammate>, accessors: readonly Accessor[] | undefined): void {
  for (const accessor of accessors ?? []) {
    if (accessor.userId && !into.has(accessor.userId)) {
      into.set(accessor.userId, { userId: accessor.userId, email: accessor.email ?? '' })
    }
  }
}

/** Everyone seen as an accessor of any machine whose accessors are in the query cache, by email. */
export function cachedTeammates(queryClient: QueryClient): Teammate[] {
  const found = new Map<string, Teammate>()
  const queries = queryClient
    .getQueryCache()
    .findAll({ queryKey: machineKeys.details(), predicate: (query) => query.queryKey[3] === 'accessors' })
  for (const query of queries) addTeammates(found, query.state.data as Accessor[] | undefined)
  return sortTeammates([...found.values()])
}

export function mergeTeammates(...lists: ReadonlyArray<readonly Teammate[] | undefined>): Teammate[] {
  const found = new Map<string, Teammate>()
  for (const list of lists)
    for (const teammate of list ?? []) if (!found.has(teammate.userId)) found.set(teammate.userId, teammate)
  return sortTeammates([...found.values()])
}

function sortTeammates(list: Teammate[]): Teammate[] {
  return list.sort((a, b) => (a.email || a.userId).localeCompare(b.email || b.userId))
}

/**
 * A cheap look-up of who is on the team: the accessors of the first few machines (one small page of machines,
 * then one request per sampled machine). Each accessor list lands in its own cache entry too.
 */
export function teammatesQueryOptions(queryClient: QueryClient, sample = 6) {
  return queryOptions({
    queryKey: accessKeys.teammates(sample),
    queryFn: async ({ signal }): Promise<Teammate[]> => {
      const page = await unwrap(client.GET('/machines', { params: { query: { limit: sample } }, signal }))
      const ids = (page.items ?? []).flatMap((machine) => (machine.id ? [machine.id] : [])).slice(0, sample)
      const lists = await Promise.allSettled(ids.map((id) => queryClient.fetchQuery(accessorsQueryOptions(id))))
      const found = new Map<string, Teammate>()
      for (const list of lists) if (list.status === 'fulfilled') addTeammates(found, list.value)
      return sortTeammates([...found.values()])
    },
    staleTime: 5 * 60_000,
  })
}

export type BulkGrantStatus = 'granted' | 'already' | 'failed'

export interface BulkGrantResult {
  machineId: string
  status: BulkGrantStatus
  /** The API's message when the grant failed. */
  message?: string
}

/** At most this many grants are in flight at once, so a large selection does not trip rate limits. */
const BULK_GRANT_CONCURRENCY = 4

/** Grants one user access to many machines; every machine gets a result, none throws. */
export async function grantAccessToMany(
  userId: string,
  machineIds: readonly string[],
  concurrency = BULK_GRANT_CONCURRENCY,
): Promise<BulkGrantResult[]> {
  const results: BulkGrantResult[] = new Array(machineIds.length)
  let next = 0
  const worker = async () => {
    while (next < machineIds.length) {
      const index = next++
      const machineId = machineIds[index] as string
      try {
        await grantAccess(machineId, userId)
        results[index] = { machineId, status: 'granted' }
      } catch (error) {
        results[index] =
          isApiError(error) && error.status === 409
            ? { machineId, status: 'already' }
            : { machineId, status: 'failed', message: error instanceof Error ? error.message : 'The grant failed.' }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, machineIds.length) }, worker))
  return results
}

export function useGrantAccessToMany() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ userId, machineIds }: { userId: string; machineIds: readonly string[] }) =>
      grantAccessToMany(userId, machineIds),
    onSuccess: (results) =>
      Promise.all([
        ...results
          .filter((result) => result.status === 'granted')
          .map((result) => queryClient.invalidateQueries({ queryKey: machineKeys.accessors(result.machineId) })),
        queryClient.invalidateQueries({ queryKey: accessKeys.all }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ]),
  })
}
