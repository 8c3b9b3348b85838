// Machine tags. The Paperspace API has no labels, so the server keeps them: one row per machine and tag. Schedules
// and policies name a tag to act on every machine that carries it at the time they run.
import { type Kysely, PostgresAdapter, sql } from 'kysely'
import type { Database } from './schema'

export const TAG_PATTERN = /^[a-z0-9._-]{1,40}$/
export const MAX_TAGS_PER_MACHINE = 20
export const TAG_RULE = '1 to 40 lower-case letters, digits, "-", "_" or "."'

export interface TagMachines {
  tag: string
  machineIds: string[]
}

/** Refused tags, with a message naming the first bad one. */
export class TagError extends Error {}

/** Quoted and cut short, so that a message never repeats a huge or multi-line input back whole. */
export function quoteInput(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text
  return JSON.stringify(shown)
}

/** A valid tag or a message naming the bad one. */
export function checkTag(tag: unknown): string | TagError {
  if (typeof tag === 'string' && TAG_PATTERN.test(tag)) return tag
  return new TagError(`The tag ${quoteInput(tag)} is not valid: a tag is ${TAG_RULE}.`)
}

/** The tags to keep for one machine (duplicates dropped, sorted), or a message naming what is wrong. */
export function checkTags(tags: unknown): string[] | TagError {
  if (!Array.isArray(tags)) return new TagError('tags must be a list of tags, e.g. ["gpu", "team-a"].')
  const kept = new Set<string>()
  for (const tag of tags) {
    const checked = checkTag(tag)
    if (checked instanceof TagError) return checked
    kept.add(checked)
  }
  if (kept.size > MAX_TAGS_PER_MACHINE) {
    return new TagError(`A machine has at most ${MAX_TAGS_PER_MACHINE} tags; ${kept.size} were given.`)
  }
  return [...kept].sort()
}

/** Replaces a machine's tags; returns them as kept. Throws a TagError for bad input. */
export async function setMachineTags(
  db: Kysely<Database>,
  machineId: string,
  tags: readonly string[],
): Promise<string[]> {
  const checked = checkTags(tags)
  if (checked instanceof TagError) throw checked
  await db.transaction().execute(async (trx) => {
    // Two replicas replacing the same machine's tags at once would otherwise each delete nothing the other has
    // not committed yet and end with the union; the lock makes the later replacement win whole. SQLite already
    // runs one writing transaction at a time.
    if (trx.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`select pg_advisory_xact_lock(hashtext(${`machine-tags:${machineId}`}))`.execute(trx)
    }
    await trx.deleteFrom('machine_tags').where('machine_id', '=', machineId).execute()
    if (checked.length > 0) {
      await trx
        .insertInto('machine_tags')
        .values(checked.map((tag) => ({ machine_id: machineId, tag })))
        .execute()
    }
  })
  return checked
}

/** Forgets a machine's tags (the machine was deleted); returns how many there were. */
export async function deleteMachineTags(db: Kysely<Database>, machineId: string): Promise<number> {
  const result = await db.deleteFrom('machine_tags').where('machine_id', '=', machineId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Every tag in use with the machines that carry it, tags and machine ids sorted. */
export async function listTags(db: Kysely<Database>): Promise<TagMachines[]> {
  const rows = await db.selectFrom('machine_tags').selectAll().orderBy('tag').orderBy('machine_id').execute()
  const items: TagMachines[] = []
  for (const row of rows) {
    const last = items.at(-1)
    if (last?.tag === row.tag) last.machineIds.push(row.machine_id)
    else items.push({ tag: row.tag, machineIds: [row.machine_id] })
  }
  return items
}

/** Bound parameters per query, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500

/** The tags of each machine asked for (sorted; an empty list for a machine without tags). */
export async function tagsOfMachines(
  db: Kysely<Database>,
  machineIds: readonly string[],
): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>(machineIds.map((id) => [id, []]))
  const ids = [...tags.keys()]
  for (let index = 0; index < ids.length; index += CHUNK) {
    const rows = await db
      .selectFrom('machine_tags')
      .selectAll()
      .where('machine_id', 'in', ids.slice(index, index + CHUNK))
      .orderBy('machine_id')
      .orderBy('tag')
      .execute()
    for (const row of rows) tags.get(row.machine_id)?.push(row.tag)
  }
  return tags
}
