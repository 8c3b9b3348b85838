import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { connectionHealth } from '../api/connection-health'
import { formatClock } from '../lib/format'

/** The current time, ticking every second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(timer)
  }, [active])
  return now
}

const ROW = 'mx-auto flex max-w-screen-2xl flex-wrap items-center gap-x-2 px-4 py-2 text-sm'

/**
 * Says, above every page, when the API cannot be reached (the pages keep their last data) and when it rate-limits
 * us (reads wait for its Retry-After). Both leave on their own once things are well again. The live region is
 * always there, so what appears in it is announced.
 */
export function ConnectionBanner() {
  const health = connectionHealth(useQueryClient())
  const { rateLimitedUntil, unreachable } = useSyncExternalStore(health.subscribe, health.getSnapshot)
  const now = useNow(rateLimitedUntil !== null)
  const secondsAt = (time: number) =>
    rateLimitedUntil === null ? 0 : Math.max(1, Math.ceil((rateLimitedUntil - time) / 1_000))
  // Screen readers hear the wait once, when it starts, not a new number every second.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed when a new limit starts, on purpose
  const announced = useMemo(() => secondsAt(Date.now()), [rateLimitedUntil])
  const what = unreachable?.serverOnly ? 'the server' : 'Paperspace'

  return (
    <div role="status" aria-label="Connection">
      {rateLimitedUntil !== null ? (
        <div className="border-b border-sky-200 bg-sky-50 text-sky-900 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100">
          <p className={ROW}>
            <span className="font-semibold" aria-hidden="true">
              {`Rate limited by Paperspace, retrying in ${secondsAt(now)} s.`}
            </span>
            <span className="sr-only">{`Rate limited by Paperspace, retrying in ${announced} seconds.`}</span>
            <span>The last data received stays on screen meanwhile.</span>
          </p>
        </div>
      ) : null}
      {unreachable ? (
        <div className="border-b border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <p className={ROW}>
            <span className="font-semibold">
              {unreachable.since === null
                ? `Can't reach ${what}.`
                : `Can't reach ${what} — showing data from ${formatClock(unreachable.since)}.`}
            </span>
            <span>It reconnects on its own.</span>
          </p>
        </div>
      ) : null}
    </div>
  )
}
