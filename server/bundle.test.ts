import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServerBundle, bundleStaleReason } from './bundle'
import { DEFAULT_STATIC_DIR } from './config'

const root = resolve(import.meta.dirname, '..')
// Under node_modules, like the real one, so that the bundle's packages resolve.
const cache = join(root, 'node_modules', '.cache')
let dir: string
let bundle: string

beforeAll(async () => {
  mkdirSync(cache, { recursive: true })
  dir = mkdtempSync(join(cache, 'server-bundle-test-'))
  bundle = join(dir, 'server.mjs')
  await buildServerBundle(bundle)
}, 60_000)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('the server bundle', () => {
  it('runs the server as server/main.ts does, with the source folders its files expect', async () => {
    const bundled = (await import(pathToFileURL(bundle).href)) as typeof import('./main')
    expect(typeof bundled.runMain).toBe('function')
    // config.ts finds dist/ from its own folder: the bundle must point it at server/, not at itself.
    expect(bundled.loadConfigOrExit({}).staticDir).toBe(DEFAULT_STATIC_DIR)
    expect(DEFAULT_STATIC_DIR).toBe(join(root, 'dist'))
  })

  it('is up to date right after a build, and lists its project inputs only', () => {
    expect(bundleStaleReason(bundle)).toBeUndefined()
    const inputs = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8')) as string[]
    expect(inputs).toContain('server/main.ts')
    expect(inputs).toContain('openapi/catalog.json')
    expect(inputs.some((input) => input.includes('node_modules'))).toBe(false)
  })

  it('is stale when missing, older than an input, or when an input is gone', () => {
    expect(bundleStaleReason(join(dir, 'missing.mjs'))).toBe('no server bundle found')

    const inputsFile = `${bundle}.inputs.json`
    const inputs = readFileSync(inputsFile, 'utf8')
    const builtAt = new Date()
    try {
      writeFileSync(inputsFile, JSON.stringify(['server/main.ts', 'server/no-such-module.ts']))
      utimesSync(bundle, builtAt, builtAt)
      expect(bundleStaleReason(bundle)).toBe('server/no-such-module.ts is gone since the last build')

      writeFileSync(inputsFile, inputs)
      const longAgo = new Date('2000-01-01T00:00:00Z')
      utimesSync(bundle, longAgo, longAgo)
      expect(bundleStaleReason(bundle)).toMatch(/ changed since the last build$/)

      writeFileSync(inputsFile, '{ not json')
      utimesSync(bundle, builtAt, builtAt)
      expect(bundleStaleReason(bundle)).toBe('the list of the server bundle inputs is unreadable')
    } finally {
      writeFileSync(inputsFile, inputs)
      utimesSync(bundle, builtAt, builtAt)
    }
  })
})
