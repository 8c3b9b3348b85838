// A thousand random requests (fast-check, fixed seed), sent as raw bytes to the real server in both key modes.
// Whatever is generated: no answer is a 5xx (the upstream is healthy, so a 5xx would be the server's own), the key
// never appears in an answer, and a request reaches the upstream only if it is one the server should forward: an
// allowlisted operation with valid ids, a valid credential, and for state changes the CSRF header from this origin.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ID_PATTERN, operations } from './operations'
import {
  call,
  parseResponses,
  rawCall,
  rawRequest,
  sameOrigin,
  startApp,
  startUpstream,
  TEST_KEY,
  type TestApp,
  type TestUpstream,
} from './test-support'

const RUNS = 1_000
const SEED = 20_261_128

type Session = 'none' | 'valid' | 'tampered'

interface Generated {
  signin: boolean
  session: Session
  method: string
  path: string
  query: string | null
  host: 'own' | 'rebound'
  csrf: string | null
  origin: 'own' | 'own-https' | 'evil' | 'null' | null
  fetchSite: string | null
  contentType: string | null
  extraHeaders: [string, string][]
  body: string | null
  /** Content-Length larger than the body (the client then stops sending). */
  shortBody: boolean
}

let ids: { id: string; offId: string; userId: string; eventId: string }

const SEGMENT_NOISE = [
  '..',
  '.',
  '%2e%2e',
  '%2E',
  '%2f',
  '%5c',
  '\\',
  '%00',
  '%0d%0a',
  '%zz',
  '%',
  '@evil.example',
  '#frag',
  ';x=1',
  '%252e',
  'é',
  '%C3%A9',
  '~',
  '*',
  ' ',
  '',
]

const idArbitrary = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('ID', 'OFF') },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/) },
    { weight: 2, arbitrary: fc.constantFrom(...SEGMENT_NOISE) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((text) => encodeURIComponent(text)) },
  )

