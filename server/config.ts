import { resolve } from 'node:path'
import { inspect } from 'node:util'
import { type SimulatorOptions, simulatorOptionsFromEnv } from './simulator/simulator'

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

/** Where the API calls go: Paperspace itself (or anything that speaks its API), or the in-process simulator. */
export type Upstream = { mode: 'live'; url: string; apiKey: Secret } | { mode: 'demo'; simulator: SimulatorOptions }

export interface Config {
  port: number
  host: string
  upstream: Upstream
  upstreamTimeoutMs: number
  /** Built SPA to serve; `null` serves the API only (development, where Vite serves the app). */
  staticDir: string | null
  logLevel: LogLevel
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

  const logLevelRaw = read('LOG_LEVEL') ?? 'info'
  const logLevel = LOG_LEVELS.find((level) => level === logLevelRaw.toLowerCase())
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}").`)

  const staticDirRaw = read('STATIC_DIR')
  const staticDir = staticDirRaw === undefined ? DEFAULT_STATIC_DIR : resolve(staticDirRaw)

  const apiKey = read('PAPERSPACE_API_KEY')
  const apiUrlRaw = read('PAPERSPACE_API_URL')
  let upstream: Upstream | undefined
  if (apiKey === undefined && apiUrlRaw === undefined) {
    try {
      upstream = { mode: 'demo', simulator: simulatorOptionsFromEnv(env) }
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error))
    }
  } else if (apiKey === undefined) {
    problems.push('PAPERSPACE_API_URL is set but PAPERSPACE_API_KEY is not: a key is needed to call the API.')
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
          'port can act on your Paperspace machines through it. Put it behind authentication or use HOST=127.0.0.1.',
      )
    }
  }

  if (problems.length > 0 || !upstream || !logLevel) throw new ConfigError(problems)
  return { port, host, upstream, upstreamTimeoutMs, staticDir, logLevel, warnings }
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
