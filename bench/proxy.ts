/**
 * `npm run bench:proxy`: our server's proxy beside its peers, on loopback, in one run. One fixed JSON upstream
 * (about 5 kB, the same bytes every time) is reached directly, through nginx as a token-adding reverse proxy,
 * through a plain @fastify/http-proxy and through our server (as `npm run serve` runs it, live mode against that
 * upstream), with its default short answer cache and with the cache off.
 * Each runs in its own process; autocannon (20 connections) loads them in alternating rounds, twice:
 *   1. distinct URLs (`?limit=…&after=<n>` changes with every request) from an upstream that answers at once;
 *   2. one URL, repeated, from an upstream that answers after 50 ms.
 *
 *   npm run bench:proxy                         3 rounds × 5 s per target and scenario (about 3 min)
 *   npm run bench:proxy -- --rounds 1 --seconds 2
 */
import autocannon, { type AutocannonResult } from 'autocannon'
import { findNginx, startNginx } from './support/nginx'
import { formatMs, heading, print, printTable, ratio } from './support/report'
import { type RunningServer, startEndpoint, startServer } from './support/server'

const CONNECTIONS = 20
const KEY = 'bench-key-not-secret'

function numberArgument(name: string, fallback: number, max: number): number {
  const index = process.argv.indexOf(name)
  if (index === -1) return fallback
  const value = Number(process.argv[index + 1])
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer 1..${max}`)
  return value
}

interface Scenario {
  title: string
  delayMs: number
  /** The request path for the n-th request, under /api/v1 (the direct target drops the /api prefix). */
  path: (n: number) => string
}

const SCENARIOS: Scenario[] = [
  {
    title: 'distinct URLs, upstream answers at once',
    delayMs: 0,
    path: (n) => `/api/v1/machines?limit=${1 + (n % 120)}&after=${n}`,
  },
  { title: 'one URL repeated, upstream answers after 50 ms', delayMs: 50, path: () => '/api/v1/machines?limit=120' },
]

interface Target {
  name: string
  server: RunningServer
  /** Requests to it go to this prefix instead of /api. */
  direct?: boolean
}

async function load(target: Target, scenario: Scenario, seconds: number): Promise<AutocannonResult> {
  let n = 0
  return autocannon({
    url: target.server.url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const path = scenario.path(n++)
          return { ...request, path: target.direct ? path.replace(/^\/api/, '') : path }
        },
      },
    ],
  })
}

interface Totals {
  requests: number
  seconds: number
  p50: number[]
  p99: number[]
  failures: number
  perRound: number[]
}

async function runScenario(scenario: Scenario, rounds: number, seconds: number, nginxBinary: string | undefined) {
  const upstream = await startEndpoint('upstream', [String(scenario.delayMs)])
  const targets: Target[] = [{ name: 'direct (no proxy)', server: upstream, direct: true }]
  try {
    if (nginxBinary) targets.push({ name: 'nginx', server: await startNginx(nginxBinary, upstream.url, KEY) })
    targets.push({ name: '@fastify/http-proxy', server: await startEndpoint('plain', [upstream.url, KEY]) })
    // Our server as users run it (`npm run serve`), in live mode against the upstream with the bench's key.
    const live = { PAPERSPACE_API_URL: `${upstream.url}/v1`, PAPERSPACE_API_KEY: KEY }
    targets.push({ name: 'our server', server: await startServer(live) })
    // The same server without its short answer cache (identical reads in flight are still shared).
    targets.push({ name: 'our server, cache off', server: await startServer({ ...live, UPSTREAM_CACHE_MS: '0' }) })

    // Every target answers 200 with the upstream's bytes before it is measured.
    for (const target of targets) {
      const path = scenario.path(0)
      const response = await fetch(target.server.url + (target.direct ? path.replace(/^\/api/, '') : path))
      const body = await response.text()
      if (response.status !== 200 || !body.startsWith('{"items":')) {
        throw new Error(`${target.name} answered ${response.status}: ${body.slice(0, 200)}`)
      }
    }
    // A short warm-up each (JIT, connection pools), not counted.
    for (const target of targets) await load(target, scenario, 1)

    const totals = new Map<string, Totals>(
      targets.map((t) => [t.name, { requests: 0, seconds: 0, p50: [], p99: [], failures: 0, perRound: [] }]),
    )
    for (let round = 1; round <= rounds; round++) {
      // Alternate the order, so no target always runs first or last.
      const order = round % 2 === 1 ? targets : [...targets].reverse()
      for (const target of order) {
        const result = await load(target, scenario, seconds)
        const total = totals.get(target.name)
        if (!total) continue
        total.requests += result['2xx']
        total.seconds += result.duration
        total.p50.push(result.latency.p50)
        total.p99.push(result.latency.p99)
        total.failures += result.errors + result.timeouts + result.non2xx
        total.perRound.push(result['2xx'] / result.duration)
      }
    }
    return totals
  } finally {
    for (const target of targets.reverse()) await target.server.stop()
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN
}

async function main(): Promise<void> {
  const rounds = numberArgument('--rounds', 3, 20)
  const seconds = numberArgument('--seconds', 5, 60)
  const nginx = findNginx()
  const nginxBinary = 'path' in nginx ? nginx.path : undefined
  if ('skipped' in nginx) print(`nginx skipped: ${nginx.skipped}`)
  print(
    `autocannon, ${CONNECTIONS} connections, ${rounds} rounds × ${seconds} s per target, on loopback. ` +
      'Each target and the upstream run in their own process; the load generator runs in this one.',
  )

  for (const scenario of SCENARIOS) {
    print(`\nRunning: ${scenario.title}…`)
    const totals = await runScenario(scenario, rounds, seconds, nginxBinary)
    heading(scenario.title)
    const rate = (name: string) => {
      const t = totals.get(name)
      return t && t.seconds > 0 ? t.requests / t.seconds : undefined
    }
    printTable(
      ['target', 'req/s', 'rounds (req/s)', 'p50', 'p99', 'failed'],
      [...totals].map(([name, t]) => [
        name,
        (rate(name) ?? 0).toFixed(0),
        t.perRound.map((r) => r.toFixed(0)).join(' / '),
        formatMs(median(t.p50)),
        formatMs(median(t.p99)),
        String(t.failures),
      ]),
    )
    for (const name of ['our server', 'our server, cache off']) {
      const ours = totals.get(name)
      for (const peer of ['@fastify/http-proxy', 'nginx']) {
        const other = totals.get(peer)
        if (!ours || !other) continue
        print(
          `${name} vs ${peer}: req/s ${ratio(rate(name), rate(peer))}, ` +
            `p50 ${ratio(median(ours.p50), median(other.p50))}, p99 ${ratio(median(ours.p99), median(other.p99))}`,
        )
      }
    }
  }
  print('\np50 and p99 are the medians of the rounds; req/s counts 2xx answers over all rounds.')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})
