// Upstream load that does not grow with the number of viewers: identical reads in flight at the same moment share
// one upstream request, and complete successful answers are kept for a short time. Pure logic, no HTTP: the proxy
// (proxy.ts) decides what a read is and how an answer is fetched and sent.
//
// It is also shaped for the garbage collector. A polled key's bookkeeping is one record, updated in place, and an
// answer loaded again unchanged leaves the one already held in place: the held one has long been promoted to the
// old generation, and the fresh copy dies young. So polling answers that do not change, the usual case, leaves no
// old-generation garbage (records, keys, bodies outside the heap) to wait for a full collection.

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
  /** At most this many keys remembered, with or without an answer (default 1000). */
  maxEntries?: number
  /** At most this many bytes of held answers, fresh or kept, keys included (default 32 MiB). */
  maxBytes?: number
  /**
   * Answers stored per TTL beyond which an answer is stored only when its read is wanted again: asked for while
   * in flight, or loaded before within two TTLs (default 100). Under a churn of one-off reads (distinct URLs,
   * paging once through a large fleet) keeping each answer would only turn it into old-generation garbage that
   * waits for a full collection, for no hit.
   */
  admitAllUpTo?: number
  /**
   * How long the answer of a key asked for more than once is kept after it went stale, counted from the key's
   * last use, so that the same answer loaded again is recognised (default 90 s: more than the app's slowest poll).
   */
  keepMs?: number
  /** Milliseconds from any fixed origin, never going back (default `performance.now`). */
  now?: () => number
}

export const DEFAULT_MAX_ENTRIES = 1000
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024
export const DEFAULT_ADMIT_ALL_UP_TO = 100
export const DEFAULT_KEEP_MS = 90_000
/** Accounted per entry besides its key and body: the headers and bookkeeping, roughly. */
const ENTRY_OVERHEAD_BYTES = 256
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

/** Everything known of one key, updated in place while the key is remembered. */
interface Slot<R> {
  readonly credentialId: string
  /** The answer last stored: served until `expiresAt`, then kept (see `keepMs`) or dropped. */
  answer: R | undefined
  /** Accounted bytes of `answer`; 0 without one. */
  bytes: number
  expiresAt: number
  /** When the key was last loaded upstream. */
  loadedAt: number
  /** When it was last loaded, joined in flight or answered from the store. */
  usedAt: number
  /** Asked for more than once: loaded again within two TTLs, joined in flight or answered from the store. */
  repeated: boolean
  /** Used since an eviction pass last went by: spared once more. */
  spared: boolean
  flight: Flight<R> | undefined
}

interface Flight<R> {
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
 * credentials never share an entry or a request in flight. A credential's `invalidate` expires its stored answers
 * and detaches its requests in flight, whose answers then reach only the callers already waiting for them.
 *
 * Size is capped by keys and bytes; eviction takes the key remembered longest first, sparing once a key used since
 * the last pass. Past `admitAllUpTo` answers stored per TTL, only wanted reads are stored (see the option). Stale
 * answers of keys asked for only once are dropped, and such keys forgotten after two TTLs, as answers are stored.
 */
export class UpstreamCache<R extends CachedResponse = CachedResponse> {
  readonly #ttlMs: number
  readonly #maxEntries: number
  readonly #maxBytes: number
  readonly #admitAllUpTo: number
  readonly #keepMs: number
  readonly #now: () => number
  /** In the order keys were first remembered (or last spared). */
  readonly #slots = new Map<string, Slot<R>>()
  #bytes = 0
  #held = 0
  #inFlight = 0
  /** Answers stored since `#windowStart`; a window lasts one TTL. */
  #windowStores = 0
  #windowStart = Number.NEGATIVE_INFINITY
  #nextSweep = Number.NEGATIVE_INFINITY

  constructor(options: UpstreamCacheOptions) {
    this.#ttlMs = options.ttlMs
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    this.#admitAllUpTo = options.admitAllUpTo ?? DEFAULT_ADMIT_ALL_UP_TO
    this.#keepMs = options.keepMs ?? DEFAULT_KEEP_MS
    this.#now = options.now ?? (() => performance.now())
  }

