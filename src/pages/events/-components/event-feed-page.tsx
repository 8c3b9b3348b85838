import { useQuery, useSuspenseInfiniteQuery } from '@tanstack/react-query'
import { getRouteApi } from '@tanstack/react-router'
import { useEffect, useMemo, useRef } from 'react'
import { eventFeedQueryOptions, latestEventsQueryOptions } from '../../../api/events'
import { fleetQueryOptions } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { EmptyState, ErrorState } from '../../../components/ui/states'
import { formatClock } from '../../../lib/format'
import {
  eventTypeOf,
  matchesEventFilters,
  mergeEventFeed,
  rangeStart,
  reachedRangeStart,
  TIME_RANGES,
} from '../../../lib/machine-events'
import { EventFilters, type EventFilterValues } from './event-filters'
import { EventTable } from './event-table'
import { NewEventsPill } from './new-events-pill'
import { useLiveListScroll } from './use-live-list-scroll'

const routeApi = getRouteApi('/events/')

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The team's events, newest first, paged back through the cursor and kept live from the newest page. */
export function EventFeedPage() {
  const search = routeApi.useSearch()
  const navigate = routeApi.useNavigate()
  const { machineId, type, state, range } = search

  const feed = useSuspenseInfiniteQuery(eventFeedQueryOptions(machineId))
  const latest = useQuery({
    ...latestEventsQueryOptions(machineId),
    initialData: feed.data.pages[0],
    initialDataUpdatedAt: feed.dataUpdatedAt,
  })
  const fleet = useQuery(fleetQueryOptions())

  const names = useMemo(() => {
    const map = new Map<string, string>()
    for (const machine of fleet.data ?? []) if (machine.id && machine.name) map.set(machine.id, machine.name)
    return map
  }, [fleet.data])

  const loaded = useMemo(() => feed.data.pages.flatMap((page) => page.items ?? []), [feed.data])
  const merged = useMemo(
    () =>
      mergeEventFeed(
        latest.data ? { items: latest.data.items ?? [], hasMore: Boolean(latest.data.hasMore) } : undefined,
        loaded,
      ),
    [latest.data, loaded],
  )
  const fresh = useMemo(() => new Set(merged.fresh.flatMap((e) => (e.id ? [e.id] : []))), [merged.fresh])

  // More new events than one page holds arrived between two polls: reload the loaded pages rather than show a hole.
  const { refetch } = feed
  useEffect(() => {
    if (merged.gap) void refetch()
  }, [merged.gap, refetch])

  const since = rangeStart(range, Date.now())
  const visible = merged.events.filter((event) => matchesEventFilters(event, { type, state, since }))
  const idsKey = visible.map((e) => e.id ?? '').join(' ')
  const ids = useMemo(() => (idsKey ? idsKey.split(' ') : []), [idsKey])

  const tableRef = useRef<HTMLTableElement>(null)
  const filterKey = `${machineId ?? ''}|${type ?? ''}|${state ?? ''}|${range ?? ''}`
  const { unseen, showNewest } = useLiveListScroll(tableRef, ids, filterKey)

  const seenTypes = useMemo(() => new Set(merged.events.map(eventTypeOf)), [merged.events])
  const seenStates = useMemo(() => new Set(merged.events.map((e) => e.state ?? '')), [merged.events])

  const setFilters = (patch: EventFilterValues) =>
    navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true })

  const filtered = Boolean(type || state || since !== null)
  const pastRange = reachedRangeStart(loaded, since)
  const canLoadMore = feed.hasNextPage && !pastRange
  const rangeLabel = TIME_RANGES.find((r) => r.id === range)?.label.toLowerCase()

  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Events</h1>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            What happened to the team's machines, newest first.
            {machineId ? (
              <>
                {' '}
                Showing one machine: <span className="font-medium">{names.get(machineId) ?? machineId}</span>.
              </>
            ) : null}
          </p>
        </div>
        <LiveStatus updatedAt={latest.dataUpdatedAt} fetching={latest.isFetching} failed={latest.isError} />
      </div>

      <EventFilters
        values={{ machineId, type, state, range }}
        onChange={setFilters}
        machines={fleet.data ?? []}
        seenTypes={seenTypes}
        seenStates={seenStates}
      />

      {latest.isError ? (
        <div
          role="status"
          className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <p>
            <span className="font-semibold">Live updates paused.</span> {latest.error.message} These events may be stale
            (as of {formatClock(latest.dataUpdatedAt)}).
          </p>
          <Button size="sm" onClick={() => void latest.refetch()} pending={latest.isFetching}>
            Retry
          </Button>
        </div>
      ) : null}

      <NewEventsPill count={unseen} onClick={showNewest} />

      {visible.length > 0 ? (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {filtered || machineId
              ? `Showing ${plural(visible.length, 'matching event')} of ${merged.events.length} loaded.`
              : `Showing ${plural(visible.length, 'event')}.`}
          </p>
          <EventTable events={visible} names={names} fresh={fresh} tableRef={tableRef} />
        </>
      ) : merged.events.length === 0 ? (
        <EmptyState title={machineId ? 'No events for this machine yet' : 'No events yet'}>
          Creating, starting, stopping or changing a machine records an event here.
        </EmptyState>
      ) : (
        <EmptyState
          title="No events match these filters"
          action={
            <Button
              variant="secondary"
              onClick={() => setFilters({ type: undefined, state: undefined, range: undefined })}
            >
              Clear filters
            </Button>
          }
        >
          {canLoadMore
            ? `None of the ${merged.events.length} events loaded so far match. Load more to look further back.`
            : `None of the ${merged.events.length} events match.`}
        </EmptyState>
      )}

      <div className="flex flex-col items-center gap-3 py-2">
        {feed.isFetchNextPageError ? (
          <ErrorState
            title="Could not load older events"
            error={feed.error}
            onRetry={() => void feed.fetchNextPage()}
            retrying={feed.isFetchingNextPage}
          />
        ) : canLoadMore ? (
          <Button onClick={() => void feed.fetchNextPage()} pending={feed.isFetchingNextPage}>
            {feed.isFetchingNextPage ? 'Loading older events…' : 'Load more events'}
          </Button>
        ) : merged.events.length > 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {pastRange && rangeLabel ? `No older events in the ${rangeLabel}.` : 'No older events.'}
          </p>
        ) : null}
      </div>
    </section>
  )
}

function LiveStatus({ updatedAt, fetching, failed }: { updatedAt: number; fetching: boolean; failed: boolean }) {
  return (
    <p className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
      <span
        aria-hidden="true"
        className={
          failed
            ? 'size-2 rounded-full bg-amber-500'
            : 'size-2 animate-pulse rounded-full bg-emerald-500 motion-reduce:animate-none'
        }
      />
      {failed ? 'Paused' : fetching ? 'Checking for new events…' : 'Live'}
      {updatedAt ? <span>· updated {formatClock(updatedAt)}</span> : null}
    </p>
  )
}
