// Start/stop schedules. The rows hold what was asked as given (already checked by `guard/schedule-rules.ts`); when
// they run is worked out from the cron pattern and the time zone, never stored.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, ScheduleTable } from './schema'

export const SCHEDULE_ACTIONS = ['start', 'stop'] as const
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number]

/** What a person sets. */
export interface ScheduleFields {
  name: string
  action: ScheduleAction
  /** Machines named one by one, or null. */
  machineIds: string[] | null
  /** Every machine carrying this tag when the schedule runs, or null. */
  tag: string | null
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: string
  /** An IANA time zone name the pattern is read in. */
  timeZone: string
  paused: boolean
}

export interface StoredSchedule extends ScheduleFields {
  id: string
  createdAt: string
  /** Changed by every edit: runs due before it are not owed (a schedule just resumed does not catch up). */
  updatedAt: string
}

function newId(): string {
  return `sch_${randomBytes(9).toString('base64url')}`
}

export async function createSchedule(db: Kysely<Database>, fields: ScheduleFields, at: Date): Promise<StoredSchedule> {
  const iso = at.toISOString()
  const row: ScheduleTable = { id: newId(), ...columns(fields), created_at: iso, updated_at: iso }
  await db.insertInto('schedules').values(row).execute()
  return toSchedule(row)
}

export async function getSchedule(db: Kysely<Database>, id: string): Promise<StoredSchedule | undefined> {
  const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toSchedule(row)
}

/** Every schedule, oldest first. */
export async function listSchedules(db: Kysely<Database>): Promise<StoredSchedule[]> {
  const rows = await db.selectFrom('schedules').selectAll().orderBy('created_at').orderBy('id').execute()
  return rows.map(toSchedule)
}

/** Replaces a schedule's fields; undefined when there is no such schedule. */
export async function updateSchedule(
  db: Kysely<Database>,
  id: string,
  fields: ScheduleFields,
  at: Date,
): Promise<StoredSchedule | undefined> {
  const row = await db
    .updateTable('schedules')
    .set({ ...columns(fields), updated_at: at.toISOString() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row === undefined ? undefined : toSchedule(row)
}

/** Deletes a schedule with its runs (the audit trail keeps what they did); returns whether there was one. */
export async function deleteSchedule(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('schedule_runs').where('schedule_id', '=', id).execute()
    const result = await trx.deleteFrom('schedules').where('id', '=', id).executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  })
}

function columns(fields: ScheduleFields) {
  return {
    name: fields.name,
    action: fields.action,
    machine_ids: fields.machineIds === null ? null : JSON.stringify(fields.machineIds),
    tag: fields.tag,
    cron: fields.cron,
    time_zone: fields.timeZone,
    paused: fields.paused ? 1 : 0,
  }
}

function toSchedule(row: ScheduleTable): StoredSchedule {
  return {
    id: row.id,
    name: row.name,
    action: row.action as ScheduleAction,
    machineIds: row.machine_ids === null ? null : (JSON.parse(row.machine_ids) as string[]),
    tag: row.tag,
    cron: row.cron,
    timeZone: row.time_zone,
    paused: Number(row.paused) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
