// Runs of schedules, one row per schedule and scheduled time. Replicas share the work by claiming: the first insert
// of a (schedule, time) pair wins and the others find the row there, so a due run is acted on at most once however
// many replicas decide it is due. A missed run is claimed the same way, so that it is recorded once too.
import type { Kysely } from 'kysely'
import type { Database, ScheduleRunTable } from './schema'

export const RUN_OUTCOMES = ['running', 'missed', 'ok', 'failed', 'unknown'] as const
export type RunOutcome = (typeof RUN_OUTCOMES)[number]

export interface ScheduleRun {
  scheduleId: string
  scheduledFor: string
  outcome: RunOutcome
  claimedAt: string
  claimedBy: string
  finishedAt: string | null
  detail: string | null
}

export interface RunClaim {
  scheduleId: string
  /** The time the pattern gave (ISO, UTC), exactly as the decision named it. */
  scheduledFor: string
  /** A run to act on is `running` until finished; a missed one is recorded finished. */
  kind: 'run' | 'missed'
  claimedBy: string
  at: Date
  /** For a missed run: why, in words. */
  detail?: string
}

const MAX_DETAIL = 500

const clip = (text: string | null | undefined) =>
  text === null || text === undefined ? null : text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`

/** Claims a run; true for the one caller that got it, false for every other (another replica, or a retry). */
export async function claimScheduleRun(db: Kysely<Database>, claim: RunClaim): Promise<boolean> {
  const at = claim.at.toISOString()
  const row = await db
    .insertInto('schedule_runs')
    .values({
      schedule_id: claim.scheduleId,
      scheduled_for: claim.scheduledFor,
      outcome: claim.kind === 'run' ? 'running' : 'missed',
      claimed_at: at,
      claimed_by: claim.claimedBy,
      finished_at: claim.kind === 'run' ? null : at,
      detail: clip(claim.detail),
    })
    .onConflict((conflict) => conflict.columns(['schedule_id', 'scheduled_for']).doNothing())
    .returning('schedule_id')
    .executeTakeFirst()
  return row !== undefined
}

/** Records how a claimed run ended; false when it was not running (finished already, or never claimed). */
export async function finishScheduleRun(
  db: Kysely<Database>,
  run: { scheduleId: string; scheduledFor: string },
  result: { at: Date; outcome: 'ok' | 'failed'; detail: string | null },
): Promise<boolean> {
  const updated = await db
    .updateTable('schedule_runs')
    .set({ outcome: result.outcome, finished_at: result.at.toISOString(), detail: clip(result.detail) })
    .where('schedule_id', '=', run.scheduleId)
    .where('scheduled_for', '=', run.scheduledFor)
    .where('outcome', '=', 'running')
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) > 0
}

/** Schedule id → the scheduled time of its latest run recorded (any outcome): the decision's `lastRuns`. */
export async function lastScheduleRuns(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('schedule_runs')
    .select(['schedule_id', (eb) => eb.fn.max('scheduled_for').as('last')])
    .groupBy('schedule_id')
    .execute()
  return new Map(rows.map((row) => [row.schedule_id, row.last]))
}

/** A schedule's runs, newest first. */
export async function listScheduleRuns(db: Kysely<Database>, scheduleId: string, limit = 20): Promise<ScheduleRun[]> {
  const rows = await db
    .selectFrom('schedule_runs')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .orderBy('scheduled_for', 'desc')
    .limit(limit)
    .execute()
  return rows.map(toRun)
}

/**
 * Runs still `running` that were claimed before `before` never finished (the replica acting on them stopped):
 * they become `unknown`, not claimable again, since some machines may have been acted on. Returns how many.
 */
export async function markAbandonedRuns(db: Kysely<Database>, before: Date, now: Date): Promise<number> {
  const result = await db
    .updateTable('schedule_runs')
    .set({ outcome: 'unknown', finished_at: now.toISOString(), detail: 'The server stopped before the run finished.' })
    .where('outcome', '=', 'running')
    .where('claimed_at', '<', before.toISOString())
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Forgets runs claimed before `before`, keeping each schedule's latest (it is what the decision reads). */
export async function pruneScheduleRuns(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('schedule_runs')
    .where('claimed_at', '<', before.toISOString())
    .where('scheduled_for', '<', (eb) =>
      eb
        .selectFrom('schedule_runs as latest')
        .select((inner) => inner.fn.max('latest.scheduled_for').as('last'))
        .whereRef('latest.schedule_id', '=', 'schedule_runs.schedule_id'),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

function toRun(row: ScheduleRunTable): ScheduleRun {
  return {
    scheduleId: row.schedule_id,
    scheduledFor: row.scheduled_for,
    outcome: row.outcome as RunOutcome,
    claimedAt: row.claimed_at,
    claimedBy: row.claimed_by,
    finishedAt: row.finished_at,
    detail: row.detail,
  }
}
