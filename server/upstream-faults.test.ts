// What the app sees when the upstream misbehaves, in both key modes and on both proxy paths (reads, which are
// read whole and shared, and mutations, which are streamed): always JSON `{code, message}`, within the timeout,
// and nothing of the upstream's own cookies, redirects or server banners.
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serveFetch } from './demo-upstream'
import { createSimulator } from './simulator/simulator'
import { openStore, type Store } from './store/open'
import {
  type CallOptions,
  call,
  type RawResponse,
  sameOrigin,
  startApp,
  startUpstream,
  TEST_KEY,
  type TestApp,
  type TestUpstream,
} from './test-support'

const SECRET = 'jp7DWQLcjUjb/jOKm1MzkRUknuj6HFmaTQtjVS0mmicoZLnq'
const TIMEOUT_MS = 300

interface Mode {
  name: string
  app: TestApp
  /** Headers that make a request this mode's signed-in or keyed caller. */
  auth: Record<string, string>
}

async function signedInCookie(app: TestApp): Promise<string> {
  const response = await call(app.origin, '/auth/session', {
    method: 'POST',
    headers: sameOrigin(app.origin, { 'content-type': 'application/json' }),
    body: JSON.stringify({ apiKey: TEST_KEY }),
  })
  const cookie = response.headers['set-cookie']?.[0]?.split(';')[0]
  if (response.status !== 204 || cookie === undefined) throw new Error(`sign-in failed: ${response.status}`)
  return cookie
}

/** Both key modes against one upstream; signed in now, or with a cookie sealed earlier with the same secret. */
async function startModes(url: string, cookie?: string, store?: Store): Promise<Mode[]> {
  const common = { PAPERSPACE_API_URL: url, UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), UPSTREAM_CACHE_MS: '0' }
  const keyed = await startApp({ ...common, PAPERSPACE_API_KEY: TEST_KEY })
  const signin = await startApp({ ...common, PAPERSPACE_AUTH: 'signin', SESSION_SECRET: SECRET }, store && { store })
  return [
    { name: 'server key', app: keyed, auth: {} },
    { name: 'signed in', app: signin, auth: { cookie: cookie ?? (await signedInCookie(signin)) } },
  ]
}

const seenByClients: string[] = []
async function send(mode: Mode, path: string, options: CallOptions = {}): Promise<RawResponse> {
  const response = await call(mode.app.origin, path, { ...options, headers: { ...mode.auth, ...options.headers } })
  seenByClients.push(JSON.stringify(response.headers), response.text)
  return response
}

interface ProxyCall {
  name: string
  method: string
  path: string
  body?: string
}

/** One call of each proxy path: reads (whole, shared) and mutations with and without a body (streamed). */
function calls(upstream: TestUpstream): ProxyCall[] {
  const machines = upstream.simulator.store.machines
  const ready = machines.find((machine) => machine.state === 'ready')
  return [
    { name: 'a list read', method: 'GET', path: '/api/v1/machines?limit=5' },
    { name: 'a single read', method: 'GET', path: `/api/v1/machines/${machines[0]?.id}` },
    { name: 'a stop', method: 'PATCH', path: `/api/v1/machines/${ready?.id}/stop` },
    {
      name: 'a create',
      method: 'POST',
      path: '/api/v1/machines',
      body: JSON.stringify({ name: 'fault-test', machineType: 'C5', region: 'ny2', templateId: 't0nspur5' }),
    },
  ]
}

function request(mode: Mode, { method, path, body }: ProxyCall) {
  return send(mode, path, {
    method,
    headers: method === 'GET' ? {} : sameOrigin(mode.app.origin, { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body }),
  })
}

