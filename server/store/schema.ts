// The store's tables as Kysely sees them. One schema for SQLite and PostgreSQL: times are ISO-8601 text in UTC
// (`Date#toISOString()`, so that they sort as text), ids are text, numbers fit a 32-bit integer.
export interface AuditTable {
  id: string
  at: string
  actor_id: string | null
  actor_email: string | null
  actor_name: string | null
  /** signin | sso | server-key | schedule | policy | budget */
  actor_via: string
  on_behalf_of: string | null
  action: string
  machine_id: string | null
  machine_name: string | null
  summary: string
  /** pending | ok | failed | unknown */
  outcome: string
  status: number | null
  message: string | null
  event_id: string | null
  finished_at: string | null
}

export interface SessionTable {
  id: string
  user_id: string | null
  user_email: string | null
  user_name: string | null
  team_id: string | null
  team_name: string | null
  started_at: string
  last_seen_at: string
  expires_at: string
  revoked_at: string | null
  user_agent: string | null
}

export interface Database {
  audit: AuditTable
  sessions: SessionTable
}