const pathArbitrary: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          '/machines',
          '/machines/{id}',
          '/machines/{id}/start',
          '/machines/{id}/stop',
          '/machines/{id}/restart',
          '/machines/{id}/accessors',
          '/machines/{id}/accessors/{userId}',
          '/machines/{id}/desktop',
          '/machine-events',
          '/machine-events/{eventId}',
          '/machine-availability',
          '/machines/{id}/unknown',
          '/teams',
        ),
        idArbitrary(),
      )
      .map(([pattern, id]) => `/api/v1${pattern.replace(/\{\w+\}/g, id)}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('/api/meta', '/auth/session', '/auth/other', '/', '/machines/x', '/assets/a.js'),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom('api', 'v1', 'machines', 'auth', 'session', ...SEGMENT_NOISE), idArbitrary()), {
        minLength: 1,
        maxLength: 6,
      })
      .map((segments) => `/${segments.join('/')}`),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }) },
)

const queryArbitrary = fc.option(
  fc.oneof(
    fc.constantFrom(
      'limit=1',
      'limit=2&order=asc',
      'machineId=ID',
      'after=abc%2Fdef',
      'x=@evil.example',
      '_method=DELETE',
    ),
    fc
      .array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 10 })), { maxLength: 3 })
      .map((pairs) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')),
    fc.string({ unit: 'binary-ascii', maxLength: 12 }),
  ),
  { freq: 2 },
)

const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 10 }) },
)

const extraHeadersArbitrary = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constantFrom(
        'X-HTTP-Method-Override',
        'X-Method-Override',
        'Authorization',
        'Proxy-Authorization',
        'X-Forwarded-For',
        'X-Forwarded-Host',
        'X-Forwarded-Proto',
        'Forwarded',
        'Accept',
        'Accept-Encoding',
        'Content-Encoding',
        'Keep-Alive',
        'TE',
        'Upgrade',
        'Referer',
      ),
      fc.oneof(
        fc.constantFrom('DELETE', 'PATCH', 'Bearer k-attacker', 'evil.example', 'https', 'gzip', '*/*'),
        headerValue,
      ),
    ),
    fc.tuple(fc.stringMatching(/^X-R-[A-Za-z0-9-]{1,12}$/), headerValue),
  ),
  { maxLength: 4 },
)

const bodyArbitrary = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: fc.constantFrom(`{"apiKey":"${TEST_KEY}"}`, '{"apiKey":"k-wrong"}', '{"apiKey":""}') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
        JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
        '{"name":"fuzz","machineType":"C5","region":"ny2","templateId":"t0nspur5"}',
        '{"userId":"USER"}',
      ),
    },
  ),
  { freq: 2 },
)

/** Anything at all: most of these are refused somewhere along the way. */
const hostileArbitrary: fc.Arbitrary<Generated> = fc.record({
  signin: fc.boolean(),
  session: fc.constantFrom<Session>('valid', 'valid', 'valid', 'none', 'tampered'),
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
    { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'CONNECT', 'get', 'FOO') },
  ),
  path: pathArbitrary,
  query: queryArbitrary,
  host: fc.constantFrom<'own' | 'rebound'>('own', 'own', 'own', 'own', 'own', 'own', 'own', 'own', 'own', 'rebound'),
  csrf: fc.option(fc.oneof({ weight: 5, arbitrary: fc.constant('1') }, { weight: 1, arbitrary: headerValue }), {
    freq: 4,
  }),
  origin: fc.constantFrom<Generated['origin']>('own', 'own', 'own-https', 'evil', 'null', null, null),
  fetchSite: fc.constantFrom('same-origin', 'same-origin', 'none', 'same-site', 'cross-site', 'garbage', null, null),
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ),
    { freq: 4 },
  ),
  extraHeaders: extraHeadersArbitrary,
  body: bodyArbitrary,
  shortBody: fc.integer({ min: 0, max: 19 }).map((value) => value === 0),
})

/** A contract operation called about right, with a few things off: many of these are forwarded. */
const plausibleArbitrary: fc.Arbitrary<Generated> = fc
  .record({
    operation: fc.constantFrom(...operations),
    id: fc.constantFrom('ID', 'OFF', 'ID', 'psmdoesnotexist'),
    signin: fc.boolean(),
    session: fc.constantFrom<Session>('valid', 'valid', 'valid', 'valid', 'tampered'),
    query: queryArbitrary,
    origin: fc.constantFrom<Generated['origin']>('own', 'own-https', null),
    fetchSite: fc.constantFrom('same-origin', 'none', null),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    extraHeaders: extraHeadersArbitrary,
    body: fc.oneof(
      fc.constantFrom(
        '{"name":"fuzz","machineType":"C5","region":"ny2","templateId":"t0nspur5"}',
        '{"name":"renamed"}',
        '{"userId":"USER"}',
        '{}',
      ),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })).map((value) => JSON.stringify(value)),
    ),
  })
  .map(
    ({ operation, id, body, contentType, ...rest }): Generated => ({
      ...rest,
      method: operation.method,
      path: `/api/v1${operation.pattern.replace('{userId}', 'USER').replace(/\{\w+\}/g, id)}`,
      host: 'own',
      csrf: '1',
      contentType: operation.hasBody ? contentType : null,
      body: operation.hasBody ? body : null,
      shortBody: false,
    }),
  )

/** Sign-ins, right and wrong. */
const signInArbitrary: fc.Arbitrary<Generated> = fc.record({
  signin: fc.constantFrom(true, true, true, false),
  session: fc.constantFrom<Session>('none', 'valid', 'tampered'),
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'DELETE', 'PUT'),
  path: fc.constant('/auth/session'),
  query: fc.constant(null),
  host: fc.constantFrom<'own' | 'rebound'>('own', 'own', 'own', 'own', 'own', 'rebound'),
  csrf: fc.constantFrom('1', '1', '1', '1', '1', null),
  origin: fc.constantFrom<Generated['origin']>('own', 'own', 'own-https', null, 'evil'),
  fetchSite: fc.constantFrom('same-origin', 'same-origin', null, 'cross-site'),
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', null),
  extraHeaders: fc.oneof(fc.constant<[string, string][]>([]), extraHeadersArbitrary),
  body: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(`{"apiKey":"${TEST_KEY}"}`, '{"apiKey":"k-wrong"}') },
    { weight: 1, arbitrary: fc.constantFrom('{"apiKey":" "}', '{}', '[]', null) },
    {
      weight: 2,
      arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 600 }).map((apiKey) => JSON.stringify({ apiKey })),
    },
  ),
  shortBody: fc.constant(false),
})

const generatedArbitrary = fc.oneof(
  { weight: 6, arbitrary: hostileArbitrary },
  { weight: 4, arbitrary: plausibleArbitrary },
  { weight: 2, arbitrary: signInArbitrary },
)

const INDEX = '<!doctype html><title>Fleet</title>'
let upstream: TestUpstream
let staticDir: string
let keyed: TestApp
let signin: TestApp
let validCookie: string
let upstreamHeaderNames: Set<string>
const stats = { runs: 0, forwarded: 0, signIns: 0, refused: 0 }

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'fleet-random-'))
  writeFileSync(join(staticDir, 'index.html'), INDEX)
  upstream = await startUpstream()
  const common = { STATIC_DIR: staticDir, UPSTREAM_CACHE_MS: '0' }
  keyed = await startApp({ ...common, PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY })
  signin = await startApp({
    ...common,
    PAPERSPACE_AUTH: 'signin',
    PAPERSPACE_API_URL: upstream.url,
    SESSION_SECRET: '5mMRJj/3GDKq8KgHPN3dr558J2GHUV07Lm3RHgzg6lqPjRIl',
    // Every crafted sign-in is checked on its own; the attempt limit has its own tests (session.test.ts).
    SIGN_IN_ATTEMPTS_PER_MINUTE: '0',
  })
  validCookie = await signIn()
  const machines = upstream.simulator.store.machines
  const ready = machines.find((machine) => machine.state === 'ready')
  const off = machines.find((machine) => machine.state === 'off')
  const user = upstream.simulator.store.users.find(
    (candidate) => candidate.id !== upstream.simulator.store.currentUserId,
  )
  const event = upstream.simulator.store.events[0]
  if (!validCookie || !ready?.id || !off?.id || !user || !event?.id) throw new Error('setup failed')
  ids = { id: ready.id, offId: off.id, userId: user.id, eventId: event.id }
  upstream.seen.length = 0
  await call(keyed.origin, '/api/v1/machines?limit=1')
  upstreamHeaderNames = new Set([...Object.keys(upstream.seen[0]?.headers ?? {}), 'content-type', 'content-length'])
})

afterAll(async () => {
  await keyed.close()
  await signin.close()
  await upstream.close()
  rmSync(staticDir, { recursive: true, force: true })
})

/** A fresh session cookie (`name=value`) for the test key. */
async function signIn(): Promise<string> {
  const signedIn = await call(signin.origin, '/auth/session', {
    method: 'POST',
    headers: sameOrigin(signin.origin, { 'content-type': 'application/json' }),
    body: JSON.stringify({ apiKey: TEST_KEY }),
  })
  return signedIn.headers['set-cookie']?.[0]?.split(';')[0] ?? ''
}

/** Placeholders in generated text become the seeded fleet's real ids. */
function withIds(text: string): string {
  return text
    .replace(/\bID\b/g, ids.id)
    .replace(/\bOFF\b/g, ids.offId)
    .replace(/\bUSER\b/g, ids.userId)
}

/** The contract operation a method and raw path name, as the router sees it (segments decoded), or undefined. */
function operationOf(method: string, rawPath: string): (typeof operations)[number] | undefined {
  if (!rawPath.startsWith('/api/v1/')) return undefined
  let segments: string[]
  try {
    segments = rawPath.slice('/api/v1'.length).split('/').slice(1).map(decodeURIComponent)
  } catch {
    return undefined
  }
  return operations.find((operation) => {
    if (operation.method !== method) return false
    const parts = operation.pattern.split('/').slice(1)
    return (
      parts.length === segments.length &&
      parts.every((part, index) => {
        const segment = segments[index] ?? ''
        return part.startsWith('{') ? ID_PATTERN.test(segment) : part === segment
      })
    )
  })
}

/** Names of the headers a generated request carries that the upstream must not see from the client. */
function sentHeaderNames(generated: Generated): Set<string> {
  const names = generated.extraHeaders.map(([name]) => name.toLowerCase())
  if (generated.csrf !== null) names.push('x-csrf')
  if (generated.origin !== null) names.push('origin')
  if (generated.fetchSite !== null) names.push('sec-fetch-site')
  if (generated.signin && generated.session !== 'none') names.push('cookie')
  // The proxy sets these itself.
  for (const own of ['authorization', 'accept', 'accept-encoding', 'content-type', 'content-length', 'host']) {
    names.splice(0, names.length, ...names.filter((name) => name !== own))
  }
  return new Set(names)
}

function csrfPasses(generated: Generated): boolean {
  return (
    generated.csrf === '1' &&
    (generated.origin === null || generated.origin === 'own' || generated.origin === 'own-https') &&
    (generated.fetchSite === null || generated.fetchSite === 'same-origin' || generated.fetchSite === 'none')
  )
}

async function exchange(generated: Generated) {
  const app = generated.signin ? signin : keyed
  const { host: ownHost } = new URL(app.origin)
  const host = generated.host === 'own' ? ownHost : 'evil.example'
  const headers: [string, string][] = []
  if (generated.csrf !== null) headers.push(['X-CSRF', generated.csrf])
  const origins = { own: app.origin, 'own-https': `https://${ownHost}`, evil: 'https://evil.example', null: 'null' }
  if (generated.origin !== null) headers.push(['Origin', origins[generated.origin]])
  if (generated.fetchSite !== null) headers.push(['Sec-Fetch-Site', generated.fetchSite])
  if (generated.contentType !== null) headers.push(['Content-Type', generated.contentType])
  if (generated.signin && generated.session !== 'none') {
    const cookie =
      generated.session === 'valid' ? validCookie : validCookie.replace(/=(.)/, (_m, c) => `=${c === 'A' ? 'B' : 'A'}`)
    headers.push(['Cookie', cookie])
  }
  headers.push(...generated.extraHeaders)
  const path = withIds(generated.path)
  const query = generated.query === null ? null : withIds(generated.query)
  const target = query === null ? path : `${path}?${query}`
  const body = generated.body === null ? undefined : withIds(generated.body)
  const length = body === undefined ? undefined : Buffer.byteLength(body) + (generated.shortBody ? 10 : 0)
  const bytes = rawRequest(host, { method: generated.method, target, headers, body, contentLength: length })
  const before = upstream.seen.length
  const text = await rawCall(app.origin, bytes, { halfClose: generated.shortBody, idleMs: 1_000 })
  return { text, calls: upstream.seen.slice(before), path, query, body, host }
}

