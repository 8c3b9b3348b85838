// Upstream load that does not grow with the number of viewers: identical reads in flight at the same moment share
// one upstream request, and complete successful answers are kept for a short time. Pure logic, no HTTP: the proxy
// (proxy.ts) decides what a read is and how an answer is fetched and sent.

/** A complete upstream answer, ready to be sent again as it is. */
export interface CachedResponse {
  readonly status: number
  /** Headers sent with it, names in lower case (`content-length` included). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

export interface UpstreamCacheOptions {
  /** How long a stored answer is served, in ms. 0 stores nothing; identical requests in flight are still shared. */
  ttlMs: number
  /** At most this many stored answers (default 1000). */
  maxEntries?: number
  /** At most this many bytes of stored answers, keys included (default 32 MiB). */
  maxBytes?: number
  /**
   * Answers stored per TTL beyond which an answer is stored only when its read is wanted again: asked for while
   * in flight, or loaded before within two TTLs (default 100). Under a churn of one-off reads (distinct URLs,
   * paging once through a large fleet) keeping each answer would only turn it into old-generation garbage that
   * waits for a full collection, for no hit.
   */
  admitAllUpTo?: number
  /** Milliseconds from any fixed origin, never going back (default `performance.now`). */
  now?: () => number
}

export const DEFAULT_MAX_ENTRIES = 1000
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024
export const DEFAULT_ADMIT_ALL_UP_TO = 100
/** Accounted per entry besides its key and body: the headers and bookkeeping, roughly. */
const ENTRY_OVERHEAD_BYTES = 256
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

interface Entry<R> {
  readonly credentialId: string
  readonly response: R
  readonly expiresAt: number
  readonly bytes: number
}

interface Load {
  readonly at: number
  body: Buffer | undefined
}

interface Flight<R> {
  readonly credentialId: string
  readonly promise: Promise<R>
  /** Asked for again: by a request that joined it, or loaded before within two TTLs. */
  wanted: boolean
}

/** Only complete 200 JSON answers are stored; everything else (API errors, our own 502/504) is shared, not kept. */
export function isCacheable(response: CachedResponse): boolean {
  const type = response.headers['content-type']
  return response.status === 200 && type !== undefined && JSON_TYPE.test(type)
}

/**
 * Requests are told apart by credential, method and raw URL (path and query exactly as received): two
 * credentials never share an entry or a request in flight. A credential's `invalidate` drops its stored answers
 * and detaches its requests in flight, whose answers then reach only the callers already waiting for them.
 *
 * Size is capped by entries and bytes. Eviction takes the oldest stored answer first, which, with one TTL for
 * all, is also the one closest to expiring. Past `admitAllUpTo` answers stored per TTL, only wanted reads are
 * stored (see the option).
 */
export class UpstreamCache<R extends CachedResponse = CachedResponse> {
  readonly #ttlMs: number
  readonly #maxEntries: number
  readonly #maxBytes: number
  readonly #admitAllUpTo: number
  readonly #now: () => number
  /** In insertion order, which is expiry order. */
  readonly #entries = new Map<string, Entry<R>>()
  readonly #flights = new Map<string, Flight<R>>()
  #bytes = 0
  /**
   * When each key was last loaded upstream, oldest first, kept for two TTLs and at most maxEntries keys, with the
   * body last stored for it.
   */
  readonly #loads = new Map<string, Load>()
  /** Answers stored since `#windowStart`; a window lasts one TTL. */
  #windowStores = 0
  #windowStart = Number.NEGATIVE_INFINITY

  constructor(options: UpstreamCacheOptions) {
    this.#ttlMs = options.ttlMs
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    this.#admitAllUpTo = options.admitAllUpTo ?? DEFAULT_ADMIT_ALL_UP_TO
    this.#now = options.now ?? (() => performance.now())
  }

  /**
   * A fresh stored answer at once, else `share`'s promise: the proxy's read, with the key made (and hashed) once
   * for both.
   */
  answer(credentialId: string, method: string, url: string, load: () => Promise<R>): R | Promise<R> {
    const key = keyOf(credentialId, method, url)
    return this.#fresh(key) ?? this.#share(key, credentialId, load)
  }

  /** A stored answer that is still fresh, or undefined. */
  fresh(credentialId: string, method: string, url: string): R | undefined {
    return this.#fresh(keyOf(credentialId, method, url))
  }

