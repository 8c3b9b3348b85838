// Sign-in sessions. The sealed cookie carries the session's id (and the admin's key, which is never stored here);
// the row says who it is, until when, and whether it was ended early. Ending a session is a row update, so that
// every replica on the same database refuses the cookie from then on.
import type { Kysely } from 'kysely'
import type { Database, SessionTable } from './schema'

export interface SessionPerson {
  userId: string | null
  email: string | null
  name: string | null
  teamId: string | null
  teamName: string | null
}

export interface StoredSession extends SessionPerson {
  id: string
  startedAt: string
  lastSeenAt: string
  expiresAt: string
  revokedAt: string | null
  userAgent: string | null
}

/** User agents are kept for the Account page's "which browser"; no more than this. */
const MAX_USER_AGENT = 300

export async function createSession(
  db: Kysely<Database>,
  session: { id: string; person: SessionPerson; startedAt: Date; expiresAt: Date; userAgent: string | null },
): Promise<void> {
  const { person } = session
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: person.userId,
      user_email: person.email,
      user_name: person.name,
      team_id: person.teamId,
      team_name: person.teamName,
      started_at: session.startedAt.toISOString(),
      last_seen_at: session.startedAt.toISOString(),
      expires_at: session.expiresAt.toISOString(),
      revoked_at: null,
      user_agent: session.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    })
    .execute()
}

export async function getSession(db: Kysely<Database>, id: string): Promise<StoredSession | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toSession(row)
}

/** Records that the session was used (callers do it at most once a minute per session). */
export async function touchSession(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at.toISOString() }).where('id', '=', id).execute()
}

/** Ends one session; with `userId`, only if it is that person's. Returns whether a live session was ended. */
export async function revokeSession(
  db: Kysely<Database>,
  id: string,
  at: Date,
  userId?: string | null,
): Promise<boolean> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: at.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
  if (userId !== undefined) {
    query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId)
  }
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Ends every session of a person ("sign out everywhere"); returns how many were live. */
export async function revokeAllSessions(db: Kysely<Database>, userId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** A person's sessions that are still open at `now`, newest first. */
export async function listOpenSessions(db: Kysely<Database>, userId: string, now: Date): Promise<StoredSession[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('started_at', 'desc')
    .execute()
  return rows.map(toSession)
}

/** Forgets sessions that ended (expired or revoked) before `before`; returns how many. */
export async function pruneSessions(db: Kysely<Database>, before: Date): Promise<number> {
  const iso = before.toISOString()
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', iso), eb('revoked_at', '<', iso)]))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export function isOpen(session: StoredSession, now: Date): boolean {
  return session.revokedAt === null && session.expiresAt > now.toISOString()
}

function toSession(row: SessionTable): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.user_email,
    name: row.user_name,
    teamId: row.team_id,
    teamName: row.team_name,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    userAgent: row.user_agent,
  }
}
