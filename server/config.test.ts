import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { ConfigError, DEFAULT_API_URL, DEFAULT_STATIC_DIR, loadConfig, Secret, secretProblem } from './config'
import { printWarnings } from './main'

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

describe('loadConfig in sign-in mode', () => {
  const SECRET = 'MXmLrUleAmIbiJg/5+noHU/2Dm0lMMAzxgBWNkgUd+Ytq8gP'
  const signin = (env: Record<string, string> = {}) =>
    loadConfig({
      PAPERSPACE_AUTH: 'signin',
      PAPERSPACE_API_URL: 'http://127.0.0.1:4010/v1',
      SESSION_SECRET: SECRET,
      ...env,
    })

  it('proxies to the URL with no server key, sessions of 12 hours', () => {
    const config = signin()
    expect(config.upstream).toMatchObject({
      mode: 'signin',
      url: 'http://127.0.0.1:4010/v1',
      session: { ttlMs: 12 * 3_600_000, attemptsPerMinute: 10 },
    })
    expect(signin({ SIGN_IN_ATTEMPTS_PER_MINUTE: '0' }).upstream).toMatchObject({ session: { attemptsPerMinute: 0 } })
    expect(config.upstream.mode === 'signin' && config.upstream.session.secret.reveal()).toBe(SECRET)
    expect(config.trustProxy).toBe(false)
    expect(config.warnings).toEqual([])
  })

  it('goes to Paperspace itself when no URL is given', () => {
    const config = loadConfig({ PAPERSPACE_AUTH: 'signin', SESSION_SECRET: SECRET })
    expect(config.upstream).toMatchObject({ mode: 'signin', url: DEFAULT_API_URL })
  })

  it('reads SESSION_TTL_HOURS, fractions included', () => {
    expect(signin({ SESSION_TTL_HOURS: '1' }).upstream).toMatchObject({ session: { ttlMs: 3_600_000 } })
    expect(signin({ SESSION_TTL_HOURS: '0.5' }).upstream).toMatchObject({ session: { ttlMs: 1_800_000 } })
  })

  it('makes up a secret when SESSION_SECRET is missing, and says sessions end on restart', () => {
    const first = loadConfig({ PAPERSPACE_AUTH: 'signin' })
    const second = loadConfig({ PAPERSPACE_AUTH: 'signin' })
    const secretOf = (config: typeof first) =>
      config.upstream.mode === 'signin' ? config.upstream.session.secret : null
    expect(Buffer.byteLength(secretOf(first)?.reveal() ?? '')).toBeGreaterThanOrEqual(32)
    expect(secretOf(first)?.reveal()).not.toBe(secretOf(second)?.reveal())
    expect(first.warnings).toHaveLength(1)
    expect(first.warnings[0]).toMatch(/SESSION_SECRET is not set.*signed out when the server restarts/s)

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      printWarnings(first.warnings)
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/\*\*\* WARNING \*\*\* SESSION_SECRET is not set/)
    } finally {
      warn.mockRestore()
    }
  })

  it.each([
    ['short-secret-value', /must be at least 32 random bytes/],
    ['c2hvcnQtc2VjcmV0LXZhbHVl', /must be at least 32 random bytes \(it holds 18\)/],
    ['correct horse battery staple, correct horse battery staple', /a passphrase is not enough/],
    ['ab'.repeat(40), /repeated pattern/],
    ['thisisthesessionsecretofourfleetdashboardandnothingelse', /does not look random|looks like words/],
    ['THISISTHESESSIONSECRETOFOURFLEETDASHBOARDANDNOTHINGELSE', /does not look random|looks like words/],
  ])('refuses the SESSION_SECRET %j without printing it, and says how to make one', (secret, problem) => {
    const message = problemsOf({ PAPERSPACE_AUTH: 'signin', SESSION_SECRET: secret })
    expect(message).toMatch(problem)
    expect(message).toMatch(/npm run secret/)
    expect(message).not.toContain(secret)
  })

  it('accepts 32 random bytes or more written as hex, base64 or base64url', () => {
    for (const secret of [
      randomBytes(32).toString('hex'),
      randomBytes(32).toString('base64'),
      randomBytes(48).toString('base64url'),
    ]) {
      expect(secretProblem(secret)).toBeNull()
      expect(signin({ SESSION_SECRET: secret }).upstream.mode).toBe('signin')
    }
  })

  it.each([
    [{ PAPERSPACE_AUTH: 'oauth' }, /PAPERSPACE_AUTH must be one of server-key, signin/],
    [{ PAPERSPACE_AUTH: 'signin', PAPERSPACE_API_KEY: KEY, SESSION_SECRET: SECRET }, /unset PAPERSPACE_API_KEY/],
    [{ PAPERSPACE_AUTH: 'signin', SESSION_TTL_HOURS: '0' }, /SESSION_TTL_HOURS/],
    [{ PAPERSPACE_AUTH: 'signin', SIGN_IN_ATTEMPTS_PER_MINUTE: 'ten' }, /SIGN_IN_ATTEMPTS_PER_MINUTE/],
    [{ PAPERSPACE_AUTH: 'signin', SIGN_IN_ATTEMPTS_PER_MINUTE: '-1' }, /SIGN_IN_ATTEMPTS_PER_MINUTE/],
    [{ PAPERSPACE_AUTH: 'signin', SESSION_TTL_HOURS: '-1' }, /SESSION_TTL_HOURS/],
    [{ PAPERSPACE_AUTH: 'signin', SESSION_TTL_HOURS: '721' }, /SESSION_TTL_HOURS/],
    [{ PAPERSPACE_AUTH: 'signin', SESSION_TTL_HOURS: 'a day' }, /SESSION_TTL_HOURS/],
    [{ PAPERSPACE_AUTH: 'signin', PAPERSPACE_API_URL: 'ftp://x' }, /http/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.1,not-an-ip' }, /TRUST_PROXY/],
  ])('reports %o clearly', (env, message) => {
    expect(problemsOf(env)).toMatch(message)
  })

  it('never repeats a rejected server key in sign-in mode', () => {
    expect(problemsOf({ PAPERSPACE_AUTH: 'signin', PAPERSPACE_API_KEY: KEY })).not.toContain(KEY)
  })

  it('keeps the session secret out of anything printed', () => {
    const config = signin()
    expect(JSON.stringify(config)).not.toContain(SECRET)
    expect(inspect(config, { depth: 10 })).not.toContain(SECRET)
  })

  it('warns when served beyond loopback without TRUST_PROXY, not with it', () => {
    expect(signin({ HOST: '0.0.0.0' }).warnings.join('\n')).toMatch(/HOST is 0\.0\.0\.0.*TRUST_PROXY/s)
    expect(signin({ HOST: '0.0.0.0', TRUST_PROXY: 'true' }).warnings).toEqual([])
  })

  it('still defaults to the server key, and says so when the URL comes without one', () => {
    expect(loadConfig({ PAPERSPACE_AUTH: 'server-key', PAPERSPACE_API_KEY: KEY }).upstream.mode).toBe('live')
    expect(problemsOf({ PAPERSPACE_API_URL: 'https://api.paperspace.com/v1' })).toMatch(/PAPERSPACE_AUTH=signin/)
  })
})

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
    ['YES', true],
    ['127.0.0.1', '127.0.0.1'],
    ['10.0.0.0/8, ::1 ,fd00::/8', '10.0.0.0/8,::1,fd00::/8'],
  ])('reads %s as %s', (raw, expected) => {
    expect(loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }).trustProxy).toEqual(expected)
  })
})
