/**
 * `npm run bench:viewers`: what more viewers cost upstream. Our server (its own process, live mode) proxies to the
 * embedded simulator, run here behind a loopback HTTP server so its request count can be read. First 1, then 20
 * simulated viewers keep the machines list open for the same time, each doing what the app does there: every
 * 2 s it reads the whole fleet (`GET /api/v1/machines?limit=120`, following the cursors) and the details of a
 * machine (`GET /api/v1/machines/{id}`, the same one for every viewer, as the app's follower of machines in
 * transition reads the same machines for everyone). Prints the upstream requests for each and their ratio.
 *
 *   npm run bench:viewers                   60 s per phase (about 2 min)
 *   npm run bench:viewers -- --seconds 10   a quick run
 */
import { setMaxListeners } from 'node:events'
import { serveFetch } from '../server/demo-upstream'
import { createSimulator } from '../server/simulator/simulator'
import { listFleet, newLog, type RequestLog, secondsArgument, sleep, timedGet } from './support/clients'
import { formatMs, heading, percentile, print, printTable, ratio, verdict } from './support/report'
import { startServer } from './support/server'

const KEY = 'bench-viewers-key'
const MACHINES = 300
const POLL_MS = 2_000
const TARGET_RATIO = 1.5

async function viewer(baseUrl: string, until: number, log: RequestLog, stop: AbortSignal) {
  // Viewers open the page at different moments within a poll interval, as people do.
  await sleep(Math.random() * POLL_MS, stop)
  let watched: string | undefined
  while (Date.now() < until && !stop.aborted) {
    const cycle = Date.now()
    const ids = await listFleet(baseUrl, log, stop)
    watched ??= ids[0]
    if (watched) await timedGet(`${baseUrl}/api/v1/machines/${watched}`, log, stop)
    await sleep(Math.max(0, cycle + POLL_MS - Date.now()), stop)
  }
}

async function phase(baseUrl: string, viewers: number, seconds: number, upstreamCount: () => number) {
  const log = newLog()
  const before = upstreamCount()
  const until = Date.now() + seconds * 1_000
  const stop = AbortSignal.timeout(seconds * 1_000 + 10_000)
  setMaxListeners(0, stop)
  await Promise.all(Array.from({ length: viewers }, () => viewer(baseUrl, until, log, stop)))
  return { viewers, log, upstream: upstreamCount() - before }
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
    for (const viewers of [1, 20]) {
      print(`Running ${viewers} viewer${viewers === 1 ? '' : 's'}…`)
      results.push(await phase(server.url, viewers, seconds, () => simulator.requestCount))
    }
    heading(`Upstream requests for 1 and 20 viewers, ${seconds} s each`)
    printTable(
      ['viewers', 'requests to our server', 'failed', 'p50', 'p99', 'upstream requests', 'upstream per request'],
      results.map(({ viewers, log, upstream: count }) => [
        String(viewers),
        String(log.ok + log.failed),
        String(log.failed),
        formatMs(percentile(log.latencies, 50)),
        formatMs(percentile(log.latencies, 99)),
        String(count),
        (count / Math.max(1, log.ok + log.failed)).toFixed(2),
      ]),
    )
    const [one, twenty] = results
    if (!one || !twenty) return
    const factor = twenty.upstream / Math.max(1, one.upstream)
    print(
      `\nUpstream requests, 20 viewers / 1 viewer: ${ratio(twenty.upstream, one.upstream)} ` +
        `(target ≤ ${TARGET_RATIO}×) ${verdict(factor, TARGET_RATIO)}`,
    )
    for (const { viewers, log } of results) {
      for (const sample of log.samples) print(`  failure with ${viewers} viewer(s): ${sample}`)
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
