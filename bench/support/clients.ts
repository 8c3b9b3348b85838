/** Clients that read the API the way the app does, recording every request's outcome and latency. */

export interface RequestLog {
  latencies: number[]
  ok: number
  failed: number
  /** A few example failures, to say what went wrong. */
  samples: string[]
}

export function newLog(): RequestLog {
  return { latencies: [], ok: 0, failed: 0, samples: [] }
}

interface MachinePage {
  items?: { id?: string }[]
  hasMore?: boolean
  nextPage?: string | null
}

/** One GET, timed; the parsed JSON body on a 2xx answer, else undefined (counted as a failure). */
export async function timedGet<T>(url: string, log: RequestLog, signal?: AbortSignal): Promise<T | undefined> {
  const started = performance.now()
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) })
    const text = await response.text()
    log.latencies.push(performance.now() - started)
    if (response.ok) {
      log.ok++
      return JSON.parse(text) as T
    }
    log.failed++
    if (log.samples.length < 5) log.samples.push(`${response.status} ${new URL(url).pathname}: ${text.slice(0, 120)}`)
  } catch (error) {
    if (signal?.aborted) return undefined
    log.latencies.push(performance.now() - started)
    log.failed++
    if (log.samples.length < 5) log.samples.push(`${new URL(url).pathname}: ${String(error)}`)
  }
  return undefined
}

/** The whole fleet as the app loads it: `GET /api/v1/machines?limit=120`, following `nextPage` cursors. */
export async function listFleet(baseUrl: string, log: RequestLog, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = []
  let after: string | undefined
  for (;;) {
    const query = after ? `limit=120&after=${encodeURIComponent(after)}` : 'limit=120'
    const page = await timedGet<MachinePage>(`${baseUrl}/api/v1/machines?${query}`, log, signal)
    if (!page) return ids
    for (const machine of page.items ?? []) if (machine.id) ids.push(machine.id)
    if (!page.hasMore || !page.nextPage || page.nextPage === after) return ids
    after = page.nextPage
  }
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })

export function secondsArgument(fallback: number): number {
  const index = process.argv.indexOf('--seconds')
  if (index === -1) return fallback
  const value = Number(process.argv[index + 1])
  if (!Number.isFinite(value) || value < 1 || value > 3_600) throw new Error('--seconds must be a number 1..3600')
  return value
}
