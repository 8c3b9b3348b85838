import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
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

/** Everything a client saw, for the final "the key never leaked" check. */
const seenByClients: string[] = []
async function api(app: TestApp, path: string, options: Parameters<typeof call>[2] = {}): Promise<RawResponse> {
  const response = await call(app.origin, path, options)
  seenByClients.push(JSON.stringify(response.headers), response.text)
  return response
}

async function startStopJourney(app: TestApp) {
  const list = await api(app, '/api/v1/machines?limit=120')
  expect(list.status).toBe(200)
  const machines = list.json().items as Machine[]
  expect(machines.length).toBeGreaterThanOrEqual(40)
  const off = machines.find((machine) => machine.state === 'off')
  if (!off) throw new Error('the seeded fleet has no machine that is off')

  const started = await api(app, `/api/v1/machines/${off.id}/start`, {
    method: 'PATCH',
    headers: sameOrigin(app.origin),
  })
  expect(started.status).toBe(200)
  expect(started.json()).toMatchObject({ id: off.id, state: 'starting' })

  const again = await api(app, `/api/v1/machines/${off.id}/start`, { method: 'PATCH', headers: sameOrigin(app.origin) })
  expect(again.status).toBe(409)
  expect(again.headers['content-type']).toMatch(/^application\/json/)
  expect(again.json()).toMatchObject({ message: expect.stringMatching(/starting/) })

  const events = await api(app, '/api/v1/machine-events?limit=120')
  expect(events.status).toBe(200)
  const items = events.json().items as { machineId: string }[]
  expect(items.some((event) => event.machineId === off.id)).toBe(true)
  return off.id
}

describe('demo mode (no key, no URL)', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startApp({ STATIC_DIR: join(tmpdir(), 'fleet-never-built') })
  })
  afterAll(() => app.close())

  it('says so in /api/meta and nothing more', async () => {
    const meta = await api(app, '/api/meta')
    expect(meta.status).toBe(200)
    expect(meta.json()).toEqual({ mode: 'demo', signedIn: true })
    expect(meta.headers['cache-control']).toBe('no-store')
  })

  it('serves the simulated fleet through the proxy: list, start, conflict, events', async () => {
    await startStopJourney(app)
  })
})

