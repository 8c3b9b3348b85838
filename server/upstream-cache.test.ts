import { describe, expect, it } from 'vitest'
import { type CachedResponse, UpstreamCache } from './upstream-cache'

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

function response(text: string, status = 200, headers: Record<string, string> = JSON_HEADERS): CachedResponse {
  return { status, headers, body: Buffer.from(text) }
}

/** A load that resolves when told to, counting how often it was started. */
function deferredLoad() {
  const resolvers: ((value: CachedResponse) => void)[] = []
  const rejecters: ((error: Error) => void)[] = []
  const load = () =>
    new Promise<CachedResponse>((resolve, reject) => {
      resolvers.push(resolve)
      rejecters.push(reject)
    })
  return {
    load,
    get started() {
      return resolvers.length
    },
    resolve: (value: CachedResponse, index = resolvers.length - 1) => resolvers[index]?.(value),
    reject: (error: Error, index = rejecters.length - 1) => rejecters[index]?.(error),
  }
}

function setup(
  options: { ttlMs?: number; maxEntries?: number; maxBytes?: number; admitAllUpTo?: number; keepMs?: number } = {},
) {
  let now = 10_000
  const cache = new UpstreamCache({ ttlMs: 1_000, ...options, now: () => now })
  return {
    cache,
    advance: (ms: number) => {
      now += ms
    },
    /** A load that answers `value` at once, awaited (so stored when cacheable). */
    fill: async (credential: string, url: string, value: CachedResponse) => {
      await cache.share(credential, 'GET', url, async () => value)
    },
  }
}

