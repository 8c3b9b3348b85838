/** Machine events: query-options factories and the key factory. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import { EVENT_FAST_POLL_MS, eventPollInterval, isEventInProgress } from '../lib/machine-events'
import { lastAnswerAt, onTheBeat, onTheBeatOrOff } from '../lib/polling'
import { client, unwrap } from './client'
import { eventKeys } from './event-keys'
import type { components } from './schema'

export type MachineEvent = components['schemas']['MachineEvent']
export type MachineEventList = components['schemas']['MachineEventList']

export const EVENT_PAGE_LIMIT = 50

/**
 * One page of events, newest first. `machineId` narrows to one machine where the service supports it; the result is
 * filtered here too, so a service that ignores the filter still gives the right answer.
 */
export async function fetchEventPage(
  options: { after?: string; limit?: number; machineId?: string },
  signal?: AbortSignal,
): Promise<MachineEventList> {
  const query: Record<string, string | number> = { limit: options.limit ?? EVENT_PAGE_LIMIT }
  if (options.after) query.after = options.after
  if (options.machineId) query.machineId = options.machineId
  const page = await unwrap(
    client.GET('/machine-events', {
      params: { query: query as { limit?: number; after?: string } },
      ...(signal ? { signal } : {}),
    }),
  )
  if (!options.machineId) return page
  return { ...page, items: (page.items ?? []).filter((e) => e.machineId === options.machineId) }
}

/**
 * Every page loaded so far, following `nextPage`. New events reach the top through `latestEventsQueryOptions`
 * (merged in by id), so loaded pages are not refetched on a timer.
 */
export function eventFeedQueryOptions(machineId?: string) {
  return infiniteQueryOptions({
    queryKey: eventKeys.feed(machineId),
    queryFn: ({ pageParam, signal }) =>
      fetchEventPage({ ...(pageParam ? { after: pageParam } : {}), ...(machineId ? { machineId } : {}) }, signal),
    initialPageParam: '',
    getNextPageParam: (last) => (last.hasMore && last.nextPage ? last.nextPage : undefined),
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** The newest page only: polled every 10 s, every 2 s while one of its events is still in progress. */
export function latestEventsQueryOptions(machineId?: string) {
  return queryOptions({
    queryKey: eventKeys.latest(machineId),
    queryFn: ({ signal }) => fetchEventPage(machineId ? { machineId } : {}, signal),
    refetchInterval: (query) => onTheBeat(eventPollInterval(query.state.data?.items), lastAnswerAt(query.state)),
  })
}

export function eventQueryOptions(id: string) {
  return queryOptions({
    queryKey: eventKeys.detail(id),
    queryFn: ({ signal }) => unwrap(client.GET('/machine-events/{id}', { params: { path: { id } }, signal })),
    refetchInterval: (query) =>
      onTheBeatOrOff(isEventInProgress(query.state.data?.state) && EVENT_FAST_POLL_MS, lastAnswerAt(query.state)),
  })
}
