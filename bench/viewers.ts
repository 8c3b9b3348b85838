/**
 * `npm run bench:viewers`: what more viewers cost upstream. Our server (its own process, live mode) proxies to the
 * embedded simulator, run here behind a loopback HTTP server so its request count can be read. First 1, then 20
 * simulated viewers keep the machines list open for the same time, each doing what the app does there: on the
 * app's 2 s polling beat (`src/lib/polling.ts`) it reads the whole fleet (`GET /api/v1/machines?limit=120`,
 * following the cursors) and the details of a machine (`GET /api/v1/machines/{id}`, the same one for every viewer,
 * as the app's follower of machines in transition reads the same machines for everyone). Viewers open the page at
 * random moments. Prints the upstream requests for each and their ratio, the target's figure.
 *
 * For reference a third phase runs 20 clients that do not keep the beat (each polls 2 s after its own last
 * answer, as a script might): there only the server's coalescing and 1 s read cache save requests.
 *
 *   npm run bench:viewers                   60 s per phase (about 3 min)
 *   npm run bench:viewers -- --seconds 10   a quick run
 */
import { setMaxListeners } from 'node:events'
import { serveFetch } from '../server/demo-upstream'
import { createSimulator } from '../server/simulator/simulator'
import { onTheBeat } from '../src/lib/polling'
import { listFleet, newLog, type RequestLog, secondsArgument, sleep, timedGet } from './support/clients'
import { formatMs, heading, percentile, print, printTable, ratio, verdict } from './support/report'
import { startServer } from './support/server'

const KEY = 'bench-viewers-key'
const MACHINES = 300
const POLL_MS = 2_000
const TARGET_RATIO = 1.5

type Cadence = 'beat' | 'free'

async function viewer(baseUrl: string, cadence: Cadence, until: number, log: RequestLog, stop: AbortSignal) {
  // Viewers open the page at different moments within a poll interval, as people do.
  await sleep(Math.random() * POLL_MS, stop)
  let watched: string | undefined
  while (Date.now() < until && !stop.aborted) {
    const cycle = Date.now()
    const ids = await listFleet(baseUrl, log, stop)
    watched ??= ids[0]
    if (watched) await timedGet(`${baseUrl}/api/v1/machines/${watched}`, log, stop)
    const answered = Date.now()
    await sleep(cadence === 'beat' ? onTheBeat(POLL_MS, answered) : Math.max(0, cycle + POLL_MS - answered), stop)
  }
}

async function phase(baseUrl: string, viewers: number, cadence: Cadence, seconds: number, upstreamCount: () => number) {
  const log = newLog()
  const before = upstreamCount()
  const until = Date.now() + seconds * 1_000
  const stop = AbortSignal.timeout(seconds * 1_000 + 10_000)
  setMaxListeners(0, stop)
  await Promise.all(Array.from({ length: viewers }, () => viewer(baseUrl, cadence, until, log, stop)))
  return { viewers, cadence, log, upstream: upstreamCount() - before }
}

async function main(): Promise<void> {
  const seconds = secondsArgument(60)
  const simulator = createSimulator({ machines: MACHINES, seed: 7, speed: 30, apiKey: KEY, basePath: '/v1' })
  const upstream = await serveFetch((request) => simulator.fetch(request))
  const server = await startServer({
    PAPERSPACE_API_URL: `${upstream.url}/v1`,
    PAPERSPACE_API_KEY: KEY,
    STATIC_DIR: '',
  })
  try {
    print(
      `Our server proxies to a simulator of ${MACHINES} machines (${Math.ceil(MACHINES / 120)} list pages); ` +
        `each viewer polls every ${POLL_MS / 1000} s for ${seconds} s.`,
    )
    const results = []
    for (const [viewers, cadence] of [
      [1, 'beat'],
      [20, 'beat'],
      [20, 'free'],
    ] as const) {
      print(
        `Running ${viewers} ${cadence === 'beat' ? (viewers === 1 ? 'viewer' : 'viewers') : 'clients off the beat'}…`,
      )
      results.push(await phase(server.url, viewers, cadence, seconds, () => simulator.requestCount))
    }
    heading(`Upstream requests for 1 and 20 viewers, ${seconds} s each`)
    printTable(
      [
        'viewers',
        'polling',
        'requests to our server',
        'failed',
        'p50',
        'p99',
        'upstream requests',
        'upstream per request',
      ],
      results.map(({ viewers, cadence, log, upstream: count }) => [
        String(viewers),
        cadence === 'beat' ? 'on the beat (the app)' : 'off the beat',
        String(log.ok + log.failed),
        String(log.failed),
        formatMs(percentile(log.latencies, 50)),
        formatMs(percentile(log.latencies, 99)),
        String(count),
        (count / Math.max(1, log.ok + log.failed)).toFixed(2),
      ]),
    )
    const [one, twenty, free] = results
    if (!one || !twenty || !free) return
    const factor = twenty.upstream / Math.max(1, one.upstream)
    print(
      `\nUpstream requests, 20 viewers / 1 viewer: ${ratio(twenty.upstream, one.upstream)} ` +
        `(target ≤ ${TARGET_RATIO}×) ${verdict(factor, TARGET_RATIO)}`,
    )
    print(`For reference, 20 clients off the beat / 1 viewer: ${ratio(free.upstream, one.upstream)}`)
    for (const { viewers, cadence, log } of results) {
      for (const sample of log.samples) print(`  failure with ${viewers} viewer(s), ${cadence}: ${sample}`)
    }
  } finally {
    await server.stop()
    await upstream.close()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})