describe('live mode (URL and key)', () => {
  let upstream: TestUpstream
  let app: TestApp
  beforeAll(async () => {
    upstream = await startUpstream()
    app = await startApp({ PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY, UPSTREAM_TIMEOUT_MS: '300' })
  })
  afterAll(async () => {
    await app.close()
    await upstream.close()
    const everything = [...seenByClients, ...app.rawLogs].join('\n')
    expect(everything).not.toContain(TEST_KEY)
  })
  beforeEach(() => {
    upstream.simulator.clearFaults()
    upstream.seen.length = 0
  })

  it('reports live mode', async () => {
    expect((await api(app, '/api/meta')).json()).toEqual({ mode: 'live', signedIn: true })
  })

  it('runs the same journey against the standalone service', async () => {
    await startStopJourney(app)
  })

  it('sends the server key upstream, never what the browser sent', async () => {
    const response = await api(app, '/api/v1/machines?limit=3&order=asc', {
      headers: {
        authorization: 'Bearer browser-token',
        cookie: 'sid=abc',
        'x-forwarded-for': '203.0.113.9',
        forwarded: 'for=203.0.113.9',
        origin: 'https://evil.example',
        referer: 'https://evil.example/page',
        'x-custom': 'nope',
        'x-http-method-override': 'DELETE',
      },
    })
    expect(response.status).toBe(200)
    expect(upstream.seen).toHaveLength(1)
    const [seen] = upstream.seen
    expect(seen?.method).toBe('GET')
    expect(seen?.path).toBe('/v1/machines?limit=3&order=asc')
    expect(seen?.headers.authorization).toBe(`Bearer ${TEST_KEY}`)
    for (const name of ['cookie', 'x-forwarded-for', 'forwarded', 'origin', 'referer', 'x-custom', 'x-csrf']) {
      expect(seen?.headers, name).not.toHaveProperty(name)
    }
    expect(seen?.headers['x-http-method-override']).toBeUndefined()
    expect(seen?.headers.host).toBe(new URL(upstream.url).host)
    expect(seen?.headers.accept).toBe('application/json')
  })

  it('sends start, stop and restart with no body and no content type, even when the browser sends one', async () => {
    const machines = upstream.simulator.store.machines
    const off = machines.find((machine) => machine.state === 'off' && machine.id !== undefined)
    const ready = machines.filter((machine) => machine.state === 'ready')
    if (!off || ready.length < 2) throw new Error('the seeded fleet lacks machines in the needed states')
    const calls = [
      [`/api/v1/machines/${off.id}/start`, 200],
      [`/api/v1/machines/${ready[0]?.id}/stop`, 200],
      [`/api/v1/machines/${ready[1]?.id}/restart`, 200],
    ] as const
    for (const [path, status] of calls) {
      const response = await api(app, path, {
        method: 'PATCH',
        headers: sameOrigin(app.origin, { 'content-type': 'application/json' }),
        body: '{"sneaky":true}',
      })
      expect(response.status, path).toBe(status)
    }
    expect(upstream.seen.map((seen) => seen.method)).toEqual(['PATCH', 'PATCH', 'PATCH'])
    for (const seen of upstream.seen) {
      expect(seen.body).toBe('')
      expect(seen.headers['content-type']).toBeUndefined()
    }
  })

  it('forwards JSON bodies of create and grant as JSON', async () => {
    const created = await api(app, '/api/v1/machines', {
      method: 'POST',
      headers: sameOrigin(app.origin, { 'content-type': 'application/json; charset=utf-8' }),
      body: JSON.stringify({ name: 'proxy-test', machineType: 'C5', region: 'ny2', templateId: 't0nspur5' }),
    })
    expect(created.status).toBe(201)
    const id = created.json().id as string
    const user = upstream.simulator.store.users.find(
      (candidate) => candidate.id !== upstream.simulator.store.currentUserId,
    )
    const granted = await api(app, `/api/v1/machines/${id}/accessors`, {
      method: 'POST',
      headers: sameOrigin(app.origin, { 'content-type': 'application/json' }),
      body: JSON.stringify({ userId: user?.id }),
    })
    expect(granted.status).toBe(201)
    const [create, grant] = upstream.seen
    expect(create?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(create?.body ?? '')).toMatchObject({ name: 'proxy-test', machineType: 'C5' })
    expect(JSON.parse(grant?.body ?? '')).toEqual({ userId: user?.id })
  })

  it('passes the API JSON errors through with their status', async () => {
    const missing = await api(app, '/api/v1/machines/psmdoesnotexist')
    expect(missing.status).toBe(404)
    expect(missing.json()).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/not found/i) })
    const invalid = await api(app, '/api/v1/machines', {
      method: 'POST',
      headers: sameOrigin(app.origin, { 'content-type': 'application/json' }),
      body: '{}',
    })
    expect(invalid.status).toBe(400)
  })

  it('passes 429 with Retry-After, without retrying', async () => {
    upstream.simulator.setFaults([{ kind: 'rate-limit', retryAfter: 7 }])
    const response = await api(app, '/api/v1/machines')
    expect(response.status).toBe(429)
    expect(response.headers['retry-after']).toBe('7')
    expect(response.json()).toMatchObject({ message: expect.any(String) })
    expect(upstream.seen).toHaveLength(1)
  })

  it('passes a 503 through once instead of retrying it', async () => {
    upstream.simulator.setFaults([{ kind: 'error', status: 503 }])
    const response = await api(app, '/api/v1/machines')
    expect(response.status).toBe(503)
    expect(upstream.seen).toHaveLength(1)
  })

  it('turns an HTML page from upstream into 502 UPSTREAM_BAD_RESPONSE', async () => {
    upstream.simulator.setFaults([{ kind: 'html' }])
    const response = await api(app, '/api/v1/machines')
    expect(response.status).toBe(502)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.any(String) })
    expect(response.text).not.toMatch(/<html/i)
  })

  it('answers 504 UPSTREAM_TIMEOUT within the timeout when upstream is slow', async () => {
    upstream.simulator.setFaults([{ kind: 'latency', ms: 5_000 }])
    const started = performance.now()
    const response = await api(app, '/api/v1/machines')
    const elapsed = performance.now() - started
    expect(response.status).toBe(504)
    expect(response.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    // The timeout is 300 ms; undici checks its timers about every half second.
    expect(elapsed).toBeGreaterThanOrEqual(300)
    expect(elapsed).toBeLessThan(1_500)
  })

  it('drops upstream headers that are not for the browser', async () => {
    const response = await api(app, '/api/v1/machines?limit=1')
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.headers['cache-control']).toBe('no-store')
    for (const name of ['set-cookie', 'location', 'server', 'x-powered-by', 'access-control-allow-origin']) {
      expect(response.headers, name).not.toHaveProperty(name)
    }
  })

  it('writes exactly one log line per request, without query strings or headers', async () => {
    const before = app.logs.length
    await api(app, '/api/v1/machines?limit=2&name=secret-filter', { headers: { authorization: 'Bearer browser' } })
    await api(app, '/api/v1/machines/x/unknown')
    await api(app, '/api/v1/machines/%zz')
    upstream.simulator.setFaults([{ kind: 'html' }])
    await api(app, '/api/v1/machines')
    const lines = app.logs.slice(before)
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/api/v1/machines', status: 200, ms: expect.any(Number) })
    expect(lines[1]).toMatchObject({ path: '/api/v1/machines/x/unknown', status: 404, code: 'NOT_FOUND' })
    expect(lines[2]).toMatchObject({ path: '/api/v1/machines/%zz', status: 400, code: 'BAD_PATH' })
    expect(lines[3]).toMatchObject({ status: 502, code: 'UPSTREAM_BAD_RESPONSE' })
    const text = app.rawLogs.slice(before).join('\n')
    expect(text).not.toContain('secret-filter')
    expect(text).not.toContain('browser')
  })
})

