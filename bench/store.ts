// What the store costs the server: resident memory at idle with each engine, beside the same server with its store
// in memory (demo mode's default), and what the audit adds to a mutation: the time to write and complete an entry,
// beside the whole proxied mutation it belongs to, measured in the same run.
//
//   npm run bench:store            (PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL names a database)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { beginAudit, completeAudit } from '../server/store/audit'
import { openStore, type Store } from '../server/store/open'
import { openPostgresSchema } from '../server/store/test-engines'
import { formatMb, formatMs, print, printTable, ratio } from './support/report'
import { ensureBuilt, type RunningServer, startServer } from './support/server'

const WRITES = 2_000
const MUTATIONS = 300
const IDLE_SETTLE_MS = 3_000
const RSS_BUDGET = 150_000_000
const postgresUrl = process.env.DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || undefined

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** Milliseconds per audited mutation: the pending entry, then its completion, as the proxy writes them. */
async function auditWriteCost(store: Store): Promise<number> {
  const actor = { id: 'u1', email: 'ada@example.com', name: 'Ada Lovelace', via: 'server-key' as const }
  const started = performance.now()
  for (let index = 0; index < WRITES; index++) {
    const at = new Date(Date.UTC(2026, 10, 28) + index)
    const id = await beginAudit(store.db, {
      at,
      actor,
      action: 'stop',
      machineId: `psm${index % 50}`,
      machineName: `machine-${index % 50}`,
      summary: 'Stop the machine',
    })
    await completeAudit(store.db, id, { at, outcome: 'ok', status: 200, message: null, eventId: `ev${index}` })
  }
  return (performance.now() - started) / WRITES
}

/** Median milliseconds of a stop or start through the server (demo mode: the simulator behind the proxy). */
async function proxiedMutation(server: RunningServer): Promise<number> {
  const list = (await (await fetch(`${server.url}/api/v1/machines?limit=120`)).json()) as { items: { id: string }[] }
  const ids = list.items.map((machine) => machine.id)
  const times: number[] = []
  for (let index = 0; index < MUTATIONS; index++) {
    const id = ids[index % ids.length]
    const started = performance.now()
    // The answer may be a 409 (the machine is mid-transition): the audit is written either way.
    const response = await fetch(`${server.url}/api/v1/machines/${id}/${index % 2 === 0 ? 'stop' : 'start'}`, {
      method: 'PATCH',
      headers: { 'x-csrf': '1' },
    })
    await response.arrayBuffer()
    times.push(performance.now() - started)
  }
  return median(times)
}

async function idleRss(env: Record<string, string>): Promise<number | undefined> {
  const server = await startServer(env)
  try {
    await fetch(`${server.url}/api/v1/machines?limit=1`).then((response) => response.arrayBuffer())
    await new Promise((settle) => setTimeout(settle, IDLE_SETTLE_MS))
    return server.rss()
  } finally {
    await server.stop()
  }
}

async function main() {
  const staticDir = ensureBuilt()
  const dataDir = mkdtempSync(join(tmpdir(), 'fleet-bench-store-'))
  try {
    print('Audit write cost per mutation (pending entry + completion)')
    const costs: [string, number][] = []
    const file = await openStore({ engine: 'sqlite', file: join(dataDir, 'writes', 'fleet.sqlite') })
    costs.push(['SQLite file', await auditWriteCost(file)])
    await file.close()
    if (postgresUrl) {
      const postgres = await openPostgresSchema(postgresUrl)
      costs.push(['PostgreSQL', await auditWriteCost(postgres)])
      await postgres.close()
    }
    const server = await startServer({ STATIC_DIR: staticDir, DATA_DIR: join(dataDir, 'mutations'), SIM_SPEED: '50' })
    let mutation: number
    try {
      mutation = await proxiedMutation(server)
    } finally {
      await server.stop()
    }
    printTable(
      ['engine', 'per mutation', 'whole proxied mutation (median)', 'share'],
      costs.map(([engine, cost]) => [engine, formatMs(cost), formatMs(mutation), ratio(cost, mutation)]),
    )
    print()

    print(`Server RSS at idle (${IDLE_SETTLE_MS / 1000} s after the first read), demo mode`)
    const rows: [string, number | undefined][] = [
      ['store in memory (peer)', await idleRss({ STATIC_DIR: staticDir })],
      ['SQLite file', await idleRss({ STATIC_DIR: staticDir, DATA_DIR: join(dataDir, 'idle') })],
    ]
    if (postgresUrl) rows.push(['PostgreSQL', await idleRss({ STATIC_DIR: staticDir, DATABASE_URL: postgresUrl })])
    else print('PostgreSQL skipped: set DATABASE_URL or TEST_DATABASE_URL')
    const peer = rows[0]?.[1]
    printTable(
      ['store', 'RSS', 'vs in memory', 'target ≤ 150 MB'],
      rows.map(([name, rss]) => [
        name,
        rss === undefined ? 'n/a' : formatMb(rss),
        ratio(rss, peer),
        rss === undefined ? 'n/a' : rss <= RSS_BUDGET ? 'ok' : 'MISS',
      ]),
    )
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
