import { Button } from '../../../components/ui/button'
import { Spinner } from '../../../components/ui/spinner'
import { formatClock, formatExact } from '../../../lib/format'

/** When the list was last refreshed, whether a refresh is under way, and a button to refresh now. */
export function RefreshStatus({
  updatedAt,
  fetching,
  refreshing,
  onRefresh,
}: {
  updatedAt: number
  fetching: boolean
  refreshing: boolean
  onRefresh: () => void
}) {
  const iso = new Date(updatedAt).toISOString()
  return (
    <div className="flex items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
      <span className="inline-flex items-center gap-2">
        {/* A fixed slot, so the line does not shift on every poll. */}
        <span className="inline-flex w-3.5" title={fetching ? 'Refreshing…' : undefined}>
          {fetching ? <Spinner className="text-slate-500" /> : null}
        </span>
        Last refreshed{' '}
        <time dateTime={iso} title={formatExact(iso)}>
          {formatClock(updatedAt)}
        </time>
      </span>
      <Button size="sm" onClick={onRefresh} pending={refreshing}>
        Refresh
      </Button>
    </div>
  )
}

/** A poll failed: the rows below are the last good data, from `since`. */
export function StaleNotice({
  since,
  error,
  onRetry,
  retrying,
}: {
  since: number
  error: Error
  onRetry: () => void
  retrying: boolean
}) {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p>
        <span className="font-semibold">Stale since {formatClock(since)}.</span> Could not refresh the machines:{' '}
        {error.message} The list below is the last one received; it refreshes again on its own.
      </p>
      <Button size="sm" onClick={onRetry} pending={retrying}>
        Retry now
      </Button>
    </div>
  )
}
