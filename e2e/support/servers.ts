/**
 * Extra processes for specs that need more than the configured demo server: the standalone simulator and the server
 * in live (server-key) or sign-in mode in front of it, each on its own port, started as a user would and stopped by
 * their process id.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestInfo } from '@playwright/test'

const ROOT = resolve(import.meta.dirname, '..', '..')

/** The built app the servers serve: the same folder the configured server serves. */
export const STATIC_DIR = resolve(ROOT, process.env.E2E_STATIC_DIR ?? 'dist')

/** A session secret for this run only: 48 random bytes, as `npm run secret` makes them. */
export const SESSION_SECRET = randomBytes(48).toString('base64')

/** A key the simulator accepts, different on every run, so finding it anywhere means it leaked. */
export function makeApiKey(): string {
  return `psk-e2e-${crypto.randomUUID().replaceAll('-', '')}`
}

/**
 * Ports from `base`, one block per Playwright project (contract, live), so the two never collide. The servers of
 * these specs use 8300–8399.
 */
export function portsFrom(base: number, testInfo: TestInfo): (offset: number) => number {
  const block = testInfo.project.name === 'live' ? 50 : 0
  return (offset) => base + block + offset
}

/** The simulator answers in the project's dialect: the contract's, or the live service's. */
export function dialectOf(testInfo: TestInfo): 'contract' | 'live' {
  return testInfo.project.name === 'live' ? 'live' : 'contract'
}

export interface Running {
  readonly port: number
  /** http://127.0.0.1:<port> */
  readonly origin: string
  stop(): Promise<void>
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string, init?: RequestInit) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode}).\n${output()}`)
    try {
      const response = await fetch(url, init)
      await response.body?.cancel()
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 200))
  }
  throw new Error(`${url} did not answer within a minute.\n${output()}`)
}

function start(script: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  // Its own process group, so stopping it stops tsx's workers too.
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  return { child, output: () => stderr }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), name)
      } catch {
        // Already gone.
      }
    }
    signal('SIGTERM')
    const timer = setTimeout(() => signal('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
}

/** The standalone simulator (`npm run simulator`), accepting only `apiKey`. */
export async function startSimulator(options: {
  port: number
  apiKey: string
  dialect?: 'contract' | 'live'
}): Promise<Running> {
  const { child, output } = start('server/simulator/main.ts', {
    SIM_PORT: String(options.port),
    SIM_HOST: '127.0.0.1',
    SIM_API_KEY: options.apiKey,
    SIM_SEED: '11',
    SIM_SPEED: '30',
    SIM_DIALECT: options.dialect ?? 'contract',
    // Random 429s of the live dialect are the unit tests' business; here they would only make the specs flaky.
    SIM_LIVE_429_RATE: '0',
    SIM_FAULTS: '',
  })
  const origin = `http://127.0.0.1:${options.port}`
  const stop = stopper(child)
  try {
    await waitUntilAnswering(`${origin}/v1/machines?limit=1`, child, output, {
      headers: { Authorization: `Bearer ${options.apiKey}` },
    })
  } catch (error) {
    await stop()
    throw error
  }
  return { port: options.port, origin, stop }
}

/** The app's server over the built app, in live mode with a server key, or in sign-in mode. */
export async function startServer(
  options: { port: number; upstream: string } & ({ mode: 'server-key'; apiKey: string } | { mode: 'signin' }),
): Promise<Running> {
  const { child, output } = start('server/main.ts', {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    STATIC_DIR,
    PAPERSPACE_API_URL: `${options.upstream}/v1`,
    // A store of its own (SQLite in a temporary folder), as a fresh install would have.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'fleet-e2e-')),
    ...(options.mode === 'signin'
      ? { PAPERSPACE_AUTH: 'signin', PAPERSPACE_API_KEY: '', SESSION_SECRET }
      : { PAPERSPACE_AUTH: 'server-key', PAPERSPACE_API_KEY: options.apiKey }),
  })
  const origin = `http://127.0.0.1:${options.port}`
  const stop = stopper(child)
  try {
    await waitUntilAnswering(`${origin}/api/meta`, child, output)
  } catch (error) {
    await stop()
    throw error
  }
  return { port: options.port, origin, stop }
}
