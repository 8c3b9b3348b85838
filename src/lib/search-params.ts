/**
 * Readers for the search params of a URL, in plain functions: a route's search validation loads with the entry, so it
 * is kept to a few lines rather than a schema library. A reader returns the value when it is valid, otherwise
 * undefined, and never throws, so a hand-edited URL shows the page instead of an error.
 */

/** Reads one search param: the valid value, or undefined. */
export type Reader<T> = (value: unknown) => T | undefined

/** Reads the fields of a search, in this order: field by field, a bad value becomes its default (or undefined). */
export type Readers<T> = { [K in keyof T]-?: Reader<NonNullable<T[K]>> }

/** One of `allowed`, compared as is: `?create=1` reaches the router as the number 1. */
export function oneOf<const T>(allowed: readonly T[]): Reader<T> {
  return (value) => (allowed.includes(value as T) ? (value as T) : undefined)
}

/** A string of `min` to `max` characters matching `pattern`, measured after trimming when `trim` is set. */
export function text({
  min = 0,
  max,
  trim = false,
  pattern,
}: {
  min?: number
  max: number
  trim?: boolean
  pattern?: RegExp
}): Reader<string> {
  return (value) => {
    if (typeof value !== 'string') return undefined
    const read = trim ? value.trim() : value
    return read.length >= min && read.length <= max && (!pattern || pattern.test(read)) ? read : undefined
  }
}

export const boolean: Reader<boolean> = (value) => (typeof value === 'boolean' ? value : undefined)

/**
 * The search a route works with: each field the URL holds, read by its reader (a bad value falls back to its default,
 * else undefined), and each field it leaves out set to its default when there is one. Fields it does not know are
 * dropped.
 */
export function readSearch<T extends object>(input: unknown, readers: Readers<T>, defaults: Partial<T> = {}): T {
  const given = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>
  const search: Record<string, unknown> = {}
  for (const key in readers) {
    if (key in given) search[key] = readers[key](given[key]) ?? defaults[key]
    else if (defaults[key] !== undefined) search[key] = defaults[key]
  }
  return search as T
}