describe('a faulty upstream', () => {
  let upstream: TestUpstream
  let modes: Mode[]
  beforeAll(async () => {
    upstream = await startUpstream()
    modes = await startModes(upstream.url)
  })
  afterAll(async () => {
    for (const mode of modes) await mode.app.close()
    await upstream.close()
    expect([...seenByClients, ...modes.flatMap((mode) => mode.app.rawLogs)].join('\n')).not.toContain(TEST_KEY)
  })
  beforeEach(() => upstream.simulator.clearFaults())

  for (const modeName of ['server key', 'signed in']) {
    describe(`with ${modeName}`, () => {
      const mode = () => modes.find((candidate) => candidate.name === modeName) as Mode

      it('turns an HTML error page into a JSON 502 on every proxy path', async () => {
        upstream.simulator.setFaults([{ kind: 'html' }])
        for (const proxyCall of calls(upstream)) {
          const response = await request(mode(), proxyCall)
          expect(response.status, proxyCall.name).toBe(502)
          expect(response.headers['content-type'], proxyCall.name).toMatch(/^application\/json/)
          expect(response.json(), proxyCall.name).toEqual({
            code: 'UPSTREAM_BAD_RESPONSE',
            message: expect.any(String),
          })
          expect(response.text).not.toMatch(/<html|<body/i)
        }
      })

      it('answers a JSON 504 within the timeout when the upstream is slow, on every proxy path', async () => {
        upstream.simulator.setFaults([{ kind: 'latency', ms: 2_000 }])
        // All at once: each is timed on its own.
        await Promise.all(
          calls(upstream).map(async (proxyCall) => {
            const started = performance.now()
            const response = await request(mode(), proxyCall)
            const elapsed = performance.now() - started
            expect(response.status, proxyCall.name).toBe(504)
            expect(response.json(), proxyCall.name).toEqual({ code: 'UPSTREAM_TIMEOUT', message: expect.any(String) })
            expect(elapsed, proxyCall.name).toBeGreaterThanOrEqual(TIMEOUT_MS - 10)
            expect(elapsed, proxyCall.name).toBeLessThan(TIMEOUT_MS + 200)
          }),
        )
      })

      it('passes the API own JSON errors through', async () => {
        upstream.simulator.setFaults([{ kind: 'error', status: 500 }])
        const response = await send(mode(), '/api/v1/machines?limit=1&fault=500')
        expect(response.status).toBe(500)
        expect(response.json()).toMatchObject({ message: expect.any(String) })
      })
    })
  }
})

describe('an upstream that is down', () => {
  let modes: Mode[]
  let store: Store
  beforeAll(async () => {
    // A session opened while the upstream worked is still valid once it is down (the same store: a restart).
    store = await openStore({ engine: 'sqlite', memory: true })
    const upstream = await startUpstream()
    const working = await startModes(upstream.url, undefined, store)
    const cookie = working[1]?.auth.cookie
    for (const mode of working) await mode.app.close()
    await upstream.close()
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    modes = await startModes(`http://127.0.0.1:${port}/v1`, cookie, store)
  })
  afterAll(async () => {
    for (const mode of modes) await mode.app.close()
    await store.close()
  })

  it('answers a JSON 502 at once, in both modes, reads and changes alike', async () => {
    for (const mode of modes) {
      for (const [method, path] of [
        ['GET', '/api/v1/machines'],
        ['PATCH', '/api/v1/machines/psm1/start'],
      ] as const) {
        const started = performance.now()
        const response = await send(mode, path, {
          method,
          headers: method === 'GET' ? {} : sameOrigin(mode.app.origin),
        })
        expect(response.status, `${mode.name} ${method}`).toBe(502)
        expect(response.json()).toEqual({ code: 'UPSTREAM_UNREACHABLE', message: expect.any(String) })
        expect(performance.now() - started).toBeLessThan(TIMEOUT_MS)
      }
    }
  })
})

