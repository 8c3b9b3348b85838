/** Machine availability per region × machine type. */
import { queryOptions } from '@tanstack/react-query'
import { createLimiter } from '../lib/concurrency'
import { client, unwrap } from './client'
import type { paths } from './schema'

export type Availability = paths['/machine-availability']['get']['responses'][200]['content']['application/json']

export const availabilityKeys = {
  all: ['availability'] as const,
  cell: (region: string, machineType: string) => [...availabilityKeys.all, region, machineType] as const,
}

/** At most this many availability requests are in flight at once, whoever asks. */
export const AVAILABILITY_CONCURRENCY = 6
export const AVAILABILITY_REFRESH_MS = 60_000

/** One queue for every availability request, so a grid of dozens of cells never bursts at the API. */
export const availabilityLimiter = createLimiter(AVAILABILITY_CONCURRENCY)

export function availabilityQueryOptions(region: string, machineType: string) {
  return queryOptions({
    queryKey: availabilityKeys.cell(region, machineType),
    queryFn: ({ signal }) =>
      availabilityLimiter.run(
        () => unwrap(client.GET('/machine-availability', { params: { query: { region, machineType } }, signal })),
        signal,
      ),
    staleTime: 30_000,
    refetchInterval: AVAILABILITY_REFRESH_MS,
  })
}
