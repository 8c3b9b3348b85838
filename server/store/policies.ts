// Runtime-limit policies: how long a machine may run before it is stopped, and how long before that to warn. Which
// machines a policy covers and when each is over its limit is worked out by `guard/runtime-limits.ts`, never stored.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, RuntimePolicyTable } from './schema'

/** What a person sets. */
export interface PolicyFields {
  name: string
  maxRunningMinutes: number
  /** How long before the limit a warning is due. */
  warnMinutes: number
  /** Machine types covered (e.g. "A4000"), or null for every type. */
  machineTypes: string[] | null
  /** Machines carrying any of these tags, or null for every machine. */
  tags: string[] | null
  /** Machines carrying this tag are never limited by this policy. */
  exemptTag: string | null
  paused: boolean
}

export interface StoredPolicy extends PolicyFields {
  id: string
  createdAt: string
  updatedAt: string
}

function newId(): string {
  return `pol_${randomBytes(9).toString('base64url')}`
}

export async function createPolicy(db: Kysely<Database>, fields: PolicyFields, at: Date): Promise<StoredPolicy> {
  const iso = at.toISOString()
  const row: RuntimePolicyTable = { id: newId(), ...columns(fields), created_at: iso, updated_at: iso }
  await db.insertInto('runtime_policies').values(row).execute()
  return toPolicy(row)
}

export async function getPolicy(db: Kysely<Database>, id: string): Promise<StoredPolicy | undefined> {
  const row = await db.selectFrom('runtime_policies').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toPolicy(row)
}

/** Every policy, oldest first. */
export async function listPolicies(db: Kysely<Database>): Promise<StoredPolicy[]> {
  const rows = await db.selectFrom('runtime_policies').selectAll().orderBy('created_at').orderBy('id').execute()
  return rows.map(toPolicy)
}

/** Replaces a policy's fields; undefined when there is no such policy. */
export async function updatePolicy(
  db: Kysely<Database>,
  id: string,
  fields: PolicyFields,
  at: Date,
): Promise<StoredPolicy | undefined> {
  const row = await db
    .updateTable('runtime_policies')
    .set({ ...columns(fields), updated_at: at.toISOString() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row === undefined ? undefined : toPolicy(row)
}

/** Returns whether there was such a policy. */
export async function deletePolicy(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('runtime_policies').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

const list = (values: string[] | null) => (values === null ? null : JSON.stringify(values))

function columns(fields: PolicyFields) {
  return {
    name: fields.name,
    max_running_minutes: fields.maxRunningMinutes,
    warn_minutes: fields.warnMinutes,
    machine_types: list(fields.machineTypes),
    tags: list(fields.tags),
    exempt_tag: fields.exemptTag,
    paused: fields.paused ? 1 : 0,
  }
}

function toPolicy(row: RuntimePolicyTable): StoredPolicy {
  return {
    id: row.id,
    name: row.name,
    maxRunningMinutes: Number(row.max_running_minutes),
    warnMinutes: Number(row.warn_minutes),
    machineTypes: row.machine_types === null ? null : (JSON.parse(row.machine_types) as string[]),
    tags: row.tags === null ? null : (JSON.parse(row.tags) as string[]),
    exemptTag: row.exempt_tag,
    paused: Number(row.paused) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
