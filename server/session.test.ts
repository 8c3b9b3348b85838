import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { serveFetch } from './demo-upstream'
import { main } from './main'
import { SESSION_COOKIE } from './session'
import { createSimulator, simulatorOptionsFromEnv } from './simulator/simulator'
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

const SECRET = 'JJM2f5l6kHf8r5kAURk2bSB17kUyMxSfO/5zYwDLl52Jlz1J'
const HOUR = 3_600_000
const json = { 'content-type': 'application/json' }

/** Everything any client was sent or any log received, for the final "no key anywhere" check. */
const seenByClients: string[] = []
const logs: string[][] = []

async function send(app: TestApp, path: string, options: CallOptions = {}): Promise<RawResponse> {
  const response = await call(app.origin, path, options)
  seenByClients.push(JSON.stringify(response.headers), response.text)
  return response
}

function signIn(app: TestApp, apiKey: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(app, '/auth/session', {
    method: 'POST',
    headers: sameOrigin(app.origin, { ...json, ...headers }),
    body: JSON.stringify({ apiKey }),
  })
}

/** The session cookie a response sets, as a `Cookie` header value, and its attributes. */
function sessionCookie(response: RawResponse): { cookie: string; attributes: string[] } {
  const line = response.headers['set-cookie']?.find((candidate) => candidate.startsWith(`${SESSION_COOKIE}=`))
  if (line === undefined) throw new Error(`no ${SESSION_COOKIE} cookie set (status ${response.status})`)
  const [cookie = '', ...attributes] = line.split(';').map((part) => part.trim())
  return { cookie, attributes }
}

async function signedIn(app: TestApp, apiKey = TEST_KEY): Promise<string> {
  const response = await signIn(app, apiKey)
  expect(response.status).toBe(204)
  return sessionCookie(response).cookie
}

/** One store for every server of this file: replicas share their sessions through it, as through a database. */
let store: Store

async function startSignin(upstream: TestUpstream, env: Record<string, string> = {}, now?: () => number) {
  const app = await startApp(
    { PAPERSPACE_AUTH: 'signin', PAPERSPACE_API_URL: upstream.url, SESSION_SECRET: SECRET, ...env },
    now ? { now, store } : { store },
  )
  logs.push(app.rawLogs)
  return app
}

let upstream: TestUpstream
let app: TestApp
let clock = Date.now()

beforeAll(async () => {
  store = await openStore({ engine: 'sqlite', memory: true })
  upstream = await startUpstream()
  // Far more sign-ins than an admin makes: the limit has its own tests below.
  app = await startSignin(upstream, { UPSTREAM_TIMEOUT_MS: '300', SIGN_IN_ATTEMPTS_PER_MINUTE: '0' }, () => clock)
})
afterAll(async () => {
  await app.close()
  await upstream.close()
  await store.close()
  const everything = [...seenByClients, ...logs.flat()].join('\n')
  expect(everything).not.toContain(TEST_KEY)
})
beforeEach(() => {
  upstream.simulator.clearFaults()
  upstream.seen.length = 0
  clock = Date.now()
})

describe('signed out', () => {
  it('says so in /api/meta, and nothing else', async () => {
    const meta = await send(app, '/api/meta')
    expect(meta.status).toBe(200)
    expect(meta.json()).toEqual({ mode: 'signin', signedIn: false })
    expect(meta.headers['cache-control']).toBe('no-store')
  })

  it.each([
    ['GET', '/api/v1/machines'],
    ['GET', '/api/v1/machine-events?limit=5'],
    ['PATCH', '/api/v1/machines/psm1/start'],
    ['POST', '/api/v1/machines'],
    ['DELETE', '/api/v1/machines/psm1'],
  ])('%s %s answers 401 SIGNED_OUT without calling upstream', async (method, path) => {
    const before = upstream.simulator.requestCount
    const response = await send(app, path, {
      method,
      headers: sameOrigin(app.origin, json),
      ...(method === 'POST' ? { body: '{"name":"x"}' } : {}),
    })
    expect(response.status).toBe(401)
    expect(response.json()).toEqual({ code: 'SIGNED_OUT', message: 'Sign in with your Paperspace API key.' })
    expect(upstream.simulator.requestCount).toBe(before)
  })

  it('still answers unknown API paths 404 and wrong methods 405', async () => {
    expect((await send(app, '/api/v1/nope')).status).toBe(404)
    expect((await send(app, '/api/v1/machines', { method: 'DELETE', headers: sameOrigin(app.origin) })).status).toBe(
      405,
    )
  })
})

