/**
 * `npm run bench:lighthouse`: Lighthouse (desktop preset) on /machines, served by our server in demo mode from the
 * built app, with Debian's Chromium (CHROME_PATH, else CHROMIUM_PATH, else /usr/bin/chromium) and the launch flags
 * of the end-to-end tests. Prints the performance, accessibility and best-practices scores, the failed audits of
 * each, and the main timings.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import config from '../playwright.config'
import { formatMs, heading, print, printTable, verdict } from './support/report'
import { ensureBuilt, ROOT, startServer } from './support/server'

const TARGETS: Record<string, number> = { performance: 98, accessibility: 100, 'best-practices': 100 }
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
]

interface LighthouseResult {
  lighthouseVersion: string
  categories: Record<string, { title: string; score: number | null; auditRefs: { id: string; weight: number }[] }>
  audits: Record<string, { title: string; score: number | null; scoreDisplayMode: string; numericValue?: number }>
  runtimeError?: { code: string; message: string }
}

function runLighthouse(url: string, chromePath: string): Promise<LighthouseResult> {
  const flags = [...(config.use?.launchOptions?.args ?? []), '--headless=new']
  const args = [
    join(ROOT, 'node_modules', 'lighthouse', 'cli', 'index.js'),
    url,
    '--preset=desktop',
    `--only-categories=${Object.keys(TARGETS).join(',')}`,
    '--output=json',
    '--output-path=stdout',
    '--quiet',
    `--chrome-flags=${flags.join(' ')}`,
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, CHROME_PATH: chromePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-4000)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`lighthouse exited ${code}:\n${err}`))
      try {
        resolve(JSON.parse(out) as LighthouseResult)
      } catch {
        reject(new Error(`lighthouse printed no JSON report:\n${err}`))
      }
    })
  })
}

async function main(): Promise<void> {
  const staticDir = ensureBuilt()
  const chromePath =
    process.env.CHROME_PATH ??
    config.use?.launchOptions?.executablePath ??
    process.env.CHROMIUM_PATH ??
    '/usr/bin/chromium'
  const server = await startServer({ SIM_SEED: '7', STATIC_DIR: staticDir })
  try {
    print(`Lighthouse (desktop) on ${server.url}/machines with ${chromePath}…`)
    const result = await runLighthouse(`${server.url}/machines`, chromePath)
    if (result.runtimeError) throw new Error(`${result.runtimeError.code}: ${result.runtimeError.message}`)
    heading(`Lighthouse ${result.lighthouseVersion}, desktop, /machines`)
    printTable(
      ['category', 'score', 'target', 'verdict'],
      Object.entries(TARGETS).map(([id, target]) => {
        const score = result.categories[id]?.score
        const value = score === null || score === undefined ? undefined : Math.round(score * 100)
        return [
          result.categories[id]?.title ?? id,
          value === undefined ? 'n/a' : String(value),
          `≥ ${target}`,
          verdict(value, target, true),
        ]
      }),
    )
    print('')
    printTable(
      ['metric', 'value', 'score'],
      METRICS.map((id) => {
        const audit = result.audits[id]
        const value = audit?.numericValue
        return [
          audit?.title ?? id,
          id === 'cumulative-layout-shift' ? (value?.toFixed(3) ?? 'n/a') : formatMs(value),
          audit?.score === null || audit?.score === undefined ? 'n/a' : String(Math.round(audit.score * 100)),
        ]
      }),
    )
    for (const id of Object.keys(TARGETS)) {
      const failing = (result.categories[id]?.auditRefs ?? [])
        .map((ref) => ({ ref, audit: result.audits[ref.id] }))
        .filter(
          ({ audit }) =>
            audit &&
            audit.score !== null &&
            audit.score < 1 &&
            audit.scoreDisplayMode !== 'informative' &&
            audit.scoreDisplayMode !== 'manual' &&
            audit.scoreDisplayMode !== 'notApplicable',
        )
      for (const { ref, audit } of failing) {
        print(`  ${id}: ${audit?.title} (score ${Math.round((audit?.score ?? 0) * 100)}, weight ${ref.weight})`)
      }
    }
  } finally {
    await server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})
