import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_API_URL, DEFAULT_STATIC_DIR, loadConfig, Secret } from './config'

const KEY = 'k-secret-value-42'

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a configuration error')
}

describe('loadConfig', () => {
  it('defaults to demo mode on 127.0.0.1:8080 serving dist/', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      upstreamTimeoutMs: 15_000,
      staticDir: DEFAULT_STATIC_DIR,
      logLevel: 'info',
      warnings: [],
    })
    expect(config.upstream.mode).toBe('demo')
    expect(DEFAULT_STATIC_DIR).toMatch(/dist$/)
  })

  it('passes SIM_* settings to the demo simulator, treating empty values as unset', () => {
    const config = loadConfig({ SIM_SEED: '7', SIM_MACHINES: '60', PAPERSPACE_API_KEY: '', PAPERSPACE_API_URL: ' ' })
    expect(config.upstream).toMatchObject({ mode: 'demo', simulator: { seed: 7, machines: 60 } })
  })

  it('goes live against Paperspace with just a key', () => {
    const config = loadConfig({ PAPERSPACE_API_KEY: KEY })
    expect(config.upstream).toMatchObject({ mode: 'live', url: DEFAULT_API_URL })
  })

  it('normalises the API URL', () => {
    const config = loadConfig({ PAPERSPACE_API_KEY: KEY, PAPERSPACE_API_URL: 'http://127.0.0.1:9000/v1/' })
    expect(config.upstream).toMatchObject({ mode: 'live', url: 'http://127.0.0.1:9000/v1' })
    expect(config.warnings).toEqual([])
  })

  it('refuses a URL without a key, saying a key is needed', () => {
    expect(problemsOf({ PAPERSPACE_API_URL: 'https://api.paperspace.com/v1' })).toMatch(/key is needed/)
  })

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, /UPSTREAM_TIMEOUT_MS/],
    [{ UPSTREAM_TIMEOUT_MS: '1.5' }, /UPSTREAM_TIMEOUT_MS/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SIM_MACHINES: 'many' }, /SIM_MACHINES/],
    [{ PAPERSPACE_API_KEY: KEY, PAPERSPACE_API_URL: 'ftp://example.com' }, /http/],
    [{ PAPERSPACE_API_KEY: KEY, PAPERSPACE_API_URL: 'not a url' }, /absolute/],
    [{ PAPERSPACE_API_KEY: KEY, PAPERSPACE_API_URL: 'https://user:pw@api.example.com/v1' }, /credentials/],
    [{ PAPERSPACE_API_KEY: 'two words' }, /PAPERSPACE_API_KEY/],
  ])('reports %o clearly', (env, message) => {
    expect(problemsOf(env)).toMatch(message)
  })

  it('reports every problem at once', () => {
    const message = problemsOf({ PORT: 'x', LOG_LEVEL: 'y' })
    expect(message).toMatch(/PORT/)
    expect(message).toMatch(/LOG_LEVEL/)
  })

  it('never repeats the key in an error', () => {
    const message = problemsOf({ PAPERSPACE_API_KEY: `${KEY} x`, PORT: 'x' })
    expect(message).not.toContain(KEY)
  })

  it('warns loudly when a key is served beyond loopback', () => {
    const config = loadConfig({ PAPERSPACE_API_KEY: KEY, HOST: '0.0.0.0' })
    expect(config.warnings.join('\n')).toMatch(/0\.0\.0\.0.*PAPERSPACE_API_KEY/s)
    expect(loadConfig({ PAPERSPACE_API_KEY: KEY, HOST: 'localhost' }).warnings).toEqual([])
    expect(loadConfig({ HOST: '0.0.0.0' }).warnings).toEqual([])
  })

  it('warns when the key would travel over plain http to another host', () => {
    const config = loadConfig({ PAPERSPACE_API_KEY: KEY, PAPERSPACE_API_URL: 'http://api.example.com/v1' })
    expect(config.warnings.join('\n')).toMatch(/plain http/)
  })

  it('keeps the key out of anything printed', () => {
    const config = loadConfig({ PAPERSPACE_API_KEY: KEY })
    expect(JSON.stringify(config)).not.toContain(KEY)
    expect(inspect(config, { depth: 10 })).not.toContain(KEY)
    expect(String(new Secret(KEY))).not.toContain(KEY)
    expect(config.upstream.mode === 'live' && config.upstream.apiKey.reveal()).toBe(KEY)
  })
})