describe('upstream down', () => {
  let app: TestApp
  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    app = await startApp({ PAPERSPACE_API_URL: `http://127.0.0.1:${port}/v1`, PAPERSPACE_API_KEY: TEST_KEY })
  })
  afterAll(() => app.close())

  it('answers 502 UPSTREAM_UNREACHABLE', async () => {
    const response = await api(app, '/api/v1/machines')
    expect(response.status).toBe(502)
    expect(response.json()).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', message: expect.any(String) })
    expect(response.text).not.toContain(TEST_KEY)
    expect(app.rawLogs.join('\n')).not.toContain(TEST_KEY)
  })
})

/** A self-signed certificate for 127.0.0.1, or undefined where openssl is not installed. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-tls-'))
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  } catch {
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const certificate = selfSignedCertificate()

describe.skipIf(!certificate)('upstream with an untrusted certificate', () => {
  let impostor: HttpsServer
  let received = 0
  let app: TestApp
  beforeAll(async () => {
    impostor = createHttpsServer(certificate ?? {}, (_request, response) => {
      received++
      response.setHeader('content-type', 'application/json')
      response.end('{"items":[]}')
    })
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
    const { port } = impostor.address() as AddressInfo
    app = await startApp({ PAPERSPACE_API_URL: `https://127.0.0.1:${port}/v1`, PAPERSPACE_API_KEY: TEST_KEY })
  })
  afterAll(async () => {
    await app.close()
    await new Promise((resolve) => impostor.close(resolve))
  })

  it('never sends the key to it', async () => {
    const response = await api(app, '/api/v1/machines')
    expect(response.status).toBe(502)
    expect(response.json()).toMatchObject({ code: 'UPSTREAM_UNREACHABLE' })
    expect(received).toBe(0)
  })
})
