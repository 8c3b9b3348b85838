/**
 * How the app's link to the Paperspace API is doing, read from the query cache of one QueryClient:
 * - which queries on screen cannot reach the API (network error, 502, 504), and since when their data dates;
 * - whether the API asked us to slow down (429 and its Retry-After): until then every read waits, so polling,
 *   refetch on focus and invalidation all honour it, and the queries that were refused try again when it is over;
 * - whether the session ended (401 SIGNED_OUT), for whoever shows the sign-in page.
 * The connection banner shows the first two; the router listens for the third.
 */
import type { Query, QueryClient, QueryFunction } from '@tanstack/react-query'
import { sleep } from '../lib/sleep'
import { isApiError } from './client'

/** Statuses that mean "the API could not be reached": no answer at all, or the proxy could not get one. */
const UNREACHABLE_STATUSES: ReadonlySet<number> = new Set([0, 502, 504])
/** The wait when a 429 names none. */
export const DEFAULT_RATE_LIMIT_SECONDS = 5
/** While queries cannot reach the API, they are all tried again this often (most also poll on their own). */
export const RECOVERY_PROBE_MS = 15_000
/** A success elsewhere retries the failing queries at once, but not more often than this. */
const RECOVERY_MIN_GAP_MS = 2_000

export interface ConnectionSnapshot {
  /** Epoch ms until which reads are held back after a 429; null when not rate limited. */
  rateLimitedUntil: number | null
  /** Some query on screen cannot reach the API; null when all is well. */
  unreachable: {
    /** When the oldest data still shown was fetched (null when the failing queries had none). */
    since: number | null
    /** Every failure is a network error: our own server, not Paperspace, is out of reach. */
    serverOnly: boolean
  } | null
}

function isUnreachable(error: unknown): boolean {
  return isApiError(error) && UNREACHABLE_STATUSES.has(error.status)
}

function isRateLimited(error: unknown): boolean {
  return isApiError(error) && error.status === 429
}

export function isSignedOutError(error: unknown): boolean {
  return isApiError(error) && error.status === 401 && error.code === 'SIGNED_OUT'
}

/** The server's own status query is not an API call: its failures say nothing about Paperspace. */
function isApiQuery(query: Query): boolean {
  return query.queryKey[0] !== 'meta'
}

export class ConnectionHealth {
  readonly #queryClient: QueryClient
  #snapshot: ConnectionSnapshot = { rateLimitedUntil: null, unreachable: null }
  readonly #listeners = new Set<() => void>()
  readonly #signedOutListeners = new Set<() => void>()
  /** Queries on screen whose last try could not reach the API, by hash. */
  readonly #failing = new Map<string, Query>()
  #rateLimitTimer: ReturnType<typeof setTimeout> | undefined
  #probeTimer: ReturnType<typeof setInterval> | undefined
  #lastProbe = 0

