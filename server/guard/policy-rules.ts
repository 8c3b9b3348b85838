// What a valid runtime-limit policy is. Checked here, before the store keeps it, with messages naming the field.
import type { PolicyFields } from '../store/policies'
import { checkTag, quoteInput, TagError } from '../store/tags'

export const MAX_POLICY_NAME = 100
/** A month: a longer limit is no limit. */
export const MAX_RUNNING_MINUTES = 31 * 24 * 60
export const DEFAULT_WARN_MINUTES = 30
export const MAX_POLICY_LIST = 100
export const MACHINE_TYPE_PATTERN = /^[A-Za-z0-9._+-]{1,64}$/
export const POLICY_FIELDS = [
  'name',
  'maxRunningMinutes',
  'warnMinutes',
  'machineTypes',
  'tags',
  'exemptTag',
  'paused',
] as const

const wholeMinutes = (value: unknown, min: number, max: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

/**
 * A policy's fields from a request body: all required ones for a new policy, or some over `current` for an edit
 * (`null` clears machineTypes, tags or exemptTag). A message naming the field when something is wrong.
 */
export function parsePolicyFields(body: unknown, current?: PolicyFields): PolicyFields | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The request body must be a JSON object.'
  const input = body as Record<string, unknown>
  for (const name of Object.keys(input)) {
    if (!(POLICY_FIELDS as readonly string[]).includes(name)) {
      return `Unknown field ${quoteInput(name)}; the fields are ${POLICY_FIELDS.join(', ')}.`
    }
  }
  const has = (name: string) => Object.hasOwn(input, name) && input[name] !== undefined
  if (current === undefined) {
    for (const name of ['name', 'maxRunningMinutes'] as const) if (!has(name)) return `${name} is required.`
  }
  const fields: PolicyFields = {
    name: current?.name ?? '',
    maxRunningMinutes: current?.maxRunningMinutes ?? 0,
    warnMinutes: current?.warnMinutes ?? DEFAULT_WARN_MINUTES,
    machineTypes: current?.machineTypes ? [...current.machineTypes] : null,
    tags: current?.tags ? [...current.tags] : null,
    exemptTag: current?.exemptTag ?? null,
    paused: current?.paused ?? false,
  }

  if (has('name')) {
    const name = typeof input.name === 'string' ? input.name.trim() : ''
    if (name === '' || name.length > MAX_POLICY_NAME) return `name is 1 to ${MAX_POLICY_NAME} characters.`
    fields.name = name
  }
  if (has('maxRunningMinutes')) {
    if (!wholeMinutes(input.maxRunningMinutes, 1, MAX_RUNNING_MINUTES)) {
      return `maxRunningMinutes is a whole number of minutes from 1 to ${MAX_RUNNING_MINUTES}.`
    }
    fields.maxRunningMinutes = input.maxRunningMinutes as number
  }
  if (has('warnMinutes')) {
    if (!wholeMinutes(input.warnMinutes, 0, MAX_RUNNING_MINUTES)) {
      return 'warnMinutes is a whole number of minutes, 0 for no warning.'
    }
    fields.warnMinutes = input.warnMinutes as number
  } else if (current === undefined) {
    // The default warning time, shortened for a limit shorter than it (a 20-minute limit warns at the start).
    fields.warnMinutes = Math.min(DEFAULT_WARN_MINUTES, fields.maxRunningMinutes)
  }
  if (fields.warnMinutes > fields.maxRunningMinutes) {
    return `warnMinutes (${fields.warnMinutes}) cannot be more than maxRunningMinutes (${fields.maxRunningMinutes}).`
  }
  if (has('machineTypes')) {
    const types = input.machineTypes
    if (types === null) fields.machineTypes = null
    else {
      if (!Array.isArray(types) || types.length > MAX_POLICY_LIST) {
        return `machineTypes is a list of at most ${MAX_POLICY_LIST} machine types, or null for every type.`
      }
      for (const type of types) {
        if (typeof type !== 'string' || !MACHINE_TYPE_PATTERN.test(type)) {
          return `machineTypes: ${quoteInput(type)} is not a machine type (e.g. "A4000", "C5").`
        }
      }
      const unique = [...new Set(types as string[])]
      fields.machineTypes = unique.length === 0 ? null : unique
    }
  }
  if (has('tags')) {
    const tags = input.tags
    if (tags === null) fields.tags = null
    else {
      if (!Array.isArray(tags) || tags.length > MAX_POLICY_LIST) {
        return `tags is a list of at most ${MAX_POLICY_LIST} tags, or null for every machine.`
      }
      for (const tag of tags) {
        const checked = checkTag(tag)
        if (checked instanceof TagError) return `tags: ${checked.message}`
      }
      const unique = [...new Set(tags as string[])].sort()
      fields.tags = unique.length === 0 ? null : unique
    }
  }
  if (has('exemptTag')) {
    if (input.exemptTag === null) fields.exemptTag = null
    else {
      const tag = checkTag(input.exemptTag)
      if (tag instanceof TagError) return `exemptTag: ${tag.message}`
      fields.exemptTag = tag
    }
  }
  if (has('paused')) {
    if (typeof input.paused !== 'boolean') return 'paused is true or false.'
    fields.paused = input.paused
  }
  return fields
}
