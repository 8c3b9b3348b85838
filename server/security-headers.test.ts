// The browser-facing policy (OWASP HTTP headers cheat sheet) on every kind of answer the server gives: pages, the
// API, sign-in, refusals by the guard, and answers written before Fastify sees the request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_HEADERS } from './security-headers'
import {
  type CallOptions,
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

const html = { accept: 'text/html' }
let staticDir: string
let upstream: TestUpstream
let app: TestApp

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'fleet-headers-'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><script type="module" src="/assets/a.js"></script>')
  upstream = await startUpstream()
  app = await startApp({
    STATIC_DIR: staticDir,
    PAPERSPACE_AUTH: 'signin',
    PAPERSPACE_API_URL: upstream.url,
    SESSION_SECRET: 'q032d38SSBFfXK//g7A3OgHORcCywwikPGTp5R46rnfUK3tF',
    TRUST_PROXY: '127.0.0.1',
  })
})
afterAll(async () => {
  await app.close()
  await upstream.close()
  rmSync(staticDir, { recursive: true, force: true })
})

/** Every kind of answer, as a browser would get it. */
const ANSWERS: [string, string, CallOptions?][] = [
  ['the app page', '/', { headers: html }],
  ['a deep link', '/machines/psm123', { headers: html }],
  ['a missing asset', '/assets/missing.js'],
  ['/api/meta', '/api/meta'],
  ['a signed-out API call', '/api/v1/machines'],
  ['an unknown API path', '/api/v2/x'],
  ['a wrong method', '/api/v1/machines', { method: 'DELETE', headers: { 'x-csrf': '1' } }],
  ['a CSRF refusal', '/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
  ['a refused path', '/api/v1/%2e%2e/x'],
  [
    'a refused sign-in',
    '/auth/session',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"apiKey":"k-wrong"}' },
  ],
  ['a sign-out', '/auth/session', { method: 'DELETE', headers: {} }],
]

function expectPolicy(headers: Record<string, string | string[] | undefined>, what: string): void {
  const csp = String(headers['content-security-policy'])
  expect(csp, what).toContain("script-src 'self'")
  expect(csp, what).not.toContain('unsafe-inline')
  expect(csp, what).not.toContain('unsafe-eval')
  expect(csp, what).toContain("frame-ancestors 'none'")
  expect(csp, what).toContain("object-src 'none'")
  expect(csp, what).toContain("base-uri 'none'")
  expect(headers['x-content-type-options'], what).toBe('nosniff')
  expect(headers['x-frame-options'], what).toBe('DENY')
  expect(headers['referrer-policy'], what).toBe('no-referrer')
  expect(headers['permissions-policy'], what).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/)
  expect(headers['cross-origin-opener-policy'], what).toBe('same-origin')
  expect(headers['cross-origin-resource-policy'], what).toBe('same-origin')
  expect(headers['cross-origin-embedder-policy'], what).toBe('require-corp')
  expect(headers['x-permitted-cross-domain-policies'], what).toBe('none')
  expect(headers['x-xss-protection'], what).toBe('0')
  for (const name of ['x-powered-by', 'server', 'access-control-allow-origin', 'access-control-allow-credentials']) {
    expect(headers, `${what}: ${name}`).not.toHaveProperty(name)
  }
}

describe('security headers', () => {
  it.each(ANSWERS)('are on %s', async (what, path, options = {}) => {
    const headers = { ...sameOrigin(app.origin), ...options.headers }
    if (what === 'a CSRF refusal') delete (headers as Record<string, string>)['x-csrf']
    const response = await call(app.origin, path, { ...options, headers })
    expectPolicy(response.headers, `${what} (${response.status})`)
    expect(response.headers, what).not.toHaveProperty('strict-transport-security')
    if (response.headers['content-type']?.startsWith('application/json')) {
      expect(response.headers['cache-control'], what).toBe('no-store')
    }
  })

  it('are on answers written before the framework sees the request', async () => {
    for (const head of [
      'GET /api/v1/machines HTTP/1.1\r\nHost: x\r\nX-A: b\nX-B: c\r\n\r\n',
      'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n',
    ]) {
      const { status, head: responseHead } = parseRaw(await rawCall(app.origin, head))
      expect(status).toBeGreaterThanOrEqual(400)
      const headers = Object.fromEntries(
        responseHead
          .split('\r\n')
          .slice(1)
          .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      )
      expectPolicy(headers, head.split(' ')[0] ?? '')
    }
  })

  it('are the same for pages (from helmet) and for the API (the constant)', async () => {
    const page = await call(app.origin, '/', { headers: html })
    const fromHelmet = Object.keys(page.headers).filter(
      (name) =>
        !['accept-ranges', 'last-modified', 'etag', 'content-type', 'content-length', 'date', 'vary'].includes(name),
    )
    for (const name of fromHelmet.filter((candidate) => !['cache-control', 'connection'].includes(candidate))) {
      expect(API_HEADERS[name], name).toBe(page.headers[name])
    }
  })

  it('add HSTS only when the request came over https through the trusted proxy', async () => {
    for (const path of ['/', '/api/meta']) {
      const response = await call(app.origin, path, { headers: { ...html, 'x-forwarded-proto': 'https' } })
      expect(response.headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains')
    }
  })
})

describe('CORS', () => {
  it('is never granted to another origin: no preflight answer, no Allow-Origin on reads', async () => {
    const preflight = await call(app.origin, '/api/v1/machines', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'x-csrf',
      },
    })
    expect(preflight.status).toBe(405)
    const read = await call(app.origin, '/api/meta', { headers: { origin: 'https://evil.example' } })
    for (const response of [preflight, read]) {
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([])
    }
  })
})

describe('sign-in answers', () => {
  it('never carry the key back', async () => {
    const response = await call(app.origin, '/auth/session', {
      method: 'POST',
      headers: sameOrigin(app.origin, { 'content-type': 'application/json' }),
      body: JSON.stringify({ apiKey: TEST_KEY }),
    })
    expect(response.status).toBe(204)
    expect(JSON.stringify(response.headers) + response.text).not.toContain(TEST_KEY)
  })
})
