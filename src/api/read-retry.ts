/**
 * Reads that the API rate-limits (429) with a short Retry-After are sent again after waiting that long, so an
 * occasional 429 from the live service never reaches a page. Writes are never repeated; a 429 that asks for a long
 * wait is passed on (the query keeps its last data and polls again later).
 */
import { sleep } from '../lib/sleep'

/** At most this many extra tries per read. */
export const MAX_READ_RETRIES = 2
/** Longest Retry-After, in seconds, worth waiting for inside one read. */
export const MAX_RETRY_WAIT_SECONDS = 3
/** The wait when a 429 names none. */
export const DEFAULT_RETRY_WAIT_SECONDS = 1

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD'])
/** Longest Retry-After believed, in seconds. */
const MAX_RETRY_AFTER_SECONDS = 300

/** Retry-After is either delta-seconds or an HTTP date; the result is capped so a hostile value cannot stall us. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  let seconds: number
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed)
  } else {
    const date = Date.parse(trimmed)
    if (Number.isNaN(date)) return undefined
    seconds = Math.ceil((date - now) / 1000)
  }
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS)
}

/** Wraps a fetch so that rate-limited reads are retried as described above. */
export function retryRateLimitedReads(
  send: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!READ_METHODS.has(request.method.toUpperCase())) return send(request)
    for (let attempt = 0; ; attempt++) {
      const response = await send(attempt < MAX_READ_RETRIES ? request.clone() : request)
      if (response.status !== 429 || attempt >= MAX_READ_RETRIES) return response
      const seconds = parseRetryAfter(response.headers.get('Retry-After')) ?? DEFAULT_RETRY_WAIT_SECONDS
      if (seconds > MAX_RETRY_WAIT_SECONDS) return response
      void response.body?.cancel().catch(() => {})
      await sleep(seconds * 1000, request.signal)
    }
  }
}
