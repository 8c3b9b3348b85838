// Reads through the real server and the simulator served over HTTP: identical GETs share one upstream request,
// successful answers are reused for a moment per key, and nothing of that changes what a caller sees.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from './config'
import { MAX_READ_BYTES } from './proxy'
import {
  call,
  type RawResponse,
  sameOrigin,
  startApp,
  startUpstream,
  TEST_KEY,
  type TestApp,
  type TestUpstream,
} from './test-support'

interface Machine {
  id: string
  state: string
}

/** `count` identical requests at the same moment, each on its own connection. */
function together(count: number, origin: string, path: string, headers?: Record<string, string>) {
  return Promise.all(Array.from({ length: count }, () => call(origin, path, { headers })))
}

function upstreamReads(upstream: TestUpstream, path: string) {
  return upstream.seen.filter((seen) => seen.method === 'GET' && seen.path === path)
}

describe('reads with the cache on (default 1 s)', () => {
  let upstream: TestUpstream
  let app: TestApp
  beforeAll(async () => {
    upstream = await startUpstream()
    app = await startApp({ PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY, UPSTREAM_TIMEOUT_MS: '300' })
  })
  afterAll(async () => {
    await app.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.simulator.clearFaults()
    upstream.seen.length = 0
  })

  it('answers 20 viewers asking at once, and again right after, with one upstream request', async () => {
    const path = '/api/v1/machines?limit=120'
    const first = await together(20, app.origin, path)
    const again = await together(20, app.origin, path)
    expect(upstreamReads(upstream, '/v1/machines?limit=120')).toHaveLength(1)
    const bodies = new Set([...first, ...again].map((response) => response.text))
    expect(bodies.size).toBe(1)
    for (const response of [...first, ...again]) {
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.text)))
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
    }
    expect((JSON.parse(first[0]?.text ?? '{}') as { items?: Machine[] }).items?.length).toBeGreaterThanOrEqual(40)
  })

  it('tells different URLs apart, query included', async () => {
    await call(app.origin, '/api/v1/machines?limit=2')
    await call(app.origin, '/api/v1/machines?limit=3')
    await call(app.origin, '/api/v1/machines?limit=2')
    expect(upstream.seen.map((seen) => seen.path)).toEqual(['/v1/machines?limit=2', '/v1/machines?limit=3'])
  })

  it('shows the new state right after a stop, never the cached one; a refused mutation clears it too', async () => {
    const ready = upstream.simulator.store.machines.find((machine) => machine.state === 'ready')
    if (!ready) throw new Error('the seeded fleet has no ready machine')
    const path = `/api/v1/machines/${ready.id}`
    expect((await call(app.origin, path)).json()).toMatchObject({ state: 'ready' })
    expect((await call(app.origin, path)).json()).toMatchObject({ state: 'ready' })
    expect(upstreamReads(upstream, `/v1/machines/${ready.id}`)).toHaveLength(1)

    const stop = await call(app.origin, `${path}/stop`, { method: 'PATCH', headers: sameOrigin(app.origin) })
    expect(stop.status).toBe(200)
    expect((await call(app.origin, path)).json()).toMatchObject({ state: 'stopping' })
    const list = await call(app.origin, '/api/v1/machines?limit=120')
    expect((list.json().items as Machine[]).find((machine) => machine.id === ready.id)?.state).toBe('stopping')

    // A refused mutation (409: still stopping) clears the cache all the same.
    const refused = await call(app.origin, `${path}/start`, { method: 'PATCH', headers: sameOrigin(app.origin) })
    expect(refused.status).toBe(409)
    await call(app.origin, path)
    expect(upstreamReads(upstream, `/v1/machines/${ready.id}`)).toHaveLength(3)
  })

  it('shares errors among the requests that waited for them but never keeps them', async () => {
    upstream.simulator.setFaults([{ kind: 'rate-limit', retryAfter: 7 }])
    const limited = await together(5, app.origin, '/api/v1/machine-events')
    for (const response of limited) {
      expect(response.status).toBe(429)
      expect(response.headers['retry-after']).toBe('7')
      expect(response.json()).toMatchObject({ message: expect.any(String) })
    }
    upstream.simulator.clearFaults()
    expect((await call(app.origin, '/api/v1/machine-events')).status).toBe(200)
    expect(upstreamReads(upstream, '/v1/machine-events').length).toBeGreaterThanOrEqual(2)
    expect(upstreamReads(upstream, '/v1/machine-events').length).toBeLessThan(limited.length + 1)
  })

  it('still turns an HTML page into 502 UPSTREAM_BAD_RESPONSE, for every request that waited for it', async () => {
    upstream.simulator.setFaults([{ kind: 'html' }])
    const responses = await together(5, app.origin, '/api/v1/machine-availability?region=ny2&machineType=C5')
    for (const response of responses) {
      expect(response.status).toBe(502)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(response.json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      expect(response.text).not.toMatch(/<html/i)
    }
    upstream.simulator.clearFaults()
    const recovered = await call(app.origin, '/api/v1/machine-availability?region=ny2&machineType=C5')
    expect(recovered.status).toBe(200)
  })

  it('still answers 504 UPSTREAM_TIMEOUT in time, and the next read does not join the abandoned one', async () => {
    upstream.simulator.setFaults([{ kind: 'latency', ms: 5_000, operations: ['listMachineEvents'] }])
    const started = performance.now()
    const responses = await together(3, app.origin, '/api/v1/machine-events?limit=5')
    expect(performance.now() - started).toBeLessThan(1_500)
    for (const response of responses) {
      expect(response.status).toBe(504)
      expect(response.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    }
    expect(upstreamReads(upstream, '/v1/machine-events?limit=5')).toHaveLength(1)

    upstream.simulator.clearFaults()
    const next = await call(app.origin, '/api/v1/machine-events?limit=5')
    expect(next.status).toBe(200)
    expect(upstreamReads(upstream, '/v1/machine-events?limit=5')).toHaveLength(2)
  })

  it('forwards a cursor with %2F in the query exactly as it came', async () => {
    const response = await call(app.origin, '/api/v1/machines?after=abc%2Fdef%3D&limit=2')
    // The simulator's cursors never hold a slash: its own JSON 400, not the server's BAD_PATH.
    expect(response.status).toBe(400)
    expect(response.json().code).not.toBe('BAD_PATH')
    expect(upstream.seen.map((seen) => seen.path)).toEqual(['/v1/machines?after=abc%2Fdef%3D&limit=2'])
  })

  it('does not route HEAD to the reads', async () => {
    const response = await call(app.origin, '/api/v1/machines', { method: 'HEAD' })
    expect(response.status).toBe(405)
    expect(response.headers.allow).toBe('GET, POST')
    expect(upstream.seen).toHaveLength(0)
  })

  it('writes one access line per read, hit or miss', async () => {
    const before = app.logs.length
    await call(app.origin, '/api/v1/machines?limit=4')
    await call(app.origin, '/api/v1/machines?limit=4')
    const lines = app.logs.slice(before)
    expect(lines).toHaveLength(2)
    for (const line of lines) expect(line).toMatchObject({ method: 'GET', path: '/api/v1/machines', status: 200 })
  })
})