describe('UpstreamCache', () => {
  it('answers a fresh stored answer at once, else through the shared load', async () => {
    const { cache, advance } = setup()
    const upstream = deferredLoad()
    const first = cache.answer('alice', 'GET', '/api/v1/machines', upstream.load)
    const joined = cache.answer('alice', 'GET', '/api/v1/machines', upstream.load)
    expect(first).toBeInstanceOf(Promise)
    expect(joined).toBe(first)
    expect(upstream.started).toBe(1)

    const stored = response('{"items":[]}')
    upstream.resolve(stored)
    expect(await first).toBe(stored)
    // Stored: the same object, not a promise, and no new load.
    expect(cache.answer('alice', 'GET', '/api/v1/machines', upstream.load)).toBe(stored)
    expect(cache.answer('bob', 'GET', '/api/v1/machines', upstream.load)).toBeInstanceOf(Promise)
    expect(upstream.started).toBe(2)

    advance(1_000)
    expect(cache.answer('alice', 'GET', '/api/v1/machines', upstream.load)).toBeInstanceOf(Promise)
    expect(upstream.started).toBe(3)
  })

  it('shares one load among identical requests in flight, and only among identical ones', async () => {
    const { cache } = setup()
    const upstream = deferredLoad()
    const waiting = Array.from({ length: 20 }, () => cache.share('alice', 'GET', '/api/v1/machines', upstream.load))
    expect(upstream.started).toBe(1)
    expect(new Set(waiting).size).toBe(1)

    cache.share('alice', 'GET', '/api/v1/machines?limit=1', upstream.load)
    cache.share('alice', 'POST', '/api/v1/machines', upstream.load)
    expect(upstream.started).toBe(3)

    const answer = response('{"items":[]}')
    upstream.resolve(answer, 0)
    const answers = await Promise.all(waiting)
    expect(answers.every((each) => each === answer)).toBe(true)
  })

  it('serves a stored 200 JSON answer until the TTL has passed, then loads again', async () => {
    const { cache, advance, fill } = setup({ ttlMs: 1_000 })
    const answer = response('{"items":[1]}')
    await fill('alice', '/api/v1/machines', answer)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBe(answer)
    advance(999)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBe(answer)
    advance(1)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBeUndefined()
    // No longer served, but still held: an answer loaded again unchanged is recognised.
    expect(cache.stats.entries).toBe(1)
  })

  it('never hands one credential an answer or a request in flight of another', async () => {
    const { cache, fill } = setup()
    await fill('alice', '/api/v1/machines', response('{"owner":"alice"}'))
    expect(cache.fresh('bob', 'GET', '/api/v1/machines')).toBeUndefined()

    const upstream = deferredLoad()
    const alice = cache.share('alice', 'GET', '/api/v1/machine-events', upstream.load)
    const bob = cache.share('bob', 'GET', '/api/v1/machine-events', upstream.load)
    expect(upstream.started).toBe(2)
    upstream.resolve(response('{"owner":"alice"}'), 0)
    upstream.resolve(response('{"owner":"bob"}'), 1)
    expect((await alice).body.toString()).toBe('{"owner":"alice"}')
    expect((await bob).body.toString()).toBe('{"owner":"bob"}')
    expect(cache.fresh('bob', 'GET', '/api/v1/machine-events')?.body.toString()).toBe('{"owner":"bob"}')
  })

  it('stores only 200 JSON answers; errors and other bodies are shared but loaded again next time', async () => {
    const { cache } = setup()
    const answers = [
      response('{"message":"slow down"}', 429, { ...JSON_HEADERS, 'retry-after': '5' }),
      response('{"message":"not found"}', 404),
      response('', 204, {}),
      response('<html>', 200, { 'content-type': 'text/html' }),
      response('{}', 200, {}),
    ]
    for (const [index, answer] of answers.entries()) {
      const url = `/api/v1/machines/m${index}`
      const upstream = deferredLoad()
      const first = cache.share('alice', 'GET', url, upstream.load)
      const second = cache.share('alice', 'GET', url, upstream.load)
      upstream.resolve(answer)
      expect(await first).toBe(answer)
      expect(await second).toBe(answer)
      expect(upstream.started).toBe(1)
      expect(cache.fresh('alice', 'GET', url)).toBeUndefined()
    }
    expect(cache.stats).toEqual({ entries: 0, bytes: 0, inFlight: 0 })
  })

  it('hands a rejection to every waiting caller and tries again on the next request', async () => {
    const { cache } = setup()
    const upstream = deferredLoad()
    const first = cache.share('alice', 'GET', '/api/v1/machines', upstream.load)
    const second = cache.share('alice', 'GET', '/api/v1/machines', upstream.load)
    upstream.reject(new Error('connection refused'))
    await expect(first).rejects.toThrow('connection refused')
    await expect(second).rejects.toThrow('connection refused')
    expect(cache.stats.inFlight).toBe(0)

    void cache.share('alice', 'GET', '/api/v1/machines', upstream.load)
    expect(upstream.started).toBe(2)
  })

  it('turns a load that throws at once into a rejection', async () => {
    const { cache } = setup()
    const failing = () => {
      throw new Error('bad request target')
    }
    await expect(cache.share('alice', 'GET', '/api/v1/machines', failing)).rejects.toThrow('bad request target')
    expect(cache.stats.inFlight).toBe(0)
  })

  it('invalidate drops the credential’s stored answers and detaches its requests in flight, not others’', async () => {
    const { cache, fill } = setup()
    await fill('alice', '/api/v1/machines', response('{"v":1}'))
    await fill('alice', '/api/v1/machines/m1', response('{"v":1}'))
    await fill('bob', '/api/v1/machines', response('{"bob":1}'))
    const upstream = deferredLoad()
    const before = cache.share('alice', 'GET', '/api/v1/machine-events', upstream.load)

    cache.invalidate('alice')
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBeUndefined()
    expect(cache.fresh('alice', 'GET', '/api/v1/machines/m1')).toBeUndefined()
    expect(cache.fresh('bob', 'GET', '/api/v1/machines')?.body.toString()).toBe('{"bob":1}')

    // A read after the mutation does not join the one started before it...
    const after = cache.share('alice', 'GET', '/api/v1/machine-events', upstream.load)
    expect(upstream.started).toBe(2)
    upstream.resolve(response('{"v":"old"}'), 0)
    expect((await before).body.toString()).toBe('{"v":"old"}')
    // ...and the older answer, which may predate the mutation, is never stored.
    expect(cache.fresh('alice', 'GET', '/api/v1/machine-events')).toBeUndefined()
    upstream.resolve(response('{"v":"new"}'), 1)
    expect((await after).body.toString()).toBe('{"v":"new"}')
    expect(cache.fresh('alice', 'GET', '/api/v1/machine-events')?.body.toString()).toBe('{"v":"new"}')
  })

  it('with a TTL of 0 stores nothing but still shares requests in flight', async () => {
    const { cache } = setup({ ttlMs: 0 })
    const upstream = deferredLoad()
    const first = cache.share('alice', 'GET', '/api/v1/machines', upstream.load)
    const second = cache.share('alice', 'GET', '/api/v1/machines', upstream.load)
    expect(upstream.started).toBe(1)
    upstream.resolve(response('{}'))
    await Promise.all([first, second])
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBeUndefined()
    expect(cache.stats.entries).toBe(0)
  })

  it('keeps at most maxEntries answers, evicting the oldest first', async () => {
    const { cache, fill, advance } = setup({ maxEntries: 3 })
    for (const id of [1, 2, 3, 4]) {
      await fill('alice', `/api/v1/machines/m${id}`, response(`{"id":${id}}`))
      advance(10)
    }
    expect(cache.stats.entries).toBe(3)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines/m1')).toBeUndefined()
    for (const id of [2, 3, 4]) expect(cache.fresh('alice', 'GET', `/api/v1/machines/m${id}`)).toBeDefined()
  })

  it('evicts the key remembered longest first, but spares once a key answered from the store since', async () => {
    const { cache, fill } = setup({ maxEntries: 3 })
    for (const id of [1, 2, 3]) await fill('alice', `/api/v1/machines/m${id}`, response(`{"id":${id}}`))
    const load = deferredLoad()
    expect(cache.answer('alice', 'GET', '/api/v1/machines/m1', load.load)).not.toBeInstanceOf(Promise)
    await fill('alice', '/api/v1/machines/m4', response('{"id":4}'))
    expect(cache.fresh('alice', 'GET', '/api/v1/machines/m1')).toBeDefined()
    expect(cache.fresh('alice', 'GET', '/api/v1/machines/m2')).toBeUndefined()
    expect(cache.stats.entries).toBe(3)
    expect(load.started).toBe(0)
  })

  it('keeps at most maxBytes, evicting the oldest first, and never stores an answer larger than that', async () => {
    const { cache, fill } = setup({ maxBytes: 2_000 })
    const big = `{"pad":"${'x'.repeat(600)}"}`
    for (const id of [1, 2, 3]) await fill('alice', `/api/v1/machines/m${id}`, response(big))
    expect(cache.stats.entries).toBe(2)
    expect(cache.stats.bytes).toBeLessThanOrEqual(2_000)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines/m1')).toBeUndefined()
    expect(cache.fresh('alice', 'GET', '/api/v1/machines/m3')).toBeDefined()

    await fill('alice', '/api/v1/machine-events', response(`{"pad":"${'x'.repeat(3_000)}"}`))
    expect(cache.fresh('alice', 'GET', '/api/v1/machine-events')).toBeUndefined()
    expect(cache.stats.entries).toBe(2)
  })

  it('drops expired answers as new ones are stored', async () => {
    const { cache, fill, advance } = setup({ ttlMs: 1_000 })
    for (const id of [1, 2, 3]) await fill('alice', `/api/v1/machines/m${id}`, response('{}'))
    advance(1_500)
    await fill('alice', '/api/v1/machines/m4', response('{}'))
    expect(cache.stats.entries).toBe(1)
  })

  describe('under a churn of one-off reads', () => {
    it('stores every answer while few are stored per TTL', async () => {
      const { cache, fill } = setup({ admitAllUpTo: 3 })
      for (const id of [1, 2, 3]) await fill('alice', `/api/v1/machines/m${id}`, response('{}'))
      expect(cache.stats.entries).toBe(3)
    })

    it('past the limit, stores only reads loaded before within two TTLs or joined in flight', async () => {
      const { cache, fill, advance } = setup({ admitAllUpTo: 2 })
      for (const id of [1, 2, 3, 4]) await fill('alice', `/api/v1/machines/m${id}`, response('{}'))
      // Two stored, then one-offs are passed on but not kept.
      expect(cache.stats.entries).toBe(2)
      expect(cache.fresh('alice', 'GET', '/api/v1/machines/m3')).toBeUndefined()

      // m3 loaded again 1.5 s later (within two TTLs): wanted, stored even though the window is full.
      advance(500)
      for (const id of [5, 6]) await fill('alice', `/api/v1/machines/m${id}`, response('{}'))
      advance(1_000)
      await fill('alice', '/api/v1/machines/m7', response('{}'))
      await fill('alice', '/api/v1/machines/m8', response('{}'))
      await fill('alice', '/api/v1/machines/m3', response('{"again":true}'))
      await fill('alice', '/api/v1/machines/m9', response('{}'))
      expect(cache.fresh('alice', 'GET', '/api/v1/machines/m3')?.body.toString()).toBe('{"again":true}')
      expect(cache.fresh('alice', 'GET', '/api/v1/machines/m9')).toBeUndefined()

      // A read others joined while it was in flight is wanted too.
      const slow = deferredLoad()
      const first = cache.share('alice', 'GET', '/api/v1/machines/m10', slow.load)
      const second = cache.share('alice', 'GET', '/api/v1/machines/m10', slow.load)
      slow.resolve(response('{"id":10}'))
      await Promise.all([first, second])
      expect(slow.started).toBe(1)
      expect(cache.fresh('alice', 'GET', '/api/v1/machines/m10')).toBeDefined()
    })

    it('a read loaded again after more than two TTLs is a one-off again', async () => {
      const { cache, fill, advance } = setup({ admitAllUpTo: 1 })
      await fill('alice', '/api/v1/machines/m1', response('{}'))
      await fill('alice', '/api/v1/machines/m2', response('{}'))
      advance(2_500)
      await fill('alice', '/api/v1/machines/m0', response('{}'))
      await fill('alice', '/api/v1/machines/m2', response('{}'))
      expect(cache.fresh('alice', 'GET', '/api/v1/machines/m0')).toBeDefined()
      expect(cache.fresh('alice', 'GET', '/api/v1/machines/m2')).toBeUndefined()
    })
  })

  it('hands the requests waiting for a load the answer it holds when the new one is the same', async () => {
    const { cache, fill, advance } = setup()
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    const held = cache.fresh('alice', 'GET', '/api/v1/machines')
    advance(1_000)
    const upstream = deferredLoad()
    const first = cache.answer('alice', 'GET', '/api/v1/machines', upstream.load)
    const joined = cache.answer('alice', 'GET', '/api/v1/machines', upstream.load)
    upstream.resolve(response('{"items":[1]}'))
    expect(await first).toBe(held)
    expect(await joined).toBe(held)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBe(held)

    advance(1_000)
    const changed = response('{"items":[2]}')
    await fill('alice', '/api/v1/machines', changed)
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBe(changed)
  })

  it('keeps the stale answer of a key asked for more than once until keepMs unused; forgets one-offs', async () => {
    const { cache, fill, advance } = setup({ keepMs: 10_000 })
    // Loaded twice within two TTLs: polled.
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    const held = cache.fresh('alice', 'GET', '/api/v1/machines')
    advance(1_500)
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    // Loaded once.
    await fill('alice', '/api/v1/machines/m1', response('{"id":1}'))
    advance(8_000)
    // Answers are swept as new ones are stored.
    await fill('alice', '/api/v1/machines/m2', response('{"id":2}'))
    expect(cache.stats.entries).toBe(2)
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBe(held)

    advance(10_001)
    await fill('alice', '/api/v1/machines/m3', response('{"id":3}'))
    expect(cache.stats.entries).toBe(1)
    expect(cache.stats.bytes).toBeLessThan(400)
  })

  it('still recognises an unchanged answer after invalidate, which only expires what it holds', async () => {
    const { cache, fill } = setup()
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    const held = cache.fresh('alice', 'GET', '/api/v1/machines')
    cache.invalidate('alice')
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBeUndefined()
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')).toBe(held)
  })

  it('keeps the bytes it holds when a key is stored again unchanged, and takes new ones when it changed', async () => {
    const { cache, fill, advance } = setup()
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    const first = cache.fresh('alice', 'GET', '/api/v1/machines')?.body
    advance(1_200)
    await fill('alice', '/api/v1/machines', response('{"items":[1]}'))
    expect(cache.fresh('alice', 'GET', '/api/v1/machines')?.body).toBe(first)
    advance(1_200)
    await fill('alice', '/api/v1/machines', response('{"items":[2]}'))
    const changed = cache.fresh('alice', 'GET', '/api/v1/machines')?.body
    expect(changed).not.toBe(first)
    expect(changed?.toString()).toBe('{"items":[2]}')
  })
})