  /**
   * A fresh stored answer at once, else `share`'s promise: the proxy's read, with the key made (and hashed) once
   * for both.
   */
  answer(credentialId: string, method: string, url: string, load: () => Promise<R>): R | Promise<R> {
    const key = keyOf(credentialId, method, url)
    const slot = this.#slots.get(key)
    if (slot?.answer !== undefined) {
      const now = this.#now()
      if (now < slot.expiresAt) {
        slot.usedAt = now
        slot.repeated = true
        slot.spared = true
        return slot.answer
      }
    }
    return this.#share(key, slot, credentialId, load)
  }

  /** A stored answer that is still fresh, or undefined. */
  fresh(credentialId: string, method: string, url: string): R | undefined {
    const slot = this.#slots.get(keyOf(credentialId, method, url))
    return slot?.answer !== undefined && this.#now() < slot.expiresAt ? slot.answer : undefined
  }

  /**
   * The answer of the identical request already in flight, or of a new one started with `load`. A cacheable
   * answer is stored when it arrives, unless the credential was invalidated meanwhile. A rejection reaches
   * every caller waiting for it and is never stored.
   */
  share(credentialId: string, method: string, url: string, load: () => Promise<R>): Promise<R> {
    const key = keyOf(credentialId, method, url)
    return this.#share(key, this.#slots.get(key), credentialId, load)
  }

  /** Expires every stored answer of a credential and detaches its requests in flight (after a mutation). */
  invalidate(credentialId: string): void {
    for (const slot of this.#slots.values()) {
      if (slot.credentialId !== credentialId) continue
      // Kept, stale: an answer loaded after the mutation is still recognised when it is the same.
      slot.expiresAt = Number.NEGATIVE_INFINITY
      this.#detach(slot)
    }
  }

  /** Answers held (fresh, or stale and kept) and their accounted bytes; requests in flight. */
  get stats(): { entries: number; bytes: number; inFlight: number } {
    return { entries: this.#held, bytes: this.#bytes, inFlight: this.#inFlight }
  }

  #share(key: string, found: Slot<R> | undefined, credentialId: string, load: () => Promise<R>): Promise<R> {
    const now = this.#now()
    if (found?.flight !== undefined) {
      found.flight.wanted = true
      found.repeated = true
      found.spared = true
      found.usedAt = now
      return found.flight.promise
    }
    let started: Promise<R>
    try {
      started = load()
    } catch (error) {
      started = Promise.reject(error)
    }
    let slot = found
    const loadedBefore = slot !== undefined && this.#ttlMs > 0 && now - slot.loadedAt < 2 * this.#ttlMs
    if (slot === undefined) {
      slot = {
        credentialId,
        answer: undefined,
        bytes: 0,
        expiresAt: Number.NEGATIVE_INFINITY,
        loadedAt: now,
        usedAt: now,
        repeated: false,
        spared: false,
        flight: undefined,
      }
      this.#slots.set(key, slot)
    } else {
      slot.loadedAt = now
      slot.usedAt = now
      if (loadedBefore) {
        slot.repeated = true
        slot.spared = true
      }
    }
    const held = slot
    const flight: Flight<R> = {
      wanted: loadedBefore,
      promise: started.then(
        (response) => {
          if (held.flight !== flight) return response
          this.#detach(held)
          return this.#arrived(key, held, response, flight.wanted)
        },
        (error: unknown) => {
          if (held.flight === flight) {
            this.#detach(held)
            this.#arrived(key, held, undefined, false)
          }
          throw error
        },
      ),
    }
    held.flight = flight
    this.#inFlight++
    // Over the cap of keys: a slot in flight is never evicted, so this one stays.
    if (this.#slots.size > this.#maxEntries) this.#fit()
    return flight.promise
  }

  #detach(slot: Slot<R>): void {
    if (slot.flight === undefined) return
    slot.flight = undefined
    this.#inFlight--
  }