  /**
   * The answer of the identical request already in flight, or of a new one started with `load`. A cacheable
   * answer is stored when it arrives, unless the credential was invalidated meanwhile. A rejection reaches
   * every caller waiting for it and is never stored.
   */
  share(credentialId: string, method: string, url: string, load: () => Promise<R>): Promise<R> {
    return this.#share(keyOf(credentialId, method, url), credentialId, load)
  }

  #fresh(key: string): R | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (this.#now() < entry.expiresAt) return entry.response
    this.#remove(key, entry)
    return undefined
  }

  #share(key: string, credentialId: string, load: () => Promise<R>): Promise<R> {
    const inFlight = this.#flights.get(key)
    if (inFlight !== undefined) {
      inFlight.wanted = true
      return inFlight.promise
    }
    const loadedBefore = this.#noteLoad(key)
    let started: Promise<R>
    try {
      started = load()
    } catch (error) {
      started = Promise.reject(error)
    }
    const flight: Flight<R> = {
      credentialId,
      wanted: loadedBefore,
      promise: started.then(
        (response) => {
          if (this.#flights.get(key) === flight) {
            this.#flights.delete(key)
            if (isCacheable(response) && this.#admits(flight)) this.#store(key, credentialId, response)
          }
          return response
        },
        (error: unknown) => {
          if (this.#flights.get(key) === flight) this.#flights.delete(key)
          throw error
        },
      ),
    }
    this.#flights.set(key, flight)
    return flight.promise
  }

  /** Forgets every stored answer of a credential and detaches its requests in flight (after a mutation). */
  invalidate(credentialId: string): void {
    for (const [key, entry] of this.#entries) {
      if (entry.credentialId === credentialId) this.#remove(key, entry)
    }
    for (const [key, flight] of this.#flights) {
      if (flight.credentialId === credentialId) this.#flights.delete(key)
    }
  }

  /** Stored answers (fresh or not yet evicted) and their accounted bytes; requests in flight. */
  get stats(): { entries: number; bytes: number; inFlight: number } {
    return { entries: this.#entries.size, bytes: this.#bytes, inFlight: this.#flights.size }
  }

  /** Records a load of `key`; true when it was loaded before within two TTLs. */
  #noteLoad(key: string): boolean {
    if (this.#ttlMs <= 0) return false
    const now = this.#now()
    const last = this.#loads.get(key)
    this.#loads.delete(key)
    this.#loads.set(key, { at: now, body: last?.body })
    for (const [oldestKey, { at }] of this.#loads) {
      if (this.#loads.size <= this.#maxEntries && now - at < 2 * this.#ttlMs) break
      this.#loads.delete(oldestKey)
    }
    return last !== undefined && now - last.at < 2 * this.#ttlMs
  }

  /** Whether an arriving answer is stored: always while few are, else only when its read is wanted again. */
  #admits(flight: Flight<R>): boolean {
    const now = this.#now()
    if (now - this.#windowStart >= this.#ttlMs) {
      this.#windowStart = now
      this.#windowStores = 0
    }
    return flight.wanted || this.#windowStores < this.#admitAllUpTo
  }

  #store(key: string, credentialId: string, response: R): void {
    if (this.#ttlMs <= 0) return
    const bytes = response.body.length + key.length + ENTRY_OVERHEAD_BYTES
    if (bytes > this.#maxBytes) return
    const previous = this.#entries.get(key)
    if (previous !== undefined) this.#remove(key, previous)
    const now = this.#now()
    // An answer that has not changed since the one stored before keeps the bytes already held, long since
    // promoted to the old generation, and its fresh copy dies young. Polled answers mostly do not change, so
    // storing them leaves no old-generation garbage (bodies outside the heap) waiting for a full collection.
    const load = this.#loads.get(key)
    const body = load?.body?.equals(response.body) ? load.body : response.body
    if (load !== undefined) load.body = body
    const kept = body === response.body ? response : { ...response, body }
    this.#entries.set(key, { credentialId, response: kept, expiresAt: now + this.#ttlMs, bytes })
    this.#bytes += bytes
    this.#windowStores++
    for (const [oldestKey, oldest] of this.#entries) {
      const over = this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes
      if (!over && oldest.expiresAt > now) break
      this.#remove(oldestKey, oldest)
    }
  }

  #remove(key: string, entry: Entry<R>): void {
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
  }
}

/** Credential ids never contain a line break, and neither does a request target that Node accepted. */
function keyOf(credentialId: string, method: string, url: string): string {
  return `${credentialId}\n${method} ${url}`
}
