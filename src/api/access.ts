/** Machine access: who can use a machine, grant and revoke. */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { client, unwrap } from './client'
import { eventKeys } from './events'
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
