import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query'
import { getRouteApi } from '@tanstack/react-router'
import { type ReactNode, useMemo, useRef } from 'react'
import { type AuditEntry, auditExportUrl, auditListQueryOptions } from '../../../api/audit'
import { type AuditFilters, readAuditFilters } from '../../../api/audit-filters'
import { Button, buttonClasses } from '../../../components/ui/button'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { EmptyState, ErrorState } from '../../../components/ui/states'
import { AuditFilterBar, hasFilters } from './audit-filters'
import { AuditTable } from './audit-table'

const routeApi = getRouteApi('/audit/')

function entryCount(count: number, matching: boolean): string {
  return `${count} ${matching ? 'matching ' : ''}${count === 1 ? 'entry' : 'entries'}`
}

/** Who did what to the team's machines and sessions, newest first, filtered by the URL and paged with a cursor. */
export function AuditPage() {
  const search = routeApi.useSearch()
  const filters = useMemo(() => readAuditFilters(search), [search])
  const navigate = routeApi.useNavigate()
  const audit = useInfiniteQuery({ ...auditListQueryOptions(filters), placeholderData: keepPreviousData })
  const entries = useMemo(() => audit.data?.pages.flatMap((page) => page.items) ?? [], [audit.data])

  // What was on screen before a change of filters whose first page then failed: kept in view under the error.
  const lastShown = useRef<readonly AuditEntry[]>([])
  if (audit.data && !audit.isPlaceholderData) lastShown.current = entries

  const setFilters = (patch: Partial<Record<keyof AuditFilters, string | undefined>>) =>
    navigate({ search: (previous) => ({ ...readAuditFilters(previous), ...patch }) as AuditFilters, replace: true })
  const clearFilters = () => navigate({ search: {}, replace: true })
  const filtered = hasFilters(filters)
  const retry = () => void audit.refetch()

  let body: ReactNode
  if (audit.isPending) {
    body = <SkeletonRows rows={8} label="Loading audit entries" />
  } else if (audit.isError && !audit.data) {
    // The first page of these filters failed: say so, and keep what was shown before in view.
    body = (
      <>
        <ErrorState
          title="Could not load the audit entries"
          error={audit.error}
          onRetry={retry}
          retrying={audit.isFetching}
        />
        {lastShown.current.length > 0 ? (
          <>
            <p className="text-sm text-slate-600 dark:text-slate-300">Showing the entries loaded before.</p>
            <AuditTable entries={lastShown.current} stale />
          </>
        ) : null}
      </>
    )
  } else if (entries.length === 0) {
    body = filtered ? (
      <EmptyState
        title="No audit entries match these filters"
        action={
          <Button variant="secondary" onClick={() => void clearFilters()}>
            Clear filters
          </Button>
        }
      >
        Try a wider time range or fewer filters.
      </EmptyState>
    ) : (
      <EmptyState title="No audit entries yet">
        Starting, stopping, changing a machine, granting access or signing in records an entry here.
      </EmptyState>
    )
  } else {
    body = (
      <>
        {audit.isRefetchError ? (
          <ErrorState
            title="Could not refresh the audit entries"
            error={audit.error}
            onRetry={retry}
            retrying={audit.isFetching}
          />
        ) : null}
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {audit.isPlaceholderData
            ? 'Updating…'
            : `Showing ${entryCount(entries.length, filtered)}.${audit.hasNextPage ? ' Load more to look further back.' : ''}`}
        </p>
        <AuditTable entries={entries} stale={audit.isPlaceholderData} />
        <div className="flex flex-col items-center gap-3 py-2">
          {audit.isFetchNextPageError ? (
            <ErrorState
              title="Could not load older entries"
              error={audit.error}
              onRetry={() => void audit.fetchNextPage()}
              retrying={audit.isFetchingNextPage}
            />
          ) : audit.hasNextPage && !audit.isPlaceholderData ? (
            <Button onClick={() => void audit.fetchNextPage()} pending={audit.isFetchingNextPage}>
              {audit.isFetchingNextPage ? 'Loading older entries…' : 'Load more'}
            </Button>
          ) : audit.hasNextPage ? null : (
            <p className="text-sm text-slate-500 dark:text-slate-400">No older entries.</p>
          )}
        </div>
      </>
    )
  }

  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Audit</h1>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Who did what to the team's machines and sessions, through this dashboard, newest first.
          </p>
        </div>
        <a href={auditExportUrl(filters)} download className={buttonClasses('secondary', 'sm')}>
          Download CSV
        </a>
      </div>
      <AuditFilterBar filters={filters} onChange={setFilters} />
      {body}
    </section>
  )
}
