import { Link } from '@tanstack/react-router'
import { Button } from '../../../components/ui/button'
import { Skeleton } from '../../../components/ui/skeleton'
import { cn } from '../../../lib/cn'

export type CellStatus =
  | { kind: 'not-offered' }
  | { kind: 'checking' }
  | { kind: 'known'; available: boolean; stale: boolean; refreshing: boolean }
  | { kind: 'unknown'; retrying: boolean }

const PILL = 'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset'
const AVAILABLE =
  'bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700'
const UNAVAILABLE = 'bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-700'

function Dot({ className }: { className: string }) {
  return <span aria-hidden="true" className={cn('size-1.5 rounded-full', className)} />
}

/**
 * One region × type: "Available" (a link that opens "Create machine" with both filled in), "Unavailable",
 * "Not offered", "Checking…" or "Unknown" with a retry. Text and colour always go together.
 */
export function AvailabilityCell({
  status,
  machineType,
  region,
  regionLabel,
  onRetry,
}: {
  status: CellStatus
  machineType: string
  region: string
  regionLabel: string
  onRetry: () => void
}) {
  const where = `${machineType} in ${regionLabel}`
  switch (status.kind) {
    case 'not-offered':
      return <span className="text-xs text-slate-500 dark:text-slate-400">Not offered</span>
    case 'checking':
      return (
        <span className="inline-flex items-center">
          <Skeleton className="h-5 w-20 rounded-full" />
          <span className="sr-only">Checking…</span>
        </span>
      )
    case 'unknown':
      return (
        <span className="inline-flex flex-wrap items-center gap-2">
          <span
            className={cn(
              PILL,
              'bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-700',
            )}
          >
            <Dot className="bg-amber-500" />
            Unknown
          </span>
          <Button
            size="sm"
            variant="ghost"
            className="h-7 px-2"
            onClick={onRetry}
            pending={status.retrying}
            aria-label={`Retry ${where}`}
          >
            Retry
          </Button>
        </span>
      )
    case 'known': {
      const label = status.available ? 'Available' : 'Unavailable'
      const badge = status.available ? (
        <Link
          to="/machines"
          search={{ create: 1, createRegion: region, createType: machineType }}
          aria-label={`${label}: create a ${where}`}
          className={cn(
            PILL,
            AVAILABLE,
            'hover:bg-emerald-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:hover:bg-emerald-900',
          )}
        >
          <Dot className="bg-emerald-500" />
          {label}
        </Link>
      ) : (
        <span className={cn(PILL, UNAVAILABLE)}>
          <Dot className="bg-red-500" />
          {label}
        </span>
      )
      return (
        <span className="inline-flex flex-wrap items-center gap-2" aria-busy={status.refreshing || undefined}>
          {badge}
          {status.stale ? (
            <Button
              size="sm"
              variant="ghost"
              className="h-7 px-2 text-amber-800 dark:text-amber-200"
              onClick={onRetry}
              aria-label={`Stale, retry ${where}`}
            >
              Stale, retry
            </Button>
          ) : null}
        </span>
      )
    }
  }
}
