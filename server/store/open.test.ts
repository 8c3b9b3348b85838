import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { recordAudit } from './audit'
import { MIGRATION_NAMES } from './migrations'
import { migrate, openStore, STORE_FILE, storeLocationFrom } from './open'
import { openPostgresSchema, postgresEngine, reportPostgresSkip, testEngines } from './test-engines'

describe('where the store lives', () => {
  it('is PostgreSQL with DATABASE_URL, else SQLite in DATA_DIR (default ./data), in memory for demo mode', () => {
    expect(storeLocationFrom({ databaseUrl: 'postgres://db/fleet', demo: true })).toEqual({
      engine: 'postgres',
      url: 'postgres://db/fleet',
    })
    expect(storeLocationFrom({ demo: true })).toEqual({ engine: 'sqlite', memory: true })
    expect(storeLocationFrom({ dataDir: '/srv/fleet', demo: true })).toEqual({
      engine: 'sqlite',
      file: join('/srv/fleet', STORE_FILE),
    })
    expect(storeLocationFrom({ demo: false })).toEqual({
      engine: 'sqlite',
      file: join(process.cwd(), 'data', STORE_FILE),
    })
  })
})

describe.each(testEngines)('migrations on $name', (engine) => {
  it('bring a new database to the latest schema once; a second start applies nothing', async () => {
    const store = await engine.open()
    try {
      expect(await migrate(store.db)).toEqual([])
      const tables = await store.db.introspection.getTables()
      expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['audit', 'sessions']))
    } finally {
      await store.close()
    }
  })
})

describe('SQLite in a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-store-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates its folder, keeps what was written across a restart, and runs in WAL mode', async () => {
    const file = join(dir, 'nested', STORE_FILE)
    const first = await openStore({ engine: 'sqlite', file })
    const at = new Date('2026-11-28T12:00:00Z')
    await recordAudit(
      first.db,
      {
        at,
        actor: { id: null, email: 'a@example.com', name: null, via: 'server-key' },
        action: 'start',
        machineId: 'psm1',
        machineName: 'one',
        summary: 'Start the machine',
      },
      { at, outcome: 'ok', status: 200, message: null },
    )
    await first.close()
    const second = await openStore({ engine: 'sqlite', file })
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(second.db)
      expect(mode.rows[0]?.journal_mode).toBe('wal')
      const rows = await second.db.selectFrom('audit').select(['machine_name']).execute()
      expect(rows).toEqual([{ machine_name: 'one' }])
    } finally {
      await second.close()
    }
  })
})

describe.skipIf(postgresEngine === undefined)('PostgreSQL replicas starting together', () => {
  it('migrate once between them', async () => {
    const url = process.env.TEST_DATABASE_URL ?? ''
    const schema = `t_replicas_${Date.now().toString(36)}`
    // An empty schema (dropped when `owner` closes), then two servers starting on it at the same moment.
    const owner = await openPostgresSchema(url, schema)
    await sql`drop schema ${sql.id(schema)} cascade`.execute(owner.db)
    await sql`create schema ${sql.id(schema)}`.execute(owner.db)
    const stores = await Promise.all([
      openStore({ engine: 'postgres', url, schema }),
      openStore({ engine: 'postgres', url, schema }),
    ])
    try {
      const applied = await owner.db
        .selectFrom('kysely_migration' as never)
        .select(sql<string>`name`.as('name'))
        .execute()
      expect(applied.map((row) => row.name)).toEqual(MIGRATION_NAMES)
    } finally {
      await Promise.all(stores.map((store) => store.close()))
      await owner.close()
    }
  })
})

describe.skipIf(postgresEngine === undefined)('PostgreSQL without a named schema', () => {
  it("migrates into the connection's own schema even when another schema has a store's tables", async () => {
    const url = process.env.TEST_DATABASE_URL ?? ''
    const other = await openPostgresSchema(url)
    // A schema of this test's own, made the connection's current one by the URL alone (as a DBA would set it).
    const holder = await openPostgresSchema(url)
    const mine = `t_own_${Date.now().toString(36)}`
    await sql`create schema ${sql.id(mine)}`.execute(holder.db)
    const own = new URL(url)
    own.searchParams.set('options', `-c search_path=${mine}`)
    const store = await openStore({ engine: 'postgres', url: own.href })
    try {
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${mine} order by table_name
      `.execute(store.db)
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['audit', 'kysely_migration', 'kysely_migration_lock', 'sessions']),
      )
    } finally {
      await store.close()
      await sql`drop schema ${sql.id(mine)} cascade`.execute(holder.db)
      await holder.close()
      await other.close()
    }
  })
})

reportPostgresSkip('migrations')
