import { badRequest } from './errors'

/** Small checks on decoded JSON bodies; each failure names the field. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.')
  }
  return body as Record<string, unknown>
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw badRequest(`${field} must be a string.`)
  return value
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = optionalString(body, field)
  if (value === undefined) throw badRequest(`${field} is required.`)
  return value
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw badRequest(`${field} must be true or false.`)
  return value
}

export function optionalInteger(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  unit = '',
): number | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be an integer between ${min} and ${max}${unit}.`)
  }
  return value
}

export const MAX_NAME_LENGTH = 64

/** A machine name: trimmed, non-empty, at most 64 characters. */
export function machineName(raw: string): string {
  const name = raw.trim()
  if (name.length === 0) throw badRequest('name must not be empty.')
  if (name.length > MAX_NAME_LENGTH) throw badRequest(`name must be at most ${MAX_NAME_LENGTH} characters.`)
  return name
}

export function optionalEnum<T extends string>(
  body: Record<string, unknown>,
  field: string,
  values: readonly T[],
): T | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of: ${values.join(', ')}.`)
  }
  return value as T
}

/** A list of strings (e.g. user ids), duplicates dropped, in the order sent. */
export function optionalStringList(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw badRequest(`${field} must be a list of ids.`)
  }
  return [...new Set(value as string[])]
}