describe('a load balancer in front of the API that adds cookies, redirects and banners', () => {
  const simulator = createSimulator({ apiKey: TEST_KEY })
  let front: { url: string; close(): Promise<void> }
  let elsewhere: { url: string; close(): Promise<void> }
  let elsewhereRequests = 0
  let modes: Mode[]
  beforeAll(async () => {
    elsewhere = await serveFetch(() => {
      elsewhereRequests++
      return Response.json({ items: [] })
    })
    front = await serveFetch(async (incoming) => {
      const url = new URL(incoming.url)
      const redirect = url.searchParams.get('lb')
      if (redirect === 'html') {
        return new Response('<html><body>Moved</body></html>', {
          status: 302,
          headers: { location: `${elsewhere.url}${url.pathname}`, 'content-type': 'text/html' },
        })
      }
      if (redirect === 'json') {
        return Response.json({ moved: true }, { status: 307, headers: { location: `${elsewhere.url}${url.pathname}` } })
      }
      const response = await simulator.fetch(incoming)
      const headers = new Headers(response.headers)
      headers.append('set-cookie', 'lb_session=abc; Path=/; HttpOnly')
      headers.append('set-cookie', 'tracking=1; Domain=example.com')
      headers.set('location', 'https://evil.example/')
      headers.set('server', 'nginx/1.18.0 (Ubuntu)')
      headers.set('x-powered-by', 'Express')
      headers.set('access-control-allow-origin', '*')
      headers.set('access-control-allow-credentials', 'true')
      headers.set('content-security-policy', 'default-src *')
      headers.set('x-frame-options', 'ALLOWALL')
      return new Response(response.body, { status: response.status, headers })
    })
    modes = await startModes(`${front.url}/v1`)
  })
  afterAll(async () => {
    for (const mode of modes) await mode.app.close()
    await front.close()
    await elsewhere.close()
  })

  it('passes none of its headers to the browser, on reads and changes', async () => {
    for (const mode of modes) {
      const ready = simulator.store.machines.find((machine) => machine.state === 'ready')
      for (const response of [
        await send(mode, '/api/v1/machines?limit=2'),
        await send(mode, `/api/v1/machines/${ready?.id}/stop`, {
          method: 'PATCH',
          headers: sameOrigin(mode.app.origin),
        }),
      ]) {
        expect(response.status).toBe(200)
        for (const name of [
          'set-cookie',
          'location',
          'server',
          'x-powered-by',
          'access-control-allow-origin',
          'access-control-allow-credentials',
        ]) {
          expect(response.headers, `${mode.name} ${name}`).not.toHaveProperty(name)
        }
        expect(response.headers['content-security-policy']).toContain("default-src 'self'")
        expect(response.headers['x-frame-options']).toBe('DENY')
      }
    }
  })

  it('never follows a redirect: an HTML one becomes 502, a JSON one keeps its status without Location', async () => {
    for (const mode of modes) {
      const html = await send(mode, '/api/v1/machines?limit=1&lb=html')
      expect(html.status).toBe(502)
      expect(html.json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      expect(html.headers).not.toHaveProperty('location')
      const json = await send(mode, '/api/v1/machines?limit=1&lb=json')
      expect(json.status).toBe(307)
      expect(json.headers).not.toHaveProperty('location')
    }
    expect(elsewhereRequests).toBe(0)
  })

  it('never follows a redirect when checking a key at sign-in, and sets only its own cookie', async () => {
    const redirecting = await serveFetch(
      (incoming) =>
        new Response('<html>Moved</html>', {
          status: 302,
          headers: { location: `${elsewhere.url}${new URL(incoming.url).pathname}`, 'content-type': 'text/html' },
        }),
    )
    const servers = await Promise.all(
      [redirecting.url, front.url].map((url) =>
        startApp({ PAPERSPACE_AUTH: 'signin', PAPERSPACE_API_URL: `${url}/v1`, SESSION_SECRET: SECRET }),
      ),
    )
    try {
      const [toRedirect, toFront] = await Promise.all(
        servers.map((server) =>
          call(server.origin, '/auth/session', {
            method: 'POST',
            headers: sameOrigin(server.origin, { 'content-type': 'application/json' }),
            body: JSON.stringify({ apiKey: TEST_KEY }),
          }),
        ),
      )
      expect(toRedirect?.status).toBe(502)
      expect(toRedirect?.json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      expect(toRedirect?.headers).not.toHaveProperty('location')
      expect(toRedirect?.headers).not.toHaveProperty('set-cookie')
      expect(elsewhereRequests).toBe(0)
      expect(toFront?.status).toBe(204)
      expect(toFront?.headers['set-cookie']).toHaveLength(1)
      expect(toFront?.headers['set-cookie']?.[0]).toMatch(/^fleet_session=/)
      expect(toFront?.headers).not.toHaveProperty('location')
    } finally {
      for (const server of servers) await server.close()
      await redirecting.close()
    }
  })
})

describe('an upstream that misbehaves on purpose', () => {
  it('never passes the key on, even when the upstream echoes it in a body', async () => {
    const echoing = await serveFetch((incoming) => {
      const key = incoming.headers.get('authorization') ?? ''
      return Response.json(
        { code: 'BAD_KEY', message: `The key ${key.slice(7)} is wrong; ${key}` },
        { status: incoming.method === 'GET' ? 400 : 409 },
      )
    })
    const app = await startApp({ PAPERSPACE_API_URL: `${echoing.url}/v1`, PAPERSPACE_API_KEY: TEST_KEY })
    try {
      const read = await call(app.origin, '/api/v1/machines?limit=1')
      const change = await call(app.origin, '/api/v1/machines/psm1/stop', {
        method: 'PATCH',
        headers: sameOrigin(app.origin),
      })
      for (const response of [read, change]) {
        expect(response.text).not.toContain(TEST_KEY)
        expect(response.json()).toEqual({
          code: 'BAD_KEY',
          message: 'The key [redacted] is wrong; Bearer [redacted]',
        })
        expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.text)))
      }
    } finally {
      await app.close()
      await echoing.close()
    }
  })

  it('answers 502 when a mutation answer is cut off, not a broken 200', async () => {
    // Declares a longer body than it sends, then closes the connection.
    const cutting = createServer((socket) => {
      socket.once('data', () => {
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\nConnection: close\r\n\r\n{"id":"psm1","na',
        )
      })
    })
    await new Promise<void>((done) => cutting.listen(0, '127.0.0.1', done))
    const { port } = cutting.address() as AddressInfo
    const app = await startApp({ PAPERSPACE_API_URL: `http://127.0.0.1:${port}/v1`, PAPERSPACE_API_KEY: TEST_KEY })
    try {
      const response = await call(app.origin, '/api/v1/machines/psm1/stop', {
        method: 'PATCH',
        headers: sameOrigin(app.origin),
      })
      expect(response.status).toBe(502)
      expect(response.json()).toEqual({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.stringMatching(/cut off/) })
    } finally {
      await app.close()
      await new Promise((done) => cutting.close(done))
    }
  })
})
