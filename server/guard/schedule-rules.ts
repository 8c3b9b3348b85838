// What a valid schedule is, and when it runs. The cron pattern is read by croner in the schedule's time zone, so
// that "08:00 in Berlin" stays 08:00 across daylight-saving changes: a time skipped by the change runs at the
// first time after the gap, a time that happens twice runs once.
import { Cron } from 'croner'
import { ID_PATTERN } from '../operations'
import { SCHEDULE_ACTIONS, type ScheduleAction, type ScheduleFields } from '../store/schedules'
import { checkTag, quoteInput, TagError } from '../store/tags'

export const MAX_NAME = 100
export const MAX_CRON = 100
export const MAX_SCHEDULE_MACHINES = 500
export const SCHEDULE_FIELDS = ['name', 'action', 'machineIds', 'tag', 'cron', 'timeZone', 'paused'] as const

/** The pattern's runs in the time zone; throws with croner's reason when the pattern is not five valid fields. */
export function cronOf(pattern: string, timeZone: string): Cron {
  return new Cron(pattern, { timezone: timeZone, mode: '5-part' })
}

/** The canonical name of an IANA time zone, or a message. UTC offsets ("+01:00") are refused: they ignore DST. */
export function checkTimeZone(value: unknown): string | Error {
  const refused = new Error(
    `timeZone ${quoteInput(value)} is not a time zone: give an IANA name such as "Europe/Berlin" or "UTC".`,
  )
  if (typeof value !== 'string' || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return refused
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone
  } catch {
    return refused
  }
}

/** The pattern trimmed, or a message with croner's reason. A pattern that never matches a date is refused too. */
export function checkCron(value: unknown, timeZone: string, now: Date): string | Error {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_CRON) {
    return new Error('cron is five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * 1-5".')
  }
  const pattern = value.trim().replace(/\s+/g, ' ')
  let next: Date | null
  try {
    next = cronOf(pattern, timeZone).nextRun(now)
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error)
    return new Error(
      `cron ${quoteInput(pattern)} is not a valid pattern (minute hour day-of-month month day-of-week): ${reason}`,
    )
  }
  if (next === null) return new Error(`cron ${quoteInput(pattern)} never matches a date.`)
  return pattern
}

/**
 * A schedule's fields from a request body: all of them for a new schedule, or some of them over `current` for an
 * edit (`machineIds: null` or `tag: null` clears that target). A message naming the field when something is wrong.
 */
export function parseScheduleFields(body: unknown, now: Date, current?: ScheduleFields): ScheduleFields | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The request body must be a JSON object.'
  const input = body as Record<string, unknown>
  for (const name of Object.keys(input)) {
    if (!(SCHEDULE_FIELDS as readonly string[]).includes(name)) {
      return `Unknown field ${quoteInput(name)}; the fields are ${SCHEDULE_FIELDS.join(', ')}.`
    }
  }
  const has = (name: string) => Object.hasOwn(input, name) && input[name] !== undefined
  if (current === undefined) {
    for (const name of ['name', 'action', 'cron', 'timeZone'] as const) if (!has(name)) return `${name} is required.`
  }
  const fields: ScheduleFields = {
    name: current?.name ?? '',
    action: current?.action ?? 'start',
    machineIds: current?.machineIds ? [...current.machineIds] : null,
    tag: current?.tag ?? null,
    cron: current?.cron ?? '',
    timeZone: current?.timeZone ?? 'UTC',
    paused: current?.paused ?? false,
  }

  if (has('name')) {
    const name = typeof input.name === 'string' ? input.name.trim() : ''
    if (name === '' || name.length > MAX_NAME) return `name is 1 to ${MAX_NAME} characters.`
    fields.name = name
  }
  if (has('action')) {
    if (!(SCHEDULE_ACTIONS as readonly unknown[]).includes(input.action)) {
      return `action must be one of ${SCHEDULE_ACTIONS.join(', ')}.`
    }
    fields.action = input.action as ScheduleAction
  }
  if (has('machineIds')) {
    const ids = input.machineIds
    if (ids === null) fields.machineIds = null
    else {
      if (!Array.isArray(ids)) return 'machineIds must be a list of machine ids, or null.'
      if (ids.length > MAX_SCHEDULE_MACHINES) return `machineIds holds at most ${MAX_SCHEDULE_MACHINES} machines.`
      for (const id of ids) {
        if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
          return `machineIds: ${quoteInput(id)} is not a machine id (1 to 64 letters, digits, "-" or "_").`
        }
      }
      const unique = [...new Set(ids as string[])]
      fields.machineIds = unique.length === 0 ? null : unique
    }
  }
  if (has('tag')) {
    if (input.tag === null) fields.tag = null
    else {
      const tag = checkTag(input.tag)
      if (tag instanceof TagError) return `tag: ${tag.message}`
      fields.tag = tag
    }
  }
  if (fields.machineIds === null && fields.tag === null) {
    return 'A schedule acts on machines: give machineIds, a tag, or both.'
  }
  if (has('paused')) {
    if (typeof input.paused !== 'boolean') return 'paused is true or false.'
    fields.paused = input.paused
  }
  if (has('timeZone')) {
    const timeZone = checkTimeZone(input.timeZone)
    if (timeZone instanceof Error) return timeZone.message
    fields.timeZone = timeZone
  }
  // The pattern is checked again when only the time zone changes: croner needs both together.
  const cron = checkCron(has('cron') ? input.cron : fields.cron, fields.timeZone, now)
  if (cron instanceof Error) return cron.message
  fields.cron = cron
  return fields
}

/** The next `count` runs after `now` (ISO, UTC); none for a paused schedule, which does not run. */
export function nextRuns(schedule: ScheduleFields, now: Date, count = 3): string[] {
  if (schedule.paused) return []
  return cronOf(schedule.cron, schedule.timeZone)
    .nextRuns(count, now)
    .map((time) => time.toISOString())
}
