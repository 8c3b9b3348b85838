import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { inspect } from 'node:util'
import { type SimulatorOptions, simulatorOptionsFromEnv } from './simulator/simulator'
import { type StoreLocation, storeLocationFrom } from './store/open'

/**
 * Holds the Paperspace key. It only gives its value to `reveal()`; printing, logging or serialising
 * it shows `[redacted]`, so an accidental `log(config)` cannot leak it.
 */
export class Secret {
  readonly #value: string
  constructor(value: string) {
    this.#value = value
  }
  reveal(): string {
    return this.#value
  }
  toString(): string {
    return '[redacted]'
  }
  toJSON(): string {
    return '[redacted]'
  }
  [inspect.custom](): string {
    return '[redacted]'
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export const DEFAULT_API_URL = 'https://api.paperspace.com/v1'
export const DEFAULT_SESSION_TTL_HOURS = 12
/** Sign-in attempts per client address and minute (SIGN_IN_ATTEMPTS_PER_MINUTE); 0 turns the limit off. */
export const DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE = 10
/** Bytes of a SESSION_SECRET, at least; the cookie key is derived from it (session.ts). */
export const MIN_SESSION_SECRET_BYTES = 32
const MAX_SESSION_TTL_HOURS = 720
export const DEFAULT_AUDIT_RETENTION_DAYS = 365
const AUTH_MODES = ['server-key', 'signin'] as const

/**
 * Signed-in sessions: the secret that seals their cookies, how long one lasts after signing in, and how many
 * sign-in attempts a client address may make per minute (0: no limit).
 */
export interface SessionConfig {
  secret: Secret
  ttlMs: number
  attemptsPerMinute: number
}

/**
 * Where the API calls go and with which key: Paperspace (or anything that speaks its API) with the server's key
 * (`live`), Paperspace with the key each admin signed in with (`signin`), or the in-process simulator (`demo`).
 */
export type Upstream =
  | { mode: 'live'; url: string; apiKey: Secret }
  | { mode: 'signin'; url: string; session: SessionConfig }
  | { mode: 'demo'; simulator: SimulatorOptions }

/**
 * Whom to believe about the client's address and scheme (`X-Forwarded-Proto` decides whether cookies are
 * Secure): nobody, any peer (`true`), or peers at these addresses / CIDR ranges (Fastify's `trustProxy`).
 */
export type TrustProxy = boolean | string

export interface Config {
  port: number
  host: string
  upstream: Upstream
  upstreamTimeoutMs: number
  /** How long a successful upstream read is reused for identical reads with the same key; 0 turns that off. */
  upstreamCacheMs: number
  trustProxy: TrustProxy
  /** Built SPA to serve; `null` serves the API only (development, where Vite serves the app). */
  staticDir: string | null
  logLevel: LogLevel
  /** The server's memory: audit, sessions (DATABASE_URL, DATA_DIR). */
  store: StoreLocation
  /** Audit entries older than this are pruned (AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number
  /**
   * A header set by a trusted SSO proxy (oauth2-proxy's X-Forwarded-Email, say) that names the person behind it
   * (TRUSTED_USER_HEADER, with TRUST_PROXY); lower case. Null when unset.
   */
  trustedUserHeader: string | null
  /** Problems that do not stop the server but must be shown loudly at startup. */
  warnings: string[]
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** The project's `dist/` folder, wherever the server is started from. */
export const DEFAULT_STATIC_DIR = resolve(import.meta.dirname, '..', 'dist')

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]'])
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(?:\.\d{1,3}){3}$/.test(host)
}

type Env = Record<string, string | undefined>

/** Reads the environment once; every invalid value is reported together, values of secrets never are. */
export function loadConfig(env: Env): Config {
  const problems: string[] = []
  const warnings: string[] = []
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}").`)
      return fallback
    }
    return value
  }

  const port = integer('PORT', 8080, 0, 65535)
  const host = read('HOST') ?? '127.0.0.1'
  const upstreamTimeoutMs = integer('UPSTREAM_TIMEOUT_MS', 15_000, 1, 600_000)
  const upstreamCacheMs = integer('UPSTREAM_CACHE_MS', 1_000, 0, 60_000)

  const logLevelRaw = read('LOG_LEVEL') ?? 'info'
  const logLevel = LOG_LEVELS.find((level) => level === logLevelRaw.toLowerCase())
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}").`)

  const staticDirRaw = read('STATIC_DIR')
  const staticDir = staticDirRaw === undefined ? DEFAULT_STATIC_DIR : resolve(staticDirRaw)

  const trustProxy = parseTrustProxy(read('TRUST_PROXY'), problems)

  const authRaw = read('PAPERSPACE_AUTH') ?? 'server-key'
  const auth = AUTH_MODES.find((mode) => mode === authRaw.toLowerCase())
  if (!auth) problems.push(`PAPERSPACE_AUTH must be one of ${AUTH_MODES.join(', ')} (got "${authRaw}").`)

  const apiKey = read('PAPERSPACE_API_KEY')
  const apiUrlRaw = read('PAPERSPACE_API_URL')
  let upstream: Upstream | undefined
  if (auth === 'signin') {
    if (apiKey !== undefined) {
      problems.push(
        'PAPERSPACE_AUTH=signin uses the key each admin signs in with: unset PAPERSPACE_API_KEY (no server key).',
      )
    }
    const attempts = integer('SIGN_IN_ATTEMPTS_PER_MINUTE', DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE, 0, 100_000)
    const session = parseSession(read, problems, warnings, attempts)
    const url = parseApiUrl(apiUrlRaw ?? DEFAULT_API_URL, problems)
    if (url && session) {
      upstream = { mode: 'signin', url, session }
      if (url.startsWith('http:') && !isLoopback(new URL(url).hostname)) {
        warnings.push('PAPERSPACE_API_URL uses plain http: the API keys travel unencrypted.')
      }
    }
    if (!isLoopback(host) && trustProxy === false) {
      warnings.push(
        `HOST is ${host} and TRUST_PROXY is not set: unless a TLS-terminating proxy is in front (then set ` +
          'TRUST_PROXY), admins send their API keys and session cookies over plain http.',
      )
    }
  } else if (auth === undefined) {
    // Reported above; the rest of the upstream settings depend on it.
  } else if (apiKey === undefined && apiUrlRaw === undefined) {
    try {
      upstream = { mode: 'demo', simulator: simulatorOptionsFromEnv(env) }
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error))
    }
  } else if (apiKey === undefined) {
    problems.push(
      'PAPERSPACE_API_URL is set but PAPERSPACE_API_KEY is not: a key is needed to call the API ' +
        '(or set PAPERSPACE_AUTH=signin to let each admin sign in with their own key).',
    )
  } else {
    // The key goes into a header: refuse anything that could split or corrupt it. Never echo it.
    if (!/^[\x21-\x7e]+$/.test(apiKey)) {
      problems.push('PAPERSPACE_API_KEY must be printable ASCII without spaces.')
    }
    const url = parseApiUrl(apiUrlRaw ?? DEFAULT_API_URL, problems)
    if (url) {
      upstream = { mode: 'live', url, apiKey: new Secret(apiKey) }
      if (url.startsWith('http:') && !isLoopback(new URL(url).hostname)) {
        warnings.push('PAPERSPACE_API_URL uses plain http: the API key travels unencrypted.')
      }
    }
    if (!isLoopback(host)) {
      warnings.push(
        `HOST is ${host}, not a loopback address, and PAPERSPACE_API_KEY is set: anyone who can reach this ` +
          'port can act on your Paperspace machines through it. Put it behind authentication, use ' +
          'PAPERSPACE_AUTH=signin, or use HOST=127.0.0.1.',
      )
    }
  }

  const auditRetentionDays = integer('AUDIT_RETENTION_DAYS', DEFAULT_AUDIT_RETENTION_DAYS, 1, 36_500)
  const store = parseStore(read, problems, upstream?.mode === 'demo')
  const trustedUserHeader = read('TRUSTED_USER_HEADER')?.toLowerCase() ?? null
  if (trustedUserHeader !== null) {
    if (!/^[a-z0-9-]{1,100}$/.test(trustedUserHeader)) {
      problems.push(`TRUSTED_USER_HEADER must be a header name such as X-Forwarded-Email (got "${trustedUserHeader}").`)
    } else if (trustProxy === false) {
      problems.push(
        'TRUSTED_USER_HEADER is set but TRUST_PROXY is not: a header naming the person is only believed from a ' +
          'trusted proxy. Set TRUST_PROXY to the SSO proxy (true, or its addresses).',
      )
    } else if (auth === 'signin') {
      warnings.push(
        'TRUSTED_USER_HEADER is ignored in sign-in mode: each admin is known by the key they signed in with.',
      )
    }
  }

  if (problems.length > 0 || !upstream || !logLevel || !store) throw new ConfigError(problems)
  return {
    port,
    host,
    upstream,
    upstreamTimeoutMs,
    upstreamCacheMs,
    trustProxy,
    staticDir,
    logLevel,
    store,
    auditRetentionDays,
    trustedUserHeader: auth === 'signin' ? null : trustedUserHeader,
    warnings,
  }
}