describe('random requests', () => {
  it(`never crash, leak or forward what they should not (${RUNS} runs, seed ${SEED})`, {
    timeout: 60_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(generatedArbitrary, async (generated) => {
        stats.runs++
        const { text, calls, path, query, body, host } = await exchange(generated)
        const { statuses } = parseResponses(text)
        for (const status of statuses) expect(status).toBeLessThan(500)
        expect(text).not.toContain(TEST_KEY)
        expect(calls.length).toBeLessThanOrEqual(1)
        const [seen] = calls
        if (seen === undefined) {
          stats.refused++
          return
        }
        // Reaching the upstream takes this origin's Host and, for any change, the CSRF rules.
        expect(host).not.toBe('evil.example')
        // Nothing the client sent is passed on (Authorization is replaced, checked below).
        const passedOn = [...sentHeaderNames(generated)].filter((name) => name in seen.headers)
        expect(passedOn).toEqual([])
        if (seen.path === '/v1/machines?limit=1' && generated.signin && path === '/auth/session') {
          // The sign-in check: the key it sends is the one the request body carried.
          stats.signIns++
          expect(generated.method).toBe('POST')
          expect(csrfPasses(generated)).toBe(true)
          const apiKey = (JSON.parse(body ?? '') as { apiKey?: unknown }).apiKey
          expect(seen.headers.authorization).toBe(`Bearer ${apiKey}`)
          return
        }
        stats.forwarded++
        expect(Object.keys(seen.headers).filter((name) => !upstreamHeaderNames.has(name))).toEqual([])
        const operation = operationOf(generated.method, path)
        expect(operation, `${generated.method} ${path}`).toBeDefined()
        expect(seen.method).toBe(generated.method)
        // Compared as the upstream's URL parser sees it, which is how `seen.path` was recorded.
        const sent = new URL(
          `/v1${path.slice('/api/v1'.length)}${query === null ? '' : `?${query}`}`,
          'http://upstream',
        )
        expect(seen.path).toBe(sent.pathname + sent.search)
        expect(seen.headers.authorization).toBe(`Bearer ${TEST_KEY}`)
        if (generated.signin) expect(generated.session).toBe('valid')
        if (generated.method !== 'GET') expect(csrfPasses(generated)).toBe(true)
        if (operation?.hasBody) {
          expect(generated.contentType).toMatch(/json/)
          expect(typeof JSON.parse(seen.body)).toBe('object')
        } else {
          expect(seen.body).toBe('')
        }
      }),
      { numRuns: RUNS, seed: SEED },
    )
    // The generator reaches both sides of the line, often.
    expect(stats.forwarded).toBeGreaterThan(RUNS / 10)
    expect(stats.refused).toBeGreaterThan(RUNS / 4)
    expect(stats.signIns).toBeGreaterThan(10)
    // And the server is still fine.
    for (const app of [keyed, signin]) {
      expect((await call(app.origin, '/api/meta')).status).toBe(200)
      expect(app.logs.filter((line) => Number(line.level) >= 50)).toEqual([])
      expect(app.rawLogs.join('\n')).not.toContain(TEST_KEY)
    }
  })

  it('forwards a plain, valid read with a valid credential', async () => {
    for (const app of [keyed, signin]) {
      // A new session: the random requests above may have signed the first one out.
      const cookie = app === signin ? await signIn() : ''
      const before = upstream.simulator.requestCount
      // The list: the random requests above may have deleted any one machine.
      const response = await call(app.origin, '/api/v1/machines?limit=1', { headers: cookie ? { cookie } : {} })
      expect(response.status).toBe(200)
      expect(upstream.simulator.requestCount).toBe(before + 1)
    }
  })
})
