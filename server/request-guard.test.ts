import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  call,
  parseRaw,
  rawCall,
  sameOrigin,
  startApp,
  startUpstream,
  TEST_KEY,
  type TestApp,
  type TestUpstream,
} from './test-support'

let upstream: TestUpstream
let app: TestApp
let machineId: string
const responses: string[] = []

beforeAll(async () => {
  upstream = await startUpstream()
  app = await startApp({ PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY })
  machineId = upstream.simulator.store.machines[0]?.id ?? ''
})
afterAll(async () => {
  await app.close()
  await upstream.close()
  expect([...responses, ...app.rawLogs].join('\n')).not.toContain(TEST_KEY)
})

const json = { 'content-type': 'application/json' }

interface Refusal {
  name: string
  method?: string
  path: string | (() => string)
  headers?: (origin: string) => Record<string, string>
  body?: string
  status: number
  code: string
  allow?: string
}

const csrf = (origin: string) => sameOrigin(origin)
const csrfJson = (origin: string) => sameOrigin(origin, json)

const refusals: Refusal[] = [
  { name: 'dot segments', path: '/api/v1/../../etc/passwd', status: 400, code: 'BAD_PATH' },
  { name: 'encoded dot segments', path: '/api/v1/%2e%2e/x', status: 400, code: 'BAD_PATH' },
  { name: 'upper-case encoded dots', path: '/api/v1/machines/%2E%2E', status: 400, code: 'BAD_PATH' },
  { name: 'mixed dot and encoded dot', path: '/api/v1/machines/.%2e/x', status: 400, code: 'BAD_PATH' },
  { name: 'protocol-relative path', path: '//evil.example/x', status: 400, code: 'BAD_PATH' },
  { name: 'doubled slash inside', path: '/api/v1//machines', status: 400, code: 'BAD_PATH' },
  { name: 'encoded slash', path: '/api/v1/machines%2fpsm1', status: 400, code: 'BAD_PATH' },
  { name: 'encoded backslash', path: '/api/v1/machines/%5c..', status: 400, code: 'BAD_PATH' },
  { name: 'encoded NUL', path: '/api/v1/machines/a%00', status: 400, code: 'BAD_PATH' },
  { name: 'encoded newline', path: '/api/v1/machines/a%0d%0aX-Injected:1', status: 400, code: 'BAD_PATH' },
  { name: 'invalid percent-encoding', path: '/api/v1/machines/%zz', status: 400, code: 'BAD_PATH' },
  { name: 'unknown operation', path: '/api/v1/machines/x/unknown', status: 404, code: 'NOT_FOUND' },
  { name: 'unknown API version', path: '/api/v2/machines', status: 404, code: 'NOT_FOUND' },
  { name: 'trailing slash', path: '/api/v1/machines/', status: 404, code: 'NOT_FOUND' },
  { name: 'unknown /api path', path: '/api/config', status: 404, code: 'NOT_FOUND' },
  { name: 'id with a space', path: '/api/v1/machines/a%20b', status: 404, code: 'NOT_FOUND' },
  { name: 'id with a dot', path: '/api/v1/machine-events/ev.1', status: 404, code: 'NOT_FOUND' },
  { name: 'id longer than 64', path: `/api/v1/machines/${'a'.repeat(65)}`, status: 404, code: 'NOT_FOUND' },
  { name: 'user id with a quote', path: "/api/v1/machines/psm1/accessors/u'1", status: 404, code: 'NOT_FOUND' },
  { name: 'TRACE', method: 'TRACE', path: '/api/v1/machines', status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'PROPFIND', method: 'PROPFIND', path: '/api/v1/machines', status: 405, code: 'METHOD_NOT_ALLOWED' },
  {
    name: 'DELETE on the list',
    method: 'DELETE',
    path: '/api/v1/machines',
    headers: csrf,
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    allow: 'GET, POST',
  },
  {
    name: 'PUT on start',
    method: 'PUT',
    path: () => `/api/v1/machines/${machineId}/start`,
    headers: csrfJson,
    body: '{}',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    allow: 'PATCH',
  },
  {
    name: 'HEAD on the list',
    method: 'HEAD',
    path: '/api/v1/machines',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    allow: 'GET, POST',
  },
  {
    name: 'OPTIONS preflight',
    method: 'OPTIONS',
    path: '/api/v1/machines',
    headers: () => ({ origin: 'https://evil.example', 'access-control-request-method': 'DELETE' }),
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
  {
    name: 'method override header does not turn POST into PATCH',
    method: 'POST',
    path: () => `/api/v1/machines/${machineId}/start`,
    headers: (origin) => sameOrigin(origin, { 'x-http-method-override': 'PATCH' }),
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
  {
    name: '70 KiB body',
    method: 'POST',
    path: '/api/v1/machines',
    headers: csrfJson,
    body: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/api/v1/machines',
    headers: csrfJson,
    body: '{bad json',
    status: 400,
    code: 'BAD_JSON',
  },
  {
    name: 'empty JSON body',
    method: 'PUT',
    path: () => `/api/v1/machines/${machineId}`,
    headers: csrfJson,
    body: '',
    status: 400,
    code: 'BAD_JSON',
  },
  {
    name: 'JSON that is not an object',
    method: 'POST',
    path: '/api/v1/machines',
    headers: csrfJson,
    body: '[1,2]',
    status: 400,
    code: 'BAD_JSON',
  },
  {
    name: 'prototype pollution',
    method: 'POST',
    path: '/api/v1/machines',
    headers: csrfJson,
    body: '{"__proto__":{"admin":true}}',
    status: 400,
    code: 'BAD_JSON',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: '/api/v1/machines',
    headers: (origin) => sameOrigin(origin, { 'content-type': 'text/plain' }),
    body: '{"name":"x"}',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'form body',
    method: 'POST',
    path: '/api/v1/machines',
    headers: (origin) => sameOrigin(origin, { 'content-type': 'application/x-www-form-urlencoded' }),
    body: 'name=x',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'content type that only mentions JSON',
    method: 'POST',
    path: '/api/v1/machines',
    headers: (origin) => sameOrigin(origin, { 'content-type': 'text/plain; application/json' }),
    body: '{bad json',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'no body at all on create',
    method: 'POST',
    path: '/api/v1/machines',
    headers: csrf,
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'missing X-CSRF',
    method: 'PATCH',
    path: () => `/api/v1/machines/${machineId}/stop`,
    headers: (origin) => ({ origin, 'sec-fetch-site': 'same-origin' }),
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'wrong X-CSRF value',
    method: 'DELETE',
    path: () => `/api/v1/machines/${machineId}`,
    headers: (origin) => ({ 'x-csrf': 'true', origin }),
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'cross-site Origin',
    method: 'PATCH',
    path: () => `/api/v1/machines/${machineId}/stop`,
    headers: () => ({ 'x-csrf': '1', origin: 'https://evil.example' }),
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'null Origin',
    method: 'PATCH',
    path: () => `/api/v1/machines/${machineId}/stop`,
    headers: () => ({ 'x-csrf': '1', origin: 'null' }),
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'Sec-Fetch-Site cross-site',
    method: 'PATCH',
    path: () => `/api/v1/machines/${machineId}/restart`,
    headers: () => ({ 'x-csrf': '1', 'sec-fetch-site': 'cross-site' }),
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'Sec-Fetch-Site same-site',
    method: 'POST',
    path: () => `/api/v1/machines/${machineId}/accessors`,
    headers: (origin) => ({ 'x-csrf': '1', origin, 'sec-fetch-site': 'same-site', ...json }),
    body: '{"userId":"u1"}',
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'a read from another site (Sec-Fetch-Site cross-site)',
    method: 'GET',
    path: '/api/v1/machines?limit=1',
    headers: () => ({ 'sec-fetch-site': 'cross-site' }),
    status: 403,
    code: 'CSRF',
  },
  {
    name: 'the audit read from a sibling site (Sec-Fetch-Site same-site)',
    method: 'GET',
    path: '/api/audit',
    headers: () => ({ 'sec-fetch-site': 'same-site' }),
    status: 403,
    code: 'CSRF',
  },
]

describe('requests refused before any upstream call', () => {
  it.each(refusals)('$name → $status $code', async (refusal) => {
    const before = upstream.simulator.requestCount
    const path = typeof refusal.path === 'function' ? refusal.path() : refusal.path
    const headers = { ...refusal.headers?.(app.origin) }
    if (refusal.body !== undefined) headers['content-length'] = String(Buffer.byteLength(refusal.body))
    const response = await call(app.origin, path, { method: refusal.method, headers, body: refusal.body })
    responses.push(JSON.stringify(response.headers), response.text)
    expect(response.status).toBe(refusal.status)
    if (refusal.method !== 'HEAD') {
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(response.json()).toEqual({ code: refusal.code, message: expect.any(String) })
    }
    if (refusal.allow) expect(response.headers.allow).toBe(refusal.allow)
    expect(response.headers).not.toHaveProperty('access-control-allow-origin')
    expect(upstream.simulator.requestCount).toBe(before)
  })

  it.each([
    ['absolute-form target', 'GET http://evil.example/api/v1/machines HTTP/1.1', 400],
    ['asterisk-form target', 'OPTIONS * HTTP/1.1', 400],
    ['raw backslash', 'GET /api/v1\\machines HTTP/1.1', 400],
    ['raw control character', 'GET /api/v1/machines\x01 HTTP/1.1', 400],
    ['unknown method', 'FOO /api/v1/machines HTTP/1.1', 400],
    ['CONNECT', 'CONNECT evil.example:443 HTTP/1.1', 405],
  ])('%s → %i JSON', async (_name, line, status) => {
    const before = upstream.simulator.requestCount
    const raw = await rawCall(app.origin, `${line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    const { status: got, body } = parseRaw(raw)
    expect(got).toBe(status)
    expect(JSON.parse(body)).toEqual({ code: expect.any(String), message: expect.any(String) })
    expect(upstream.simulator.requestCount).toBe(before)
  })
})

describe('requests that pass', () => {
  it('accepts a same-origin state change, and one without browser provenance headers (curl)', async () => {
    const id = upstream.simulator.store.machines.find((machine) => machine.state === 'ready')?.id
    const fromPage = await call(app.origin, `/api/v1/machines/${id}/stop`, {
      method: 'PATCH',
      headers: sameOrigin(app.origin),
    })
    expect(fromPage.status).toBe(200)
    const fromScript = await call(app.origin, `/api/v1/machines/${id}`, {
      method: 'PUT',
      headers: { 'x-csrf': '1', ...json },
      body: '{"name":"renamed"}',
    })
    expect(fromScript.status).not.toBe(403)
  })

  it('forwards query strings untouched, including encoded slashes in cursors', async () => {
    upstream.seen.length = 0
    await call(app.origin, '/api/v1/machines?limit=5&after=abc%2Fdef')
    expect(upstream.seen[0]?.path).toBe('/v1/machines?limit=5&after=abc%2Fdef')
  })

  it('ignores a method-override header on a GET', async () => {
    upstream.seen.length = 0
    const response = await call(app.origin, '/api/v1/machines?limit=1', {
      headers: { 'x-http-method-override': 'DELETE', 'x-method-override': 'DELETE' },
    })
    expect(response.status).toBe(200)
    expect(upstream.seen.map((seen) => seen.method)).toEqual(['GET'])
  })
})

describe('the Host a request is addressed to', () => {
  const get = (target: TestApp, host: string) =>
    rawCall(target.origin, `GET /api/meta HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`).then(parseRaw)

  it('must be a loopback name when the server listens on loopback alone (DNS rebinding)', async () => {
    const { port } = new URL(app.origin)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `127.1.2.3:${port}`, `[::1]:${port}`]) {
      expect((await get(app, host)).status, host).toBe(200)
    }
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.nip.io']) {
      const { status, body } = await get(app, host)
      expect(status, host).toBe(421)
      expect(JSON.parse(body)).toMatchObject({ code: 'BAD_HOST' })
    }
  })

  it('may be the public name when a trusted proxy is in front, or when the server listens beyond loopback', async () => {
    const env = { PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY }
    for (const extra of [{ TRUST_PROXY: '127.0.0.1' }, { HOST: '0.0.0.0' }] as Record<string, string>[]) {
      const open = await startApp({ ...env, ...extra })
      try {
        expect((await get(open, 'fleet.example.com')).status, JSON.stringify(extra)).toBe(200)
      } finally {
        await open.close()
      }
    }
  })
})
