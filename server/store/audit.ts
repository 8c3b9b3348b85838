// The audit trail: who did what through this server, and what came of it. An entry is written before the request
// goes upstream (`beginAudit`) and completed after (`completeAudit`), so that a process that dies in between leaves
// an entry that `markAbandoned` turns into "outcome unknown" rather than nothing.
import { randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { AuditTable, Database } from './schema'

export const AUDIT_ACTIONS = [
  'start',
  'stop',
  'restart',
  'create',
  'update',
  'delete',
  'grant',
  'revoke',
  'sign-in',
  'sign-out',
  'desktop-read',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]
export const AUDIT_OUTCOMES = ['pending', 'ok', 'failed', 'unknown'] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]
export const ACTOR_VIAS = ['signin', 'sso', 'server-key', 'schedule', 'policy', 'budget'] as const
export type ActorVia = (typeof ACTOR_VIAS)[number]

/** Who acted, and how the server knew it. */
export interface Actor {
  id: string | null
  email: string | null
  name: string | null
  via: ActorVia
  /** For work done with a key an admin handed over: that admin's email. */
  onBehalfOf?: string | null
}

export interface AuditStart {
  at: Date
  actor: Actor
  action: AuditAction
  machineId: string | null
  machineName: string | null
  /** What was asked, in words: never a key, token or password. */
  summary: string
}

export interface AuditResult {
  at: Date
  outcome: Exclude<AuditOutcome, 'pending'>
  status: number | null
  message: string | null
  eventId?: string | null
  /** Learnt from the answer (a created machine's id, a machine's name). */
  machineId?: string | null
  machineName?: string | null
}

/** An entry as the API answers it (openapi/fleet-api.yml `AuditEntry`). */
export interface AuditEntry {
  id: string
  at: string
  actor: Actor & { onBehalfOf: string | null }
  action: AuditAction
  machineId: string | null
  machineName: string | null
  summary: string
  outcome: AuditOutcome
  status: number | null
  message: string | null
  eventId: string | null
  finishedAt: string | null
}

export interface AuditFilters {
  /** Case-insensitive part of the actor's email, name or id. */
  actor?: string
  action?: AuditAction
  machineId?: string
  outcome?: AuditOutcome
  /** At or after. */
  from?: Date
  /** Before. */
  to?: Date
}

export interface AuditPage {
  items: AuditEntry[]
  nextPage: string | null
}

/** Longest texts kept; longer upstream messages and summaries are cut, never refused. */
const MAX_SUMMARY = 500
const MAX_MESSAGE = 500

const clip = (text: string | null, max: number) =>
  text === null || text.length <= max ? text : `${text.slice(0, max - 1)}…`

function newId(at: Date): string {
  return `${at.getTime().toString(36)}-${randomBytes(6).toString('base64url')}`
}

/** Writes the entry of an action about to be sent (outcome `pending`); returns its id. */
export async function beginAudit(db: Kysely<Database>, start: AuditStart): Promise<string> {
  const id = newId(start.at)
  await db
    .insertInto('audit')
    .values({
      ...startColumns(start),
      id,
      outcome: 'pending',
      status: null,
      message: null,
      event_id: null,
      finished_at: null,
    })
    .execute()
  return id
}

