/** Desktop streaming configuration of one machine. */
import { queryOptions } from '@tanstack/react-query'
import { client, unwrap } from './client'
import { machineKeys } from './machines'
import type { components } from './schema'

export type DesktopConfig = components['schemas']['DesktopConfig']

export function desktopQueryOptions(machineId: string, enabled = true) {
  return queryOptions({
    queryKey: machineKeys.desktop(machineId),
    queryFn: ({ signal }) =>
      unwrap(client.GET('/machines/{id}/desktop', { params: { path: { id: machineId } }, signal })),
    enabled,
  })
}
