/**
 * Reads that the API rate-limits (429) with a short Retry-After are sent again after waiting that long, so an
 * occasional 429 from the live service never reaches a page. Writes are never repeated; a 429 that asks for a long
 * wait is passed on (the query keeps its last data and polls again later).
 */

/** At most this many extra tries per read. */
export const MAX_READ_RETRIES = 2
/** Longest Retry-After, in seconds, worth waiting for inside one read. */
export const MAX_RETRY_WAIT_SECONDS = 3
/** The wait when a 429 names none. */
export const DEFAULT_RETRY_WAIT_SECONDS = 1

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD'])

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when there is none or it is bad. */
function retryAfterSeconds(value: string | null, now: number): number | undefined {
  const trimmed = value?.trim()
  if (!trimmed) return undefined
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer)
      reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'))
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted)
      resolve()
    }, ms)
    if (signal.aborted) aborted()
    else signal.addEventListener('abort', aborted, { once: true })
  })
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
      const seconds = retryAfterSeconds(response.headers.get('Retry-After'), Date.now()) ?? DEFAULT_RETRY_WAIT_SECONDS
      if (seconds > MAX_RETRY_WAIT_SECONDS) return response
      void response.body?.cancel().catch(() => {})
      await wait(seconds * 1000, request.signal)
    }
  }
}