/** SESSION_SECRET (made up for this run when missing, with a warning) and SESSION_TTL_HOURS. */
function parseSession(
  read: (name: string) => string | undefined,
  problems: string[],
  warnings: string[],
  attemptsPerMinute: number,
): SessionConfig | undefined {
  const ttlRaw = read('SESSION_TTL_HOURS')
  let ttlHours = DEFAULT_SESSION_TTL_HOURS
  if (ttlRaw !== undefined) {
    ttlHours = Number(ttlRaw)
    if (!/^\d+(?:\.\d+)?$/.test(ttlRaw) || !(ttlHours > 0 && ttlHours <= MAX_SESSION_TTL_HOURS)) {
      problems.push(
        `SESSION_TTL_HOURS must be a number of hours above 0 and at most ${MAX_SESSION_TTL_HOURS}, such as 12 or 0.5 ` +
          `(got "${ttlRaw}").`,
      )
      return undefined
    }
  }
  const ttlMs = Math.round(ttlHours * 3_600_000)

  const secret = read('SESSION_SECRET')
  if (secret === undefined) {
    warnings.push(
      'SESSION_SECRET is not set: made one up for this run. Everyone is signed out when the server restarts, ' +
        "and replicas do not accept each other's sessions. Set SESSION_SECRET (e.g. `openssl rand -base64 48`).",
    )
    return { secret: new Secret(randomBytes(MIN_SESSION_SECRET_BYTES).toString('base64url')), ttlMs, attemptsPerMinute }
  }
  // Only what is wrong with it is reported, never the value.
  const problem = secretProblem(secret)
  if (problem !== null) {
    problems.push(`SESSION_SECRET ${problem}; make one with \`npm run secret\` (or \`openssl rand -base64 48\`).`)
    return undefined
  }
  return { secret: new Secret(secret), ttlMs, attemptsPerMinute }
}