describe('signing in', () => {
  it('checks the key with one cheap list call and sets a sealed, HttpOnly, SameSite=Strict cookie', async () => {
    const response = await signIn(app, TEST_KEY)
    expect(response.status).toBe(204)
    expect(response.text).toBe('')
    expect(upstream.seen).toHaveLength(1)
    expect(upstream.seen[0]).toMatchObject({ method: 'GET', path: '/v1/machines?limit=1' })
    expect(upstream.seen[0]?.headers.authorization).toBe(`Bearer ${TEST_KEY}`)

    const { cookie, attributes } = sessionCookie(response)
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']))
    expect(attributes).not.toContain('Secure')
    expect(attributes.some((attribute) => attribute.startsWith('Domain'))).toBe(false)
    expect(cookie).not.toContain(TEST_KEY)
    expect(Buffer.from(decodeURIComponent(cookie), 'base64').toString('latin1')).not.toContain(TEST_KEY)
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it('then proxies the API with that session key and reports signedIn', async () => {
    const cookie = await signedIn(app)
    expect((await send(app, '/api/meta', { headers: { cookie } })).json()).toEqual({ mode: 'signin', signedIn: true })
    upstream.seen.length = 0
    const list = await send(app, '/api/v1/machines?limit=2&signed=in', { headers: { cookie } })
    expect(list.status).toBe(200)
    expect((list.json().items as unknown[]).length).toBe(2)
    expect(upstream.seen).toHaveLength(1)
    expect(upstream.seen[0]?.headers.authorization).toBe(`Bearer ${TEST_KEY}`)
    expect(upstream.seen[0]?.headers).not.toHaveProperty('cookie')

    const off = upstream.simulator.store.machines.find((machine) => machine.state === 'off')
    const started = await send(app, `/api/v1/machines/${off?.id}/start`, {
      method: 'PATCH',
      headers: sameOrigin(app.origin, { cookie }),
    })
    expect(started.status).toBe(200)
    expect(started.headers).not.toHaveProperty('set-cookie')
  })

  it('answers 401 INVALID_KEY when Paperspace refuses the key, and sets no cookie', async () => {
    const response = await signIn(app, 'k-wrong-key')
    expect(response.status).toBe(401)
    expect(response.json()).toEqual({ code: 'INVALID_KEY', message: 'Paperspace did not accept this API key.' })
    expect(response.headers).not.toHaveProperty('set-cookie')
    expect(upstream.seen).toHaveLength(1)
    expect(response.text).not.toContain('k-wrong-key')
  })

  it.each([
    ['no apiKey', {}],
    ['an empty key', { apiKey: '' }],
    ['a key of 513 characters', { apiKey: 'k'.repeat(513) }],
    ['a key with a space', { apiKey: 'k-a b' }],
    ['a key with a tab', { apiKey: 'k-a\tb' }],
    ['a key with CRLF', { apiKey: 'k-a\r\nX-Injected: 1' }],
    ['a key with NUL', { apiKey: 'k-a\u0000' }],
    ['a key with DEL', { apiKey: 'k-a\u007f' }],
    ['a non-ASCII key', { apiKey: 'k-ключ' }],
    ['a number', { apiKey: 12345 }],
    ['an array', { apiKey: ['k-1'] }],
    ['an object', { apiKey: { value: 'k-1' } }],
  ])('answers 400 BAD_REQUEST for %s, without calling upstream', async (_name, body) => {
    const before = upstream.simulator.requestCount
    const response = await send(app, '/auth/session', {
      method: 'POST',
      headers: sameOrigin(app.origin, json),
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(400)
    expect(response.json()).toEqual({ code: 'BAD_REQUEST', message: expect.any(String) })
    expect(upstream.simulator.requestCount).toBe(before)
  })

  it('accepts a key of exactly 512 characters as well-formed and asks Paperspace', async () => {
    const response = await signIn(app, 'k'.repeat(512))
    expect(response.status).toBe(401)
    expect(response.json()).toMatchObject({ code: 'INVALID_KEY' })
  })

  it.each([
    ['no X-CSRF', { origin: 'ORIGIN', 'sec-fetch-site': 'same-origin', ...json }, 403, 'CSRF'],
    ['another Origin', { 'x-csrf': '1', origin: 'https://evil.example', ...json }, 403, 'CSRF'],
    ['a cross-site fetch', { 'x-csrf': '1', 'sec-fetch-site': 'cross-site', ...json }, 403, 'CSRF'],
    ['a text/plain body', { 'x-csrf': '1', 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a form body',
      { 'x-csrf': '1', 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a multipart body',
      { 'x-csrf': '1', 'content-type': 'multipart/form-data; boundary=x' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('refuses a sign-in with %s (%i), without calling upstream', async (_name, headers, status, code) => {
    const before = upstream.simulator.requestCount
    const withOrigin = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, value === 'ORIGIN' ? app.origin : value]),
    )
    const response = await send(app, '/auth/session', {
      method: 'POST',
      headers: withOrigin,
      body: JSON.stringify({ apiKey: TEST_KEY }),
    })
    expect(response.status).toBe(status)
    expect(response.json()).toEqual({ code, message: expect.any(String) })
    expect(response.headers).not.toHaveProperty('set-cookie')
    expect(response.headers).not.toHaveProperty('access-control-allow-origin')
    expect(upstream.simulator.requestCount).toBe(before)
  })

  it('refuses a sign-in without a body (415) or with malformed JSON holding the key (400), never echoing it', async () => {
    const empty = await send(app, '/auth/session', { method: 'POST', headers: sameOrigin(app.origin) })
    expect(empty.status).toBe(415)
    const malformed = await send(app, '/auth/session', {
      method: 'POST',
      headers: sameOrigin(app.origin, json),
      body: `{"apiKey": ${TEST_KEY}}`,
    })
    expect(malformed.status).toBe(400)
    expect(malformed.json()).toMatchObject({ code: 'BAD_JSON' })
    const tooLarge = await send(app, '/auth/session', {
      method: 'POST',
      headers: sameOrigin(app.origin, json),
      body: JSON.stringify({ apiKey: TEST_KEY, padding: 'x'.repeat(5_000) }),
    })
    expect(tooLarge.status).toBe(413)
  })

  it('answers 502 when Paperspace answers with an HTML page', async () => {
    upstream.simulator.setFaults([{ kind: 'html' }])
    const response = await signIn(app, TEST_KEY)
    expect(response.status).toBe(502)
    expect(response.json()).toEqual({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.any(String) })
    expect(response.headers).not.toHaveProperty('set-cookie')
  })

  it('answers 502 when Paperspace fails, and 429 with Retry-After when it limits', async () => {
    upstream.simulator.setFaults([{ kind: 'error', status: 503 }])
    expect((await signIn(app, TEST_KEY)).json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    upstream.simulator.setFaults([{ kind: 'rate-limit', retryAfter: 9 }])
    const limited = await signIn(app, TEST_KEY)
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('9')
    expect(limited.json()).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) })
  })

  it('answers 504 within the timeout when Paperspace is slow', async () => {
    upstream.simulator.setFaults([{ kind: 'latency', ms: 3_000 }])
    const started = performance.now()
    const response = await signIn(app, TEST_KEY)
    const elapsed = performance.now() - started
    expect(response.status).toBe(504)
    expect(response.json()).toEqual({ code: 'UPSTREAM_TIMEOUT', message: expect.any(String) })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(600)
  })
})

describe('a session', () => {
  it('is refused (401 SIGNED_OUT) once tampered with, sealed with another secret, or garbage', async () => {
    const cookie = await signedIn(app)
    const [name, value = ''] = cookie.split('=')
    const sealed = decodeURIComponent(value)
    const flipAt = (at: number) =>
      `${name}=${encodeURIComponent(sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1))}`
    const other = await startSignin(upstream, { SESSION_SECRET: '4QFut401Q/+UphueSxwCBe3C4yUjsnwX9RM6/TDTasPwIOFu' })
    const foreign = await signedIn(other)
    await other.close()
    for (const bad of [
      flipAt(5),
      flipAt(sealed.indexOf(';') + 3),
      `${name}=${encodeURIComponent(sealed.split(';')[0] ?? '')}`,
      foreign,
      `${name}=garbage`,
      `${name}=${'A'.repeat(60)}%3B${'A'.repeat(32)}`,
      `${name}=`,
    ]) {
      const before = upstream.simulator.requestCount
      const response = await send(app, '/api/v1/machines', { headers: { cookie: bad } })
      expect(response.status, bad).toBe(401)
      expect(response.json()).toMatchObject({ code: 'SIGNED_OUT' })
      expect((await send(app, '/api/meta', { headers: { cookie: bad } })).json()).toMatchObject({ signedIn: false })
      expect(upstream.simulator.requestCount).toBe(before)
    }
  })

  it('expires SESSION_TTL_HOURS after signing in', async () => {
    const cookie = await signedIn(app)
    clock += 12 * HOUR - 1_000
    expect((await send(app, '/api/v1/machines?limit=1&ttl=almost', { headers: { cookie } })).status).toBe(200)
    clock += 2_000
    const expired = await send(app, '/api/v1/machines?limit=1&ttl=over', { headers: { cookie } })
    expect(expired.status).toBe(401)
    expect(expired.json()).toMatchObject({ code: 'SIGNED_OUT' })
    expect((await send(app, '/api/meta', { headers: { cookie } })).json()).toEqual({ mode: 'signin', signedIn: false })
  })

  it('ends on sign out: the cookie is cleared, and signing out again is fine', async () => {
    const cookie = await signedIn(app)
    const out = await send(app, '/auth/session', { method: 'DELETE', headers: sameOrigin(app.origin, { cookie }) })
    expect(out.status).toBe(204)
    const cleared = sessionCookie(out)
    expect(cleared.cookie).toBe(`${SESSION_COOKIE}=`)
    expect(cleared.attributes).toEqual(expect.arrayContaining(['Max-Age=0', 'Path=/', 'HttpOnly', 'SameSite=Strict']))
    // A browser now sends the cleared cookie.
    const after = await send(app, '/api/v1/machines', { headers: { cookie: cleared.cookie } })
    expect(after.status).toBe(401)
    const again = await send(app, '/auth/session', { method: 'DELETE', headers: sameOrigin(app.origin) })
    expect(again.status).toBe(204)
    expect(sessionCookie(again).cookie).toBe(`${SESSION_COOKIE}=`)
    // A JSON content type with no body (as some clients send) is fine too.
    const withType = await send(app, '/auth/session', { method: 'DELETE', headers: sameOrigin(app.origin, json) })
    expect(withType.status).toBe(204)
  })

  it('cannot be ended cross-site', async () => {
    const cookie = await signedIn(app)
    const response = await send(app, '/auth/session', {
      method: 'DELETE',
      headers: { cookie, origin: 'https://evil.example', 'x-csrf': '1' },
    })
    expect(response.status).toBe(403)
    expect(response.headers).not.toHaveProperty('set-cookie')
  })

  it('is accepted by another server with the same SESSION_SECRET (replicas on one store)', async () => {
    const replica = await startSignin(upstream)
    try {
      const cookie = await signedIn(app)
      const response = await send(replica, '/api/v1/machines?limit=1&replica=1', { headers: { cookie } })
      expect(response.status).toBe(200)
      const back = await signedIn(replica)
      expect((await send(app, '/api/meta', { headers: { cookie: back } })).json()).toMatchObject({ signedIn: true })
    } finally {
      await replica.close()
    }
  })

  it('ends when Paperspace stops accepting its key: 401 SIGNED_OUT and the cookie cleared', async () => {
    const other = await startUpstream({ apiKey: 'k-other-999' })
    const replica = await startSignin(other)
    try {
      const cookie = await signedIn(app)
      // The same sealed cookie on a server whose upstream no longer takes that key, as after a revocation.
      for (const path of ['/api/v1/machines?limit=1&revoked=1', '/api/v1/machines/psm9u09bwu5i/stop']) {
        const method = path.endsWith('/stop') ? 'PATCH' : 'GET'
        const response = await send(replica, path, {
          method,
          headers: { cookie, 'x-csrf': '1', origin: replica.origin },
        })
        expect(response.status).toBe(401)
        expect(response.json()).toEqual({
          code: 'SIGNED_OUT',
          message: 'Paperspace no longer accepts this API key. Sign in again.',
        })
        expect(response.headers['set-cookie']?.join('\n')).toMatch(
          new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0|${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`),
        )
      }
    } finally {
      await replica.close()
      await other.close()
    }
  })

  it('carries its own key: two admins, two keys upstream', async () => {
    const open = await startUpstream({ apiKey: undefined })
    const server = await startSignin(open)
    try {
      const alice = await signedIn(server, 'k-alice-1')
      const bob = await signedIn(server, 'k-bob-2')
      open.seen.length = 0
      await send(server, '/api/v1/machines?limit=1', { headers: { cookie: alice } })
      await send(server, '/api/v1/machines?limit=1', { headers: { cookie: bob } })
      expect(open.seen.map((seen) => seen.headers.authorization)).toEqual(['Bearer k-alice-1', 'Bearer k-bob-2'])
      for (const text of seenByClients) {
        expect(text).not.toContain('k-alice-1')
        expect(text).not.toContain('k-bob-2')
      }
    } finally {
      await server.close()
      await open.close()
    }
  })
})

describe('the auth routes', () => {
  it('answer other methods 405 and other paths 404, as JSON with the API security headers', async () => {
    const get = await send(app, '/auth/session', { headers: { accept: 'text/html' } })
    expect(get.status).toBe(405)
    expect(get.headers.allow).toBe('POST, DELETE')
    expect(get.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' })
    const other = await send(app, '/auth/other', { headers: { accept: 'text/html' } })
    expect(other.status).toBe(404)
    expect(other.json()).toMatchObject({ code: 'NOT_FOUND' })
    for (const response of [get, other]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['content-security-policy']).toContain("default-src 'self'")
      expect(response.headers).not.toHaveProperty('x-powered-by')
      expect(response.headers).not.toHaveProperty('server')
    }
  })

  it('do not exist outside sign-in mode (404), and meta says signed in', async () => {
    const live = await startApp({ PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY })
    logs.push(live.rawLogs)
    try {
      const response = await send(live, '/auth/session', {
        method: 'POST',
        headers: sameOrigin(live.origin, json),
        body: JSON.stringify({ apiKey: TEST_KEY }),
      })
      expect(response.status).toBe(404)
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' })
      expect((await send(live, '/api/meta')).json()).toEqual({ mode: 'live', signedIn: true })
    } finally {
      await live.close()
    }
  })
})

describe('over https (a TLS-terminating proxy and TRUST_PROXY)', () => {
  let proxied: TestApp
  beforeAll(async () => {
    proxied = await startSignin(upstream, { TRUST_PROXY: '127.0.0.1' })
  })
  afterAll(() => proxied.close())

  it('marks the cookie Secure and sends HSTS when the proxy says https', async () => {
    const response = await signIn(proxied, TEST_KEY, { 'x-forwarded-proto': 'https' })
    expect(response.status).toBe(204)
    expect(sessionCookie(response).attributes).toContain('Secure')
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/)
    const out = await send(proxied, '/auth/session', {
      method: 'DELETE',
      headers: sameOrigin(proxied.origin, { 'x-forwarded-proto': 'https' }),
    })
    expect(sessionCookie(out).attributes).toContain('Secure')
  })

  it('accepts the https origin the browser sees through the proxy', async () => {
    const host = new URL(proxied.origin).host
    const response = await signIn(proxied, TEST_KEY, { origin: `https://${host}`, 'x-forwarded-proto': 'https' })
    expect(response.status).toBe(204)
  })

  it('does not mark it Secure over plain http', async () => {
    const response = await signIn(proxied, TEST_KEY)
    expect(sessionCookie(response).attributes).not.toContain('Secure')
  })

  it('ignores X-Forwarded-Proto when TRUST_PROXY is not set', async () => {
    const response = await signIn(app, TEST_KEY, { 'x-forwarded-proto': 'https' })
    expect(response.status).toBe(204)
    expect(sessionCookie(response).attributes).not.toContain('Secure')
    expect(response.headers).not.toHaveProperty('strict-transport-security')
  })
})

describe('sign-in attempts', () => {
  it('are limited per client address: the 11th in a minute answers 429 RATE_LIMITED without calling upstream', async () => {
    const limited = await startSignin(upstream)
    try {
      for (let attempt = 1; attempt <= 10; attempt++) {
        expect((await signIn(limited, `k-wrong-${attempt}`)).status).toBe(401)
      }
      expect(upstream.seen).toHaveLength(10)
      const refused = await signIn(limited, TEST_KEY)
      expect(refused.status).toBe(429)
      expect(refused.json()).toEqual({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(
          /^Too many sign-in attempts from this address\. Try again in (?:\d+ seconds?|1 minute)\.$/,
        ),
      })
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60)
      expect(refused.headers).not.toHaveProperty('set-cookie')
      expect(upstream.seen).toHaveLength(10)
      // Other routes are not limited.
      expect((await send(limited, '/api/meta')).status).toBe(200)
    } finally {
      await limited.close()
    }
  })

  it('refused by the CSRF guard do not count', async () => {
    const limited = await startSignin(upstream, { SIGN_IN_ATTEMPTS_PER_MINUTE: '1' })
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const crossSite = await send(limited, '/auth/session', {
          method: 'POST',
          headers: { ...json, origin: 'https://evil.example' },
          body: JSON.stringify({ apiKey: TEST_KEY }),
        })
        expect(crossSite.status).toBe(403)
      }
      expect((await signIn(limited, TEST_KEY)).status).toBe(204)
      expect((await signIn(limited, TEST_KEY)).status).toBe(429)
    } finally {
      await limited.close()
    }
  })
})

describe('with the upstream down', () => {
  it('answers a sign-in 502 UPSTREAM_UNREACHABLE', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const down = await startApp({
      PAPERSPACE_AUTH: 'signin',
      PAPERSPACE_API_URL: `http://127.0.0.1:${port}/v1`,
      SESSION_SECRET: SECRET,
    })
    logs.push(down.rawLogs)
    try {
      const response = await signIn(down, TEST_KEY)
      expect(response.status).toBe(502)
      expect(response.json()).toEqual({ code: 'UPSTREAM_UNREACHABLE', message: expect.any(String) })
    } finally {
      await down.close()
    }
  })
})

describe('started from the environment, against a standalone simulator (as the e2e does)', () => {
  it('warns that it made up a session secret, then signs in with the SIM_API_KEY only', async () => {
    // What `SIM_API_KEY=k-e2e-1 npm run simulator` serves.
    const simulator = createSimulator(simulatorOptionsFromEnv({ SIM_API_KEY: 'k-e2e-1' }))
    const standalone = await serveFetch((request) => simulator.fetch(request))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const signals = ['SIGINT', 'SIGTERM'] as const
    const listenersBefore = signals.map((signal) => new Set(process.listeners(signal)))
    const server = await main({
      PAPERSPACE_AUTH: 'signin',
      PAPERSPACE_API_URL: `${standalone.url}/v1`,
      PORT: '0',
      LOG_LEVEL: 'silent',
    })
    try {
      expect(warn.mock.calls.map(([line]) => String(line)).join('\n')).toMatch(
        /WARNING \*\*\* SESSION_SECRET is not set/,
      )
      const { port } = server.server.address() as AddressInfo
      const started: TestApp = {
        app: server,
        origin: `http://127.0.0.1:${port}`,
        logs: [],
        rawLogs: [],
        close: () => server.close(),
      }
      expect((await signIn(started, 'k-wrong')).status).toBe(401)
      const cookie = await signedIn(started, 'k-e2e-1')
      expect((await send(started, '/api/v1/machines?limit=1', { headers: { cookie } })).status).toBe(200)
    } finally {
      warn.mockRestore()
      // main() closes the server on these signals, as a process would; this one is closed here instead.
      signals.forEach((signal, index) => {
        for (const listener of process.listeners(signal)) {
          if (!listenersBefore[index]?.has(listener)) process.removeListener(signal, listener)
        }
      })
      await server.close()
      await standalone.close()
    }
  })
})
