/** Starting the real server for a benchmark as users start it (`npm run serve`), on a free loopback port. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { print } from './report'

export const ROOT = resolve(import.meta.dirname, '..', '..')

/** A port nothing listens on right now: the system picks it for a throwaway listener on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolvePort(port))
    })
  })
}

/**
 * The built app to serve: STATIC_DIR when set (used as it is), else dist/, built first when there is no build yet
 * (a fresh clone after `npm ci`).
 */
export function ensureBuilt(): string {
  const chosen = process.env.STATIC_DIR?.trim()
  if (chosen) return resolve(chosen)
  const staticDir = join(ROOT, 'dist')
  if (existsSync(join(staticDir, 'index.html'))) return staticDir
  print(`No build in ${staticDir}: running npm run build`)
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('npm run build failed')
  return staticDir
}

/** Resident memory of a process, in bytes, from /proc (Linux); undefined where that is not readable. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match?.[1] ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  pid: number | undefined
  rss(): number | undefined
  stop(): Promise<void>
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}) while starting:\n${output()}`)
    try {
      const response = await fetch(`${url}/api/meta`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 100))
  }
  throw new Error(`The server did not answer /api/meta within ${timeoutMs} ms:\n${output()}`)
}

/** The process ids below `pid` (children, grandchildren...), from /proc (Linux); empty where that is not readable. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>()
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        // `pid (comm) state ppid ...`: comm may contain spaces and parentheses, so split after its last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        parents.set(Number(entry), ppid)
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return []
  }
  const found: number[] = []
  const below = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue
      found.push(child)
      below(child)
    }
  }
  below(pid)
  return found
}

/** The server's own process among those `npm run serve` started: the one running server/run.mjs. */
function serverPidBelow(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  return descendantsOf(pid).find((candidate) => {
    try {
      const argv = readFileSync(`/proc/${candidate}/cmdline`, 'utf8').split('\0')
      return argv[0]?.endsWith('node') && argv.some((arg) => arg.endsWith(join('server', 'run.mjs')))
    } catch {
      return false
    }
  })
}

/**
 * Runs the server exactly as users do, `npm run serve` (the prebuilt server bundle, with the V8 flags of that
 * script), with the given environment on top of demo-mode defaults: no key, no upstream URL, log level warn.
 * `pid` and `rss()` are those of the server's own process, not npm's.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort()
  const child = spawn('npm', ['run', '--silent', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PAPERSPACE_API_KEY: '',
      PAPERSPACE_API_URL: '',
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stopping it reaches npm, the shell and the server alike.
    detached: true,
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const url = `http://127.0.0.1:${port}`
  let serverPid: number | undefined
  const signalAll = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    // One signal for the whole group, as Ctrl-C would: the server takes a second one as "exit at once".
    signalAll('SIGTERM')
    const killer = setTimeout(() => signalAll('SIGKILL'), 5_000)
    await exited
    clearTimeout(killer)
  }
  try {
    await waitUntilUp(url, child, () => log, timeoutMs)
  } catch (error) {
    await stop()
    throw error
  }
  serverPid = serverPidBelow(child.pid)
  return { url, pid: serverPid, rss: () => rssOf(serverPid), stop }
}

/** One of the processes of `bench/support/endpoints.ts`, running until `stop()`. */
export async function startEndpoint(
  kind: 'upstream' | 'plain',
  args: string[],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'support', 'endpoints.ts'), kind, ...args],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const port = await new Promise<number>((resolvePort, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`${kind} did not start within 30 s:\n${errors}`)), 30_000)
    child.stdout?.on('data', function first(chunk: Buffer) {
      output += chunk.toString()
      const line = output.split('\n')[0]
      if (line === undefined || !output.includes('\n')) return
      child.stdout?.off('data', first)
      child.stdout?.resume()
      clearTimeout(timer)
      resolvePort((JSON.parse(line) as { port: number }).port)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${kind} exited (${code}) while starting:\n${errors}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    rss: () => rssOf(child.pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(killer)
    },
  }
}
