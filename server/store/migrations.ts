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
  // The Paperspace API has no labels, so the server keeps each machine's tags (one row per machine and tag).
  // From here on tables and indexes are created "if not exists": a schema someone emptied by hand down to the
  // 0001 tables (and the migration bookkeeping) migrates again instead of stopping at the start.
  '0002-machine-tags': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('machine_tags')
        .ifNotExists()
        .addColumn('machine_id', 'text', (column) => column.notNull())
        .addColumn('tag', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('machine_tags_pk', ['machine_id', 'tag'])
        .execute()
      await db.schema
        .createIndex('machine_tags_tag')
        .ifNotExists()
        .on('machine_tags')
        .columns(['tag', 'machine_id'])
        .execute()
    },
  },
  // Start/stop schedules: a cron pattern read in a time zone, acting on listed machines and/or a tag's machines.
  // machine_ids is a JSON array (or null); paused is 0 or 1, as SQLite has no boolean.
  '0003-schedules': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('schedules')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('action', 'text', (column) => column.notNull())
        .addColumn('machine_ids', 'text')
        .addColumn('tag', 'text')
        .addColumn('cron', 'text', (column) => column.notNull())
        .addColumn('time_zone', 'text', (column) => column.notNull())
        .addColumn('paused', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute()
    },
  },
  // One row per schedule and scheduled time: the primary key is what lets only one replica claim a due run.
  '0004-schedule-runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('schedule_runs')
        .ifNotExists()
        .addColumn('schedule_id', 'text', (column) => column.notNull())
        .addColumn('scheduled_for', 'text', (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('claimed_at', 'text', (column) => column.notNull())
        .addColumn('claimed_by', 'text', (column) => column.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('detail', 'text')
        .addPrimaryKeyConstraint('schedule_runs_pk', ['schedule_id', 'scheduled_for'])
        .execute()
      await db.schema
        .createIndex('schedule_runs_claimed')
        .ifNotExists()
        .on('schedule_runs')
        .columns(['claimed_at'])
        .execute()
    },
  },
  // Runtime limits: how long a machine may run before it is stopped. The list fields are JSON arrays (or null for
  // "any"); paused is 0 or 1.
  '0005-runtime-policies': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runtime_policies')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('max_running_minutes', 'integer', (column) => column.notNull())
        .addColumn('warn_minutes', 'integer', (column) => column.notNull())
        .addColumn('machine_types', 'text')
        .addColumn('tags', 'text')
        .addColumn('exempt_tag', 'text')
        .addColumn('paused', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute()
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
