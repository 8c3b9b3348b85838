// The engines every store test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL names a database. Each
// opened PostgreSQL store gets a schema of its own, dropped on close, so that test files never see each other's rows.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { describe, it } from 'vitest'
import { openStore, type Store } from './open'

export interface TestEngine {
  name: 'sqlite' | 'postgres'
  open(): Promise<Store>
  /**
   * Two stores on one database, each with its own connections, as two server processes have; closing the first
   * removes the database.
   */
  openReplicas(): Promise<[Store, Store]>
}

const postgresUrl = process.env.TEST_DATABASE_URL?.trim() || undefined

export const sqliteEngine: TestEngine = {
  name: 'sqlite',
  open: () => openStore({ engine: 'sqlite', memory: true }),
  async openReplicas() {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-replicas-'))
    const file = join(dir, 'fleet.sqlite')
    const first = await openStore({ engine: 'sqlite', file })
    const second = await openStore({ engine: 'sqlite', file })
    const close = first.close
    return [
      {
        ...first,
        async close() {
          await close()
          rmSync(dir, { recursive: true, force: true })
        },
      },
      second,
    ]
  },
}

/** PostgreSQL, or undefined without TEST_DATABASE_URL. */
export const postgresEngine: TestEngine | undefined =
  postgresUrl === undefined
    ? undefined
    : {
        name: 'postgres',
        open: () => openPostgresSchema(postgresUrl),
        async openReplicas() {
          const schema = `t_${randomBytes(6).toString('hex')}`
          const first = await openPostgresSchema(postgresUrl, schema)
          return [first, await openStore({ engine: 'postgres', url: postgresUrl, schema })]
        },
      }

/** Every engine to run store tests on. */
export const testEngines: TestEngine[] = [sqliteEngine, ...(postgresEngine ? [postgresEngine] : [])]

/** Why PostgreSQL tests did not run, for a skipped test's name; undefined when they do run. */
export const postgresSkipReason =
  postgresUrl === undefined
    ? 'PostgreSQL store tests skipped: TEST_DATABASE_URL is not set (.ci/run sets it; see the README)'
    : undefined

/** A store in a fresh schema of the database at `url`; `close()` drops the schema. Replicas may share `schema`. */
export async function openPostgresSchema(url: string, schema = `t_${randomBytes(6).toString('hex')}`): Promise<Store> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`create schema if not exists ${schema}`)
  } finally {
    await admin.end()
  }
  const store = await openStore({ engine: 'postgres', url, schema })
  let closed = false
  return {
    ...store,
    async close() {
      if (closed) return
      closed = true
      await store.close()
      const dropper = new pg.Client({ connectionString: url })
      await dropper.connect()
      try {
        await dropper.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await dropper.end()
      }
    },
  }
}

/** Says, as a skipped test, that the PostgreSQL half of a store test file did not run, and why. */
export function reportPostgresSkip(what: string): void {
  const reason = postgresSkipReason
  if (reason !== undefined) describe(`${what} on postgres`, () => it.skip(reason, () => {}))
}
