import { badRequest } from './errors'

export const DEFAULT_LIMIT = 20
export const MAX_LIMIT = 120

/** One page of a list; `nextPage` (the cursor to send back as `after`) is present only when `hasMore`. */
export interface Page<T> {
  items: T[]
  hasMore: boolean
  nextPage?: string
}

/** `limit` from a query string: an integer in 1..120, default 20. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT
  if (!/^\d+$/.test(raw)) throw badRequest(`limit must be an integer between 1 and ${MAX_LIMIT}.`)
  const limit = Number(raw)
  if (limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be an integer between 1 and ${MAX_LIMIT}.`)
  return limit
}

/** Cursors are opaque to callers: base64url-encoded JSON. */
export function encodeCursor(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')
}

export function decodeCursor(raw: string): Record<string, unknown> {
  const invalid = () => badRequest('after is not a valid page cursor. Use the nextPage value of the previous page.')
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid()
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid()
    return value as Record<string, unknown>
  } catch {
    throw invalid()
  }
}

/** First index in a sorted array whose item comes strictly after the cursor (binary search). */
export function firstIndexAfter<T>(items: readonly T[], isAfterCursor: (item: T) => boolean): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (isAfterCursor(items[mid]!)) high = mid
    else low = mid + 1
  }
  return low
}

/**
 * Walks `items` from `start`, keeping those that pass `keep`, and cuts a page of `limit`.
 * `cursorFor` builds the cursor for the last item of the page.
 */
export function cutPage<T>(
  items: readonly T[],
  start: number,
  limit: number,
  keep: (item: T) => boolean,
  cursorFor: (item: T) => string,
): Page<T> {
  const page: T[] = []
  for (let i = start; i < items.length; i++) {
    const item = items[i]!
    if (!keep(item)) continue
    if (page.length === limit) {
      const last = page[page.length - 1]!
      return { items: page, hasMore: true, nextPage: cursorFor(last) }
    }
    page.push(item)
  }
  return { items: page, hasMore: false }
}