/** Records how a begun action ended. */
export async function completeAudit(db: Kysely<Database>, id: string, result: AuditResult): Promise<void> {
  await db
    .updateTable('audit')
    .set({
      outcome: result.outcome,
      status: result.status,
      message: clip(result.message, MAX_MESSAGE),
      event_id: result.eventId ?? null,
      finished_at: result.at.toISOString(),
      ...(result.machineId ? { machine_id: result.machineId } : {}),
      ...(result.machineName ? { machine_name: result.machineName } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/** Writes an entry whose outcome is already known (a sign-in, a sign-out). */
export async function recordAudit(db: Kysely<Database>, start: AuditStart, result: AuditResult): Promise<string> {
  const id = newId(start.at)
  await db
    .insertInto('audit')
    .values({
      ...startColumns(start),
      id,
      outcome: result.outcome,
      status: result.status,
      message: clip(result.message, MAX_MESSAGE),
      event_id: result.eventId ?? null,
      finished_at: result.at.toISOString(),
    })
    .execute()
  return id
}

function startColumns(start: AuditStart) {
  return {
    at: start.at.toISOString(),
    actor_id: start.actor.id,
    actor_email: start.actor.email,
    actor_name: start.actor.name,
    actor_via: start.actor.via,
    on_behalf_of: start.actor.onBehalfOf ?? null,
    action: start.action,
    machine_id: start.machineId,
    machine_name: start.machineName,
    summary: clip(start.summary, MAX_SUMMARY) ?? '',
  }
}

/**
 * Entries still pending that began before `before` never got their outcome (the process that sent them stopped):
 * they become `unknown`. Returns how many. Safe with several replicas as long as `before` is further back than
 * the longest a request can take.
 */
export async function markAbandoned(db: Kysely<Database>, before: Date, now: Date): Promise<number> {
  const result = await db
    .updateTable('audit')
    .set({
      outcome: 'unknown',
      message: 'The server stopped before the answer came.',
      finished_at: now.toISOString(),
    })
    .where('outcome', '=', 'pending')
    .where('at', '<', before.toISOString())
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Deletes entries older than `before` (AUDIT_RETENTION_DAYS); returns how many. */
export async function pruneAudit(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('audit').where('at', '<', before.toISOString()).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** The last name recorded for a machine, for entries whose answer does not carry one (grant, revoke, delete). */
export async function lastKnownMachineName(db: Kysely<Database>, machineId: string): Promise<string | null> {
  const row = await db
    .selectFrom('audit')
    .select('machine_name')
    .where('machine_id', '=', machineId)
    .where('machine_name', 'is not', null)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.machine_name ?? null
}

/** One entry by id (tests, and the follow-up of a begun action). */
export async function getAudit(db: Kysely<Database>, id: string): Promise<AuditEntry | undefined> {
  const row = await db.selectFrom('audit').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toEntry(row)
}

/** A page of entries, newest first; `after` is the previous page's `nextPage`. */
export async function listAudit(
  db: Kysely<Database>,
  filters: AuditFilters,
  page: { limit: number; after?: string | undefined },
): Promise<AuditPage> {
  let query = db.selectFrom('audit').selectAll()
  if (filters.actor !== undefined && filters.actor !== '') {
    const pattern = `%${filters.actor.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`
    query = query.where((eb) =>
      eb.or(
        (['actor_email', 'actor_name', 'actor_id'] as const).map((column) =>
          eb(sql`lower(${sql.ref(column)})`, 'like', sql`${pattern} escape '\\'`),
        ),
      ),
    )
  }
  if (filters.action !== undefined) query = query.where('action', '=', filters.action)
  if (filters.machineId !== undefined) query = query.where('machine_id', '=', filters.machineId)
  if (filters.outcome !== undefined) query = query.where('outcome', '=', filters.outcome)
  if (filters.from !== undefined) query = query.where('at', '>=', filters.from.toISOString())
  if (filters.to !== undefined) query = query.where('at', '<', filters.to.toISOString())
  const cursor = page.after === undefined ? undefined : decodeCursor(page.after)
  if (cursor !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', '<', cursor.id)])]),
    )
  }
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
  const items = rows.slice(0, page.limit).map(toEntry)
  const last = items.at(-1)
  return { items, nextPage: rows.length > page.limit && last ? encodeCursor(last.at, last.id) : null }
}

export class BadCursorError extends Error {}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url')
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return { at: value[0] as string, id: value[1] as string }
    }
  } catch {
    // Reported below.
  }
  throw new BadCursorError('The `after` cursor is not one this server gave out.')
}

function toEntry(row: AuditTable): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: {
      id: row.actor_id,
      email: row.actor_email,
      name: row.actor_name,
      via: row.actor_via as ActorVia,
      onBehalfOf: row.on_behalf_of,
    },
    action: row.action as AuditAction,
    machineId: row.machine_id,
    machineName: row.machine_name,
    summary: row.summary,
    outcome: row.outcome as AuditOutcome,
    status: row.status === null ? null : Number(row.status),
    message: row.message,
    eventId: row.event_id,
    finishedAt: row.finished_at,
  }
}