describe('reads with UPSTREAM_CACHE_MS=0', () => {
  let upstream: TestUpstream
  let app: TestApp
  beforeAll(async () => {
    upstream = await startUpstream()
    app = await startApp({ PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY, UPSTREAM_CACHE_MS: '0' })
  })
  afterAll(async () => {
    await app.close()
    await upstream.close()
  })

  it('still shares one upstream request among identical reads in flight, but keeps nothing', async () => {
    upstream.simulator.setFaults([{ kind: 'latency', ms: 100 }])
    const responses = await together(20, app.origin, '/api/v1/machines')
    expect(responses.every((response) => response.status === 200)).toBe(true)
    expect(upstreamReads(upstream, '/v1/machines')).toHaveLength(1)
    upstream.simulator.clearFaults()
    await call(app.origin, '/api/v1/machines')
    expect(upstreamReads(upstream, '/v1/machines')).toHaveLength(2)
  })

  it('is read from the environment: 1000 ms by default, 0 to 60000', () => {
    expect(loadConfig({}).upstreamCacheMs).toBe(1_000)
    expect(loadConfig({ UPSTREAM_CACHE_MS: '0' }).upstreamCacheMs).toBe(0)
    expect(() => loadConfig({ UPSTREAM_CACHE_MS: '-1' })).toThrow(/UPSTREAM_CACHE_MS/)
    expect(() => loadConfig({ UPSTREAM_CACHE_MS: '60001' })).toThrow(/UPSTREAM_CACHE_MS/)
  })
})

