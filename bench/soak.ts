/**
 * `npm run bench:soak`: 50 clients poll the list and details through the server for a fixed time, on loopback.
 * The server runs as a user starts it (`server/main.ts`, demo mode, its own process). Each client, in a loop,
 * reads the whole fleet (following the cursors), then one machine's details, then waits 250 ms. Prints requests,
 * failures, p50/p99 latency and the server's resident memory at the start, after a warm-up and at the end.
 *
 *   npm run bench:soak                   60 s
 *   npm run bench:soak -- --seconds 15   a quick run
 */
import { setMaxListeners } from 'node:events'
import { listFleet, newLog, type RequestLog, secondsArgument, sleep, timedGet } from './support/clients'
import { formatMb, formatMs, heading, percentile, print, printTable, verdict } from './support/report'
import { startServer } from './support/server'

const CLIENTS = 50
const MACHINES = 500
const PAUSE_MS = 250
const WARM_UP_MS = 5_000
const TARGET_GROWTH = 0.2

async function client(baseUrl: string, until: number, log: RequestLog, stop: AbortSignal) {
  await sleep(Math.random() * 1_000, stop)
  while (Date.now() < until && !stop.aborted) {
    const ids = await listFleet(baseUrl, log, stop)
    const id = ids[Math.floor(Math.random() * ids.length)]
    if (id) await timedGet(`${baseUrl}/api/v1/machines/${id}`, log, stop)
    await sleep(PAUSE_MS, stop)
  }
}

async function main(): Promise<void> {
  const seconds = secondsArgument(60)
  const server = await startServer({ SIM_MACHINES: String(MACHINES), SIM_SEED: '7', SIM_SPEED: '30', STATIC_DIR: '' })
  try {
    const rssStart = server.rss()
    print(
      `${CLIENTS} clients for ${seconds} s against our server in demo mode (${MACHINES} machines, ` +
        `${Math.ceil(MACHINES / 120)} list pages per read, then one machine's details, ${PAUSE_MS} ms pause).`,
    )
    const log = newLog()
    const started = Date.now()
    const until = started + seconds * 1_000
    const stop = AbortSignal.timeout(seconds * 1_000 + 15_000)
    setMaxListeners(0, stop)
    let rssWarm: number | undefined
    const warm = sleep(Math.min(WARM_UP_MS, (seconds * 1_000) / 4)).then(() => {
      rssWarm = server.rss()
    })
    await Promise.all([warm, ...Array.from({ length: CLIENTS }, () => client(server.url, until, log, stop))])
    const elapsed = (Date.now() - started) / 1_000
    const rssEnd = server.rss()

    const growth = (from: number | undefined) =>
      from === undefined || rssEnd === undefined ? undefined : (rssEnd - from) / from
    const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`)
    heading(`Soak: ${CLIENTS} clients, ${seconds} s`)
    printTable(
      ['figure', 'value', 'target', 'verdict'],
      [
        ['requests', String(log.ok + log.failed), '', ''],
        ['requests per second', ((log.ok + log.failed) / elapsed).toFixed(0), '', ''],
        ['failed (non-2xx or network)', String(log.failed), '0', log.failed === 0 ? 'ok' : 'MISS'],
        ['latency p50', formatMs(percentile(log.latencies, 50)), '', ''],
        ['latency p99', formatMs(percentile(log.latencies, 99)), '', ''],
        ['server RSS at start', rssStart === undefined ? 'n/a' : formatMb(rssStart), '', ''],
        ['server RSS after warm-up', rssWarm === undefined ? 'n/a' : formatMb(rssWarm), '', ''],
        ['server RSS at end', rssEnd === undefined ? 'n/a' : formatMb(rssEnd), '', ''],
        ['RSS growth from start', percent(growth(rssStart)), '≤ 20%', verdict(growth(rssStart), TARGET_GROWTH)],
        ['RSS growth from warm-up', percent(growth(rssWarm)), '', ''],
      ],
    )
    for (const sample of log.samples) print(`  failure: ${sample}`)
  } finally {
    await server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})