  /**
   * The answer of a load (undefined for a rejection) reached the slot it was started for. Returns the answer for
   * the waiting requests: the one held when it is the same, so that the new copy is dropped at once.
   */
  #arrived<A extends R | undefined>(key: string, slot: Slot<R>, response: A, wanted: boolean): A | R {
    if (this.#ttlMs <= 0) {
      // Nothing is stored, so nothing is worth remembering once the load is over.
      if (this.#slots.get(key) === slot) this.#slots.delete(key)
      return response
    }
    if (response === undefined || !isCacheable(response)) return response
    const now = this.#now()
    this.#sweep(now)
    const held = slot.answer
    if (held !== undefined && sameAnswer(held, response)) {
      slot.expiresAt = now + this.#ttlMs
      return held
    }
    // A changed answer: what was held is out of date either way.
    this.#release(slot)
    if (!(wanted || this.#admitsAnother(now))) return response
    const bytes = response.body.length + key.length + ENTRY_OVERHEAD_BYTES
    if (bytes > this.#maxBytes || this.#slots.get(key) !== slot) return response
    slot.answer = response
    slot.bytes = bytes
    slot.expiresAt = now + this.#ttlMs
    this.#bytes += bytes
    this.#held++
    this.#windowStores++
    if (this.#bytes > this.#maxBytes) this.#fit()
    return response
  }

  /** Whether one more answer not wanted again is stored: only while few were stored in this TTL. */
  #admitsAnother(now: number): boolean {
    if (now - this.#windowStart >= this.#ttlMs) {
      this.#windowStart = now
      this.#windowStores = 0
    }
    return this.#windowStores < this.#admitAllUpTo
  }

  /**
   * At most once per TTL, as answers are stored: drops the stale answers of keys asked for only once and forgets
   * such keys after two TTLs, and keys asked for more than once after `keepMs` unused.
   */
  #sweep(now: number): void {
    if (now < this.#nextSweep) return
    this.#nextSweep = now + this.#ttlMs
    for (const [key, slot] of this.#slots) {
      if (slot.flight !== undefined || now < slot.expiresAt) continue
      const forgetAfter = slot.repeated ? Math.max(this.#keepMs, 2 * this.#ttlMs) : 2 * this.#ttlMs
      if (now - slot.usedAt >= forgetAfter) this.#forget(key, slot)
      else if (!slot.repeated) this.#release(slot)
    }
  }

  /** Evicts until within the caps: the key remembered longest first, sparing once a key used since last time. */
  #fit(): void {
    let steps = 2 * this.#slots.size
    for (const [key, slot] of this.#slots) {
      if (this.#slots.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) return
      if (steps-- <= 0) return
      if (slot.flight !== undefined) continue
      if (slot.spared) {
        slot.spared = false
        this.#slots.delete(key)
        this.#slots.set(key, slot)
      } else {
        this.#forget(key, slot)
      }
    }
  }

  #release(slot: Slot<R>): void {
    if (slot.answer === undefined) return
    this.#bytes -= slot.bytes
    this.#held--
    slot.answer = undefined
    slot.bytes = 0
    slot.expiresAt = Number.NEGATIVE_INFINITY
  }

  #forget(key: string, slot: Slot<R>): void {
    this.#release(slot)
    this.#slots.delete(key)
  }
}

/** Same status, headers and body bytes: the held answer can stand for the new one. */
function sameAnswer(held: CachedResponse, fresh: CachedResponse): boolean {
  if (held.status !== fresh.status || !held.body.equals(fresh.body)) return false
  const names = Object.keys(fresh.headers)
  if (names.length !== Object.keys(held.headers).length) return false
  for (const name of names) if (held.headers[name] !== fresh.headers[name]) return false
  return true
}

/** Credential ids never contain a line break, and neither does a request target that Node accepted. */
function keyOf(credentialId: string, method: string, url: string): string {
  return `${credentialId}\n${method} ${url}`
}
