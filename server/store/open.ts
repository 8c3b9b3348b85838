// Opens the store: SQLite (better-sqlite3) in a file or in memory, or PostgreSQL (node-postgres) from a URL, both
// behind one Kysely instance, and brings its schema up to date before anything uses it.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { migrationProvider } from './migrations'
import type { Database } from './schema'

export type Engine = 'sqlite' | 'postgres'

/** Where the store lives. */
export type StoreLocation =
  | { engine: 'sqlite'; file: string }
  | { engine: 'sqlite'; memory: true }
  | { engine: 'postgres'; url: string; schema?: string }

export interface Store {
  readonly db: Kysely<Database>
  readonly engine: Engine
  /** Where it is, in words for the start line (never a password). */
  readonly description: string
  close(): Promise<void>
}

export const STORE_FILE = 'fleet.sqlite'

/** DATABASE_URL wins; then DATA_DIR; demo mode keeps its store in memory unless DATA_DIR is set. */
export function storeLocationFrom(options: {
  databaseUrl?: string | undefined
  dataDir?: string | undefined
  demo: boolean
}): StoreLocation {
  if (options.databaseUrl !== undefined) return { engine: 'postgres', url: options.databaseUrl }
  if (options.dataDir === undefined && options.demo) return { engine: 'sqlite', memory: true }
  return { engine: 'sqlite', file: join(resolve(options.dataDir ?? 'data'), STORE_FILE) }
}

export async function openStore(location: StoreLocation): Promise<Store> {
  let db: Kysely<Database>
  let description: string
  if (location.engine === 'postgres') {
    const url = new URL(location.url)
    description = `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`
    const pool = new pg.Pool({
      connectionString: location.url,
      max: 10,
      ...(location.schema === undefined ? {} : { options: `-c search_path=${location.schema}` }),
    })
    // An idle client the server loses (a restart of PostgreSQL) is dropped from the pool, not thrown at the process.
    pool.on('error', () => {})
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  } else {
    let sqlite: SqliteDatabase.Database
    if ('memory' in location) {
      description = 'SQLite in memory'
      sqlite = new SqliteDatabase(':memory:')
    } else {
      mkdirSync(resolve(location.file, '..'), { recursive: true })
      description = `SQLite at ${location.file}`
      sqlite = new SqliteDatabase(location.file)
      // Write-ahead log: readers do not wait for the writer, and a process that dies loses nothing committed.
      sqlite.pragma('journal_mode = WAL')
      sqlite.pragma('synchronous = NORMAL')
    }
    sqlite.pragma('busy_timeout = 5000')
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  }
  try {
    // PostgreSQL: the migrations' own tables go in the schema the connection writes to (`current_schema()`), and
    // only there are they looked for: Kysely would otherwise take another schema's tables of the same name for ours.
    const schema =
      location.engine === 'postgres'
        ? (location.schema ??
          (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema)
        : undefined
    await migrate(db, schema)
  } catch (error) {
    await db.destroy()
    throw error
  }
  return { db, engine: location.engine, description, close: () => db.destroy() }
}

/** Runs every migration not yet applied; throws with the failing one's error. */
export async function migrate(db: Kysely<Database>, schema?: string): Promise<string[]> {
  // In a named schema the migrations' own tables live there too (else Kysely finds another schema's and uses those).
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')
    throw new Error(`The store's migration ${failed?.migrationName ?? ''} failed: ${String(error)}`)
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName)
}
