/** What machine events mean for a person: labels, tones, time ranges, filters and the live merge. Pure. */

/** The fields of an event these functions read; the live service names the type `name`. */
export interface EventLike {
  id?: string
  machineId?: string
  type?: string
  name?: string
  state?: string
  dtCreated?: string
}

/** Types the contract's simulator and the live service are known to send; others are shown as they come. */
export const EVENT_TYPES = [
  'create',
  'start',
  'stop',
  'restart',
  'update',
  'delete',
  'grant-access',
  'revoke-access',
] as const

/** States of the contract plus the live service's `new` and `cancelled`. */
export const EVENT_STATES = ['new', 'in progress', 'done', 'error', 'cancelled'] as const

/** The event's type, from `type` (contract) or `name` (live service). */
export function eventTypeOf(event: EventLike): string {
  return event.type ?? event.name ?? ''
}

/** "grant-access" → "Grant access"; "" → "Unknown". */
export function eventTypeLabel(type: string | undefined): string {
  if (!type) return 'Unknown'
  const words = type.replace(/[-_]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function eventStateLabel(state: string | undefined): string {
  if (!state) return 'Unknown'
  return state.charAt(0).toUpperCase() + state.slice(1)
}

export type EventTone = 'busy' | 'done' | 'failed' | 'neutral'

export function eventStateTone(state: string | undefined): EventTone {
  if (state === 'done') return 'done'
  if (state === 'error') return 'failed'
  if (isEventInProgress(state)) return 'busy'
  return 'neutral'
}

/** An event that has not finished yet: its state will still change. */
export function isEventInProgress(state: string | undefined): boolean {
  return state === 'in progress' || state === 'new'
}

export const EVENT_FAST_POLL_MS = 2_000
export const EVENT_SLOW_POLL_MS = 10_000

/** How often to look for new events: fast while one of them is still running. */
export function eventPollInterval(events: readonly EventLike[] | undefined): number {
  return events?.some((e) => isEventInProgress(e.state)) ? EVENT_FAST_POLL_MS : EVENT_SLOW_POLL_MS
}

const HOUR = 3_600_000

export const TIME_RANGES = [
  { id: '1h', label: 'Last hour', ms: HOUR },
  { id: '24h', label: 'Last 24 hours', ms: 24 * HOUR },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * HOUR },
  { id: 'all', label: 'All time', ms: null },
] as const

export type TimeRangeId = (typeof TIME_RANGES)[number]['id']

/** The earliest time (ms since epoch) a range includes, or null for all time. */
export function rangeStart(range: TimeRangeId | undefined, now: number): number | null {
  const ms = TIME_RANGES.find((r) => r.id === range)?.ms ?? null
  return ms === null ? null : now - ms
}

export interface EventFilters {
  type?: string | undefined
  state?: string | undefined
  /** ms since epoch; events created before it are left out */
  since?: number | null | undefined
}

export function matchesEventFilters(event: EventLike, filters: EventFilters): boolean {
  if (filters.type && eventTypeOf(event) !== filters.type) return false
  if (filters.state && event.state !== filters.state) return false
  if (filters.since !== null && filters.since !== undefined) {
    const at = Date.parse(event.dtCreated ?? '')
    if (Number.isNaN(at) || at < filters.since) return false
  }
  return true
}

/** Whether the oldest of the loaded events is already older than `since`, so further pages cannot match. */
export function reachedRangeStart(loaded: readonly EventLike[], since: number | null): boolean {
  if (since === null) return false
  const oldest = loaded[loaded.length - 1]
  const at = Date.parse(oldest?.dtCreated ?? '')
  return !Number.isNaN(at) && at < since
}

export interface MergedFeed<T> {
  /** newest first, each event once, in its freshest known version */
  events: T[]
  /** events of the newest page that the loaded pages do not hold yet (they go on top) */
  fresh: T[]
  /** the newest page is full and shares no event with the loaded pages: events in between are missing */
  gap: boolean
}

/**
 * Puts the newest page (polled) on top of the pages loaded so far (paged with the cursor): events the loaded pages
 * lack go first, events both hold take the newest page's version (its state is fresher), duplicates go.
 */
export function mergeEventFeed<T extends EventLike>(
  newest: { items: readonly T[]; hasMore: boolean } | undefined,
  loaded: readonly T[],
): MergedFeed<T> {
  const latest = newest?.items ?? []
  const fresherById = new Map<string, T>()
  for (const event of latest) if (event.id) fresherById.set(event.id, event)

  const seen = new Set<string>()
  const rest: T[] = []
  for (const event of loaded) {
    if (event.id) {
      if (seen.has(event.id)) continue
      seen.add(event.id)
    }
    rest.push((event.id && fresherById.get(event.id)) || event)
  }

  const fresh: T[] = []
  let overlap = false
  for (const event of latest) {
    if (event.id && seen.has(event.id)) {
      overlap = true
      continue
    }
    if (event.id) seen.add(event.id)
    fresh.push(event)
  }
  const gap = Boolean(newest?.hasMore) && !overlap
  return { events: [...fresh, ...rest], fresh, gap }
}
