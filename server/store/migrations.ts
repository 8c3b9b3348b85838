// Forward-only migrations, in code so that the server bundle carries them. Each runs once per database, in order,
// inside Kysely's migration lock (PostgreSQL: replicas starting together migrate once). Never edit a migration
// that has shipped: add the next one.
import type { Kysely, Migration, MigrationProvider } from 'kysely'

const migrations: Record<string, Migration> = {
  '0001-audit-and-sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_email', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('actor_via', 'text', (column) => column.notNull())
        .addColumn('on_behalf_of', 'text')
        .addColumn('action', 'text', (column) => column.notNull())
        .addColumn('machine_id', 'text')
        .addColumn('machine_name', 'text')
        .addColumn('summary', 'text', (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('status', 'integer')
        .addColumn('message', 'text')
        .addColumn('event_id', 'text')
        .addColumn('finished_at', 'text')
        .execute()
      await db.schema.createIndex('audit_at').on('audit').columns(['at', 'id']).execute()
      await db.schema.createIndex('audit_machine').on('audit').columns(['machine_id', 'at']).execute()
      await db.schema.createIndex('audit_pending').on('audit').columns(['outcome', 'at']).execute()

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text')
        .addColumn('user_email', 'text')
        .addColumn('user_name', 'text')
        .addColumn('team_id', 'text')
        .addColumn('team_name', 'text')
        .addColumn('started_at', 'text', (column) => column.notNull())
        .addColumn('last_seen_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('user_agent', 'text')
        .execute()
      await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'started_at']).execute()
    },
  },
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations
  },
}

/** The names of every migration, in order (tests check that a fresh database runs all of them). */
export const MIGRATION_NAMES = Object.keys(migrations)