  constructor(queryClient: QueryClient) {
    this.#queryClient = queryClient
    queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'removed') {
        if (this.#failing.delete(event.query.queryHash)) this.#updateUnreachable()
        return
      }
      if (event.type === 'updated') {
        if (event.action.type === 'error') this.#sawError(event.action.error)
        if (event.action.type === 'success' && this.#failing.size > 0 && isApiQuery(event.query)) this.#probeSoon()
      }
      this.#track(event.query)
    })
    queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') this.#sawError(event.action.error)
    })
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  getSnapshot = (): ConnectionSnapshot => this.#snapshot

  /** Calls `listener` whenever a request is refused because the session is over. */
  onSignedOut(listener: () => void): () => void {
    this.#signedOutListeners.add(listener)
    return () => this.#signedOutListeners.delete(listener)
  }

  /** Resolves at once, or when the current rate limit is over; rejects if `signal` aborts first. */
  async whenReadsAllowed(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const until = this.#snapshot.rateLimitedUntil
      const wait = until === null ? 0 : until - Date.now()
      if (wait <= 0) return
      await sleep(wait, signal)
    }
  }

  #emit(next: ConnectionSnapshot): void {
    this.#snapshot = next
    for (const listener of this.#listeners) listener()
  }

  #sawError(error: unknown): void {
    if (isApiError(error) && error.status === 429) this.#rateLimit(error.retryAfter ?? DEFAULT_RATE_LIMIT_SECONDS)
    else if (isSignedOutError(error)) for (const listener of this.#signedOutListeners) listener()
  }

  #rateLimit(seconds: number): void {
    const until = Date.now() + seconds * 1000
    const current = this.#snapshot.rateLimitedUntil
    if (seconds <= 0 || (current !== null && current >= until)) return
    clearTimeout(this.#rateLimitTimer)
    this.#rateLimitTimer = setTimeout(() => this.#rateLimitOver(), until - Date.now())
    this.#emit({ ...this.#snapshot, rateLimitedUntil: until })
  }

  #rateLimitOver(): void {
    this.#rateLimitTimer = undefined
    this.#emit({ ...this.#snapshot, rateLimitedUntil: null })
    // The queries the API refused try again now, rather than at their next poll (or never, for those that do not).
    void this.#queryClient.refetchQueries(
      { type: 'active', predicate: (query) => isRateLimited(query.state.error) && query.state.status === 'error' },
      { cancelRefetch: false },
    )
  }

  #track(query: Query): void {
    const failing =
      isApiQuery(query) &&
      query.state.status === 'error' &&
      isUnreachable(query.state.error) &&
      query.getObserversCount() > 0
    const wasFailing = this.#failing.has(query.queryHash)
    if (failing) this.#failing.set(query.queryHash, query)
    else this.#failing.delete(query.queryHash)
    if (failing || wasFailing) this.#updateUnreachable()
  }

  #updateUnreachable(): void {
    let next: ConnectionSnapshot['unreachable'] = null
    if (this.#failing.size > 0) {
      let since: number | null = null
      let serverOnly = true
      for (const query of this.#failing.values()) {
        const updated = query.state.dataUpdatedAt
        if (updated > 0 && (since === null || updated < since)) since = updated
        if (!isApiError(query.state.error) || query.state.error.status !== 0) serverOnly = false
      }
      next = { since, serverOnly }
    }
    const current = this.#snapshot.unreachable
    if (current?.since !== next?.since || current?.serverOnly !== next?.serverOnly) {
      this.#emit({ ...this.#snapshot, unreachable: next })
    }
    if (next && this.#probeTimer === undefined) {
      this.#probeTimer = setInterval(() => this.#probe(), RECOVERY_PROBE_MS)
    } else if (!next && this.#probeTimer !== undefined) {
      clearInterval(this.#probeTimer)
      this.#probeTimer = undefined
    }
  }

  /** Something answered: the API may be back, so the failing queries try again now. */
  #probeSoon(): void {
    if (Date.now() - this.#lastProbe < RECOVERY_MIN_GAP_MS) return
    queueMicrotask(() => this.#probe())
  }

  #probe(): void {
    this.#lastProbe = Date.now()
    const hashes = new Set(this.#failing.keys())
    if (hashes.size === 0) return
    void this.#queryClient.refetchQueries(
      { predicate: (query) => hashes.has(query.queryHash) && query.state.fetchStatus === 'idle' },
      { cancelRefetch: false },
    )
  }
}

const registry = new WeakMap<QueryClient, ConnectionHealth>()

/**
 * Watches `queryClient`'s caches and holds every read back while a rate limit lasts. Called once, when the client
 * is made (query-client.ts); `connectionHealth` finds the result.
 */
export function attachConnectionHealth(queryClient: QueryClient): ConnectionHealth {
  const existing = registry.get(queryClient)
  if (existing) return existing
  const health = new ConnectionHealth(queryClient)
  registry.set(queryClient, health)

  // Every query's options pass through defaultQueryOptions (observers, loaders, fetchQuery alike): its queryFn is
  // wrapped there so that it first waits out a rate limit. The server's own status is not Paperspace's to limit.
  const held = new WeakSet<QueryFunction>()
  const defaultQueryOptions = queryClient.defaultQueryOptions.bind(queryClient)
  queryClient.defaultQueryOptions = ((options: Parameters<typeof defaultQueryOptions>[0]) => {
    const defaulted = defaultQueryOptions(options)
    const queryFn = defaulted.queryFn
    if (typeof queryFn !== 'function' || held.has(queryFn) || defaulted.queryKey[0] === 'meta') return defaulted
    const waiting: QueryFunction = async (context) => {
      await health.whenReadsAllowed(context.signal)
      return queryFn(context)
    }
    held.add(waiting)
    return { ...defaulted, queryFn: waiting }
  }) as QueryClient['defaultQueryOptions']
  return health
}

export function connectionHealth(queryClient: QueryClient): ConnectionHealth {
  return registry.get(queryClient) ?? attachConnectionHealth(queryClient)
}
