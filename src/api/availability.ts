/** Machine availability per region × machine type. */
import { queryOptions } from '@tanstack/react-query'
import { client, unwrap } from './client'

export const availabilityKeys = {
  all: ['availability'] as const,
  cell: (region: string, machineType: string) => [...availabilityKeys.all, region, machineType] as const,
}

export function availabilityQueryOptions(region: string, machineType: string) {
  return queryOptions({
    queryKey: availabilityKeys.cell(region, machineType),
    queryFn: ({ signal }) =>
      unwrap(client.GET('/machine-availability', { params: { query: { region, machineType } }, signal })),
    staleTime: 30_000,
  })
}
