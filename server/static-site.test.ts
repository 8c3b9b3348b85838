import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_HEADERS } from './security-headers'
import { call, startApp, startUpstream, TEST_KEY, type TestApp, type TestUpstream } from './test-support'

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-3f2a1b.js"></script></head></html>'
const BIG = `export const rows = [${'"row",'.repeat(2_000)}]\n`
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

const EXPECTED_CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';" +
  "font-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self'"

let staticDir: string
let upstream: TestUpstream
let app: TestApp
const seen: string[] = []

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'fleet-static-'))
  mkdirSync(join(staticDir, 'assets'))
  writeFileSync(join(staticDir, 'index.html'), INDEX)
  writeFileSync(join(staticDir, 'assets', 'app-3f2a1b.js'), 'console.log("app")\n')
  // As the build writes them (vite.config.ts) for larger files.
  writeFileSync(join(staticDir, 'assets', 'big-9c8d7e.js'), BIG)
  writeFileSync(join(staticDir, 'assets', 'big-9c8d7e.js.br'), brotliCompressSync(BIG))
  writeFileSync(join(staticDir, 'assets', 'big-9c8d7e.js.gz'), gzipSync(BIG))
  writeFileSync(join(staticDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(staticDir, '.env'), `PAPERSPACE_API_KEY=${TEST_KEY}`)
  upstream = await startUpstream()
  app = await startApp({ STATIC_DIR: staticDir, PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY })
})
afterAll(async () => {
  await app.close()
  await upstream.close()
  rmSync(staticDir, { recursive: true, force: true })
  expect([...seen, ...app.rawLogs].join('\n')).not.toContain(TEST_KEY)
})

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await call(app.origin, path, { headers })
  seen.push(JSON.stringify(response.headers), response.text)
  return response
}

describe('the built SPA', () => {
  it('serves index.html at / with no-cache', async () => {
    const response = await get('/', html)
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.headers['cache-control']).toBe('no-cache')
    expect(response.text).toBe(INDEX)
  })

  it.each(['/machines/psm9u09bwu5i', '/events', '/machines/psm9u09bwu5i/settings?tab=access'])(
    'serves index.html for the deep link %s',
    async (path) => {
      const response = await get(path, html)
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.headers['cache-control']).toBe('no-cache')
      expect(response.text).toBe(INDEX)
    },
  )

  it('serves hashed assets as immutable for a year', async () => {
    const response = await get('/assets/app-3f2a1b.js')
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/javascript/)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it.each([
    ['br, gzip', 'br', brotliCompressSync(BIG).length],
    ['gzip, deflate', 'gzip', gzipSync(BIG).length],
    ['identity', undefined, BIG.length],
  ])('sends the file compressed at build time to a client that accepts %s', async (accepted, encoding, length) => {
    const response = await get('/assets/big-9c8d7e.js', { 'accept-encoding': accepted })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/javascript/)
    expect(response.headers['content-encoding']).toBe(encoding)
    expect(response.headers.vary).toMatch(/accept-encoding/i)
    expect(Number(response.headers['content-length'])).toBe(length)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    if (encoding === undefined) expect(response.text).toBe(BIG)
  })

  it('revalidates other files', async () => {
    const response = await get('/favicon.svg')
    expect(response.status).toBe(200)
    expect(response.headers['cache-control']).toBe('no-cache')
  })

  it('answers 404, not index.html, for a missing asset even when HTML is accepted', async () => {
    const response = await get('/assets/missing-123.js', html)
    expect(response.status).toBe(404)
    expect(response.text).not.toContain('<html')
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('serves a deep link to a client that accepts anything or says nothing', async () => {
    for (const headers of [{ accept: '*/*' }, {}] as Record<string, string>[]) {
      const response = await get('/machines/psm9u09bwu5i', headers)
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
    }
  })

  it('answers 404, not index.html, for a missing file-like path', async () => {
    const response = await get('/robots.txt', html)
    expect(response.status).toBe(404)
  })

  it('answers 404 for a missing file that is not a navigation', async () => {
    const response = await get('/robots.txt', { accept: 'text/plain' })
    expect(response.status).toBe(404)
  })

  it('does not serve dotfiles', async () => {
    const response = await get('/.env', html)
    expect(response.text).not.toContain('PAPERSPACE_API_KEY')
  })

  it('does not fall back to index.html under /api', async () => {
    const response = await get('/api/nothing-here', html)
    expect(response.status).toBe(404)
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('answers other methods on pages with a JSON 404', async () => {
    const response = await call(app.origin, '/machines/psm9u09bwu5i', { method: 'POST', headers: html })
    expect(response.status).toBe(404)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
  })
})

describe('security headers', () => {
  it.each(['/', '/assets/app-3f2a1b.js', '/api/meta', '/api/v1/machines?limit=1', '/api/v1/nope'])(
    'are on %s',
    async (path) => {
      const response = await get(path, html)
      const headers = response.headers
      expect(headers['content-security-policy']).toBe(EXPECTED_CSP)
      expect(headers['x-content-type-options']).toBe('nosniff')
      expect(headers['referrer-policy']).toBe('no-referrer')
      expect(headers['cross-origin-opener-policy']).toBe('same-origin')
      expect(headers['cross-origin-resource-policy']).toBe('same-origin')
      expect(headers['permissions-policy']).toMatch(/camera=\(\)/)
      expect(headers['x-frame-options']).toBe('DENY')
      // Plain http here: no HSTS, which would pin browsers to an https that does not exist.
      expect(headers).not.toHaveProperty('strict-transport-security')
      expect(headers).not.toHaveProperty('x-powered-by')
      expect(headers).not.toHaveProperty('server')
      expect(headers).not.toHaveProperty('access-control-allow-origin')
      if (path.startsWith('/api/')) expect(headers['cache-control']).toBe('no-store')
    },
  )
})

describe('the API and refusals', () => {
  it('carry the same policy as the pages, from the constant the guard sets', async () => {
    const page = await get('/', html)
    for (const path of ['/api/meta', '/api/v1/nope', '//evil.example/x', '/x%zz']) {
      const response = await get(path)
      for (const [name, value] of Object.entries(API_HEADERS)) {
        expect(response.headers[name], `${path} ${name}`).toBe(value)
        if (name !== 'cache-control') expect(page.headers[name], `/ ${name}`).toBe(value)
      }
    }
  })
})

describe('without a build', () => {
  let bare: TestApp
  beforeAll(async () => {
    bare = await startApp({
      STATIC_DIR: join(staticDir, 'not-built'),
      PAPERSPACE_API_URL: upstream.url,
      PAPERSPACE_API_KEY: TEST_KEY,
    })
  })
  afterAll(() => bare.close())

  it('answers / with a plain 503 that says how to build', async () => {
    const response = await call(bare.origin, '/', { headers: html })
    expect(response.status).toBe(503)
    expect(response.headers['content-type']).toMatch(/^text\/plain/)
    expect(response.text).toContain('npm run build')
    const deepLink = await call(bare.origin, '/events', { headers: html })
    expect(deepLink.status).toBe(503)
  })

  it('still serves the API', async () => {
    const response = await call(bare.origin, '/api/v1/machines?limit=1')
    expect(response.status).toBe(200)
  })
})
