/** The event key factory, apart from the event queries so that code invalidating events does not load them. */
export const eventKeys = {
  all: ['events'] as const,
  feeds: () => [...eventKeys.all, 'feed'] as const,
  feed: (machineId?: string) => [...eventKeys.feeds(), { machineId: machineId ?? null }] as const,
  /** The newest page alone, polled while the feed is on screen. */
  latest: (machineId?: string) => [...eventKeys.all, 'latest', { machineId: machineId ?? null }] as const,
  details: () => [...eventKeys.all, 'detail'] as const,
  detail: (id: string) => [...eventKeys.details(), id] as const,
}
