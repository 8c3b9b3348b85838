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

export interface MachineTagTable {
  machine_id: string
  tag: string
}

export interface ScheduleTable {
  id: string
  name: string
  /** start | stop */
  action: string
  /** A JSON array of machine ids, or null. */
  machine_ids: string | null
  tag: string | null
  cron: string
  time_zone: string
  /** 0 or 1. */
  paused: number
  created_at: string
  updated_at: string
}

export interface ScheduleRunTable {
  schedule_id: string
  scheduled_for: string
  /** running (claimed, acting) | missed | ok | failed | unknown */
  outcome: string
  claimed_at: string
  /** Which replica claimed it (a process id of its own making), for the log. */
  claimed_by: string
  finished_at: string | null
  /** What the run did, in words ("2 stopped, 1 skipped: already off"). */
  detail: string | null
}

export interface RuntimePolicyTable {
  id: string
  name: string
  max_running_minutes: number
  warn_minutes: number
  /** A JSON array of machine types, or null for any type. */
  machine_types: string | null
  /** A JSON array of tags (a machine carrying any of them), or null for any machine. */
  tags: string | null
  exempt_tag: string | null
  /** 0 or 1. */
  paused: number
  created_at: string
  updated_at: string
}

export interface Database {
  audit: AuditTable
  sessions: SessionTable
  machine_tags: MachineTagTable
  schedules: ScheduleTable
  schedule_runs: ScheduleRunTable
  runtime_policies: RuntimePolicyTable
}