/**
 * Why a SESSION_SECRET is not fit to seal sessions, or null. It must be at least 32 random bytes written as hex or
 * base64: a passphrase, a short value or a repeated pattern is refused. Randomness is judged from the text itself
 * (how many different characters, how evenly used, no repeating period, not all in one case), with thresholds that
 * random output clears by a wide margin: of 400,000 random 32-byte secrets the least even carried 4.14 bits a
 * character in base64 (3.9 needed) and 3.33 in hex (3.0 needed). A mixed-case passphrase can still pass: the
 * README says to use `npm run secret`.
 */
export function secretProblem(secret: string): string | null {
  const hex = /^[0-9a-fA-F]+$/.test(secret)
  const base64 = !hex && /^[A-Za-z0-9+/_-]+={0,2}$/.test(secret)
  if (!hex && !base64) return 'must be random bytes written as hex or base64 (a passphrase is not enough)'
  const bytes = hex ? Math.floor(secret.length / 2) : Math.floor((secret.replace(/=+$/, '').length * 6) / 8)
  if (bytes < MIN_SESSION_SECRET_BYTES) {
    return `must be at least ${MIN_SESSION_SECRET_BYTES} random bytes (it holds ${bytes})`
  }
  const text = secret.replace(/=+$/, '')
  for (let period = 1; period <= text.length / 2; period++) {
    if (text.slice(period) === text.slice(0, text.length - period)) return 'is a repeated pattern, not random bytes'
  }
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length)
  if (bits < (hex ? 3 : 3.9)) return 'does not look random (too few different characters, or too unevenly used)'
  // Random base64 is about 40% lower case, 40% upper case and 20% digits and signs; text in one case is words.
  if (!hex) {
    const share = (pattern: RegExp) => (text.match(pattern)?.length ?? 0) / text.length
    if (Math.max(share(/[a-z]/g), share(/[A-Z]/g), share(/[^A-Za-z]/g)) > 0.9) {
      return 'looks like words, not random bytes'
    }
  }
  return null
}

/** DATABASE_URL (PostgreSQL) or DATA_DIR (SQLite); undefined when invalid (reported in `problems`). */
function parseStore(
  read: (name: string) => string | undefined,
  problems: string[],
  demo: boolean,
): StoreLocation | undefined {
  const databaseUrl = read('DATABASE_URL')
  if (databaseUrl !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(databaseUrl)
    } catch {
      // Reported below.
    }
    if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
      // Never echoed: it may hold a password.
      problems.push('DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/fleet.')
      return undefined
    }
  }
  return storeLocationFrom({ databaseUrl, dataDir: read('DATA_DIR'), demo })
}

/** `true`/`1`/`yes`, `false`/`0`/`no`, or a comma-separated list of IP addresses and CIDR ranges. */
function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  if (raw === undefined) return false
  const lower = raw.toLowerCase()
  if (['true', '1', 'yes'].includes(lower)) return true
  if (['false', '0', 'no'].includes(lower)) return false
  const entries = raw.split(',').map((entry) => entry.trim())
  const valid = entries.every((entry) => {
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    if (family === 0 || rest.length > 0) return false
    if (prefix === undefined) return true
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
  })
  if (!valid) {
    problems.push(
      `TRUST_PROXY must be true, false, or a comma-separated list of proxy addresses or CIDR ranges such as ` +
        `10.0.0.0/8 (got "${raw}").`,
    )
    return false
  }
  return entries.join(',')
}

/** Accepts an absolute http(s) URL without credentials, query or fragment; returns it without a trailing slash. */
function parseApiUrl(raw: string, problems: string[]): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    problems.push('PAPERSPACE_API_URL must be an absolute http(s) URL such as https://api.paperspace.com/v1.')
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push('PAPERSPACE_API_URL must start with http:// or https://.')
  } else if (url.username || url.password) {
    problems.push('PAPERSPACE_API_URL must not contain credentials; put the key in PAPERSPACE_API_KEY.')
  } else if (url.search || url.hash) {
    problems.push('PAPERSPACE_API_URL must not have a query string or fragment.')
  } else {
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  }
  return undefined
}
