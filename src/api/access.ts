/** Machine access: who can use a machine, grant and revoke. */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { client, isApiError, unwrap } from './client'
import { eventKeys } from './event-keys'
import { machineKeys } from './machines'
import type { AccessorList } from './normalize'
import type { components } from './schema'

export type Accessor = components['schemas']['Accessor']

/**
 * Everyone with access to a machine. The live service pages the list (`nextPage`, sent back as `after`); the
 * contract's is a single list, which the client hands over as one last page. Pages are followed to the end.
 */
export async function fetchAllAccessors(machineId: string, signal?: AbortSignal): Promise<Accessor[]> {
  const found = new Map<string, Accessor>()
  const unnamed: Accessor[] = []
  let after: string | undefined
  for (;;) {
    // The contract declares no query on this path; `after` is the live service's.
    const params = { path: { id: machineId }, ...(after ? { query: { after } } : {}) } as { path: { id: string } }
    const page = (await unwrap(
      client.GET('/machines/{id}/accessors', { params, ...(signal ? { signal } : {}) }),
    )) as unknown as AccessorList
    for (const accessor of page.items ?? []) {
      if (!accessor.userId) unnamed.push(accessor)
      else if (!found.has(accessor.userId)) found.set(accessor.userId, accessor)
    }
    if (!page.hasMore || !page.nextPage || page.nextPage === after) return [...found.values(), ...unnamed]
    after = page.nextPage
  }
}

export function accessorsQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: machineKeys.accessors(machineId),
    queryFn: ({ signal }) => fetchAllAccessors(machineId, signal),
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
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ]),
  })
}