describe('two admins signed in with different keys', () => {
  let upstream: TestUpstream
  let app: TestApp
  beforeAll(async () => {
    // Any non-empty key is accepted: each admin's own.
    upstream = await startUpstream({ apiKey: undefined })
    app = await startApp({
      PAPERSPACE_AUTH: 'signin',
      PAPERSPACE_API_URL: upstream.url,
      SESSION_SECRET: 'uDV1rgkC6MUWgd7jsbZ16EG3K7qdeaP4I5TIDn/mfRPqtsyt',
    })
  })
  afterAll(async () => {
    await app.close()
    await upstream.close()
  })

  async function signIn(apiKey: string): Promise<Record<string, string>> {
    const response = await call(app.origin, '/auth/session', {
      method: 'POST',
      headers: sameOrigin(app.origin, { 'content-type': 'application/json' }),
      body: JSON.stringify({ apiKey }),
    })
    expect(response.status).toBe(204)
    const cookie = [response.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0]
    if (cookie === undefined) throw new Error('signing in set no cookie')
    return { cookie }
  }

  const keyOf = (seen: { headers: Record<string, string> }) => seen.headers.authorization

  it('never shares an answer or a request in flight between them', async () => {
    const alice = await signIn('key-alice')
    const bob = await signIn('key-bob')
    upstream.seen.length = 0

    const [aliceAnswers, bobAnswers] = await Promise.all([
      together(10, app.origin, '/api/v1/machines', alice),
      together(10, app.origin, '/api/v1/machines', bob),
    ])
    expect([...aliceAnswers, ...bobAnswers].every((response) => response.status === 200)).toBe(true)
    expect(upstreamReads(upstream, '/v1/machines').map(keyOf).sort()).toEqual(['Bearer key-alice', 'Bearer key-bob'])

    // Each one's answer is kept for that key only; a third key goes upstream with its own.
    await call(app.origin, '/api/v1/machines', { headers: alice })
    await call(app.origin, '/api/v1/machines', { headers: await signIn('key-carol') })
    expect(upstreamReads(upstream, '/v1/machines').map(keyOf)).toHaveLength(3)
    expect(upstreamReads(upstream, '/v1/machines')[2]?.headers.authorization).toBe('Bearer key-carol')
  })

  it('a mutation clears only the cached reads of the key that made it', async () => {
    const alice = await signIn('key-alice')
    const bob = await signIn('key-bob')
    const off = upstream.simulator.store.machines.find((machine) => machine.state === 'off')
    if (!off) throw new Error('the seeded fleet has no machine that is off')
    const path = `/api/v1/machines/${off.id}`
    await call(app.origin, path, { headers: alice })
    await call(app.origin, path, { headers: bob })
    upstream.seen.length = 0

    const start = await call(app.origin, `${path}/start`, { method: 'PATCH', headers: sameOrigin(app.origin, alice) })
    expect(start.status).toBe(200)
    const aliceSees = await call(app.origin, path, { headers: alice })
    expect(aliceSees.json()).toMatchObject({ state: 'starting' })
    await call(app.origin, path, { headers: bob })
    expect(upstreamReads(upstream, `/v1/machines/${off.id}`).map(keyOf)).toEqual(['Bearer key-alice'])
  })

  it('answers a signed-out read 401 without going upstream', async () => {
    upstream.seen.length = 0
    const response = await call(app.origin, '/api/v1/machines')
    expect(response.status).toBe(401)
    expect(upstream.seen).toHaveLength(0)
  })
})

describe('an upstream answer over the size limit', () => {
  let impostor: Server
  let app: TestApp
  beforeAll(async () => {
    const huge = Buffer.alloc(MAX_READ_BYTES + 1, 0x20)
    impostor = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json')
      // Chunked, without a length: the limit is enforced while reading.
      response.write('[')
      response.end(huge)
    })
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
    const { port } = impostor.address() as AddressInfo
    app = await startApp({ PAPERSPACE_API_URL: `http://127.0.0.1:${port}/v1`, PAPERSPACE_API_KEY: TEST_KEY })
  })
  afterAll(async () => {
    await app.close()
    impostor.closeAllConnections()
    await new Promise((resolve) => impostor.close(resolve))
  })

  it('is refused with 502 UPSTREAM_BAD_RESPONSE', async () => {
    const response: RawResponse = await call(app.origin, '/api/v1/machines')
    expect(response.status).toBe(502)
    expect(response.json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
  })
})
