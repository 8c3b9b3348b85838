import { type UseQueryResult, useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { getRouteApi } from '@tanstack/react-router'
import { useId, useMemo, useState } from 'react'
import { type Availability, availabilityKeys, availabilityQueryOptions } from '../../../api/availability'
import { fleetQueryOptions } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { EmptyState, ErrorState } from '../../../components/ui/states'
import { cellKey, gridGroups, gridRegions, shouldAsk } from '../../../lib/availability-grid'
import { formatClock, formatExact } from '../../../lib/format'
import type { CellStatus } from './availability-cell'
import { AvailabilityGrid } from './availability-grid'

const routeApi = getRouteApi('/availability/')

function statusOf(result: UseQueryResult<Availability> | undefined): CellStatus {
  if (!result) return { kind: 'not-offered' }
  if (result.data !== undefined) {
    return {
      kind: 'known',
      available: Boolean(result.data.available),
      stale: result.isError,
      refreshing: result.isFetching,
    }
  }
  if (result.isError) return { kind: 'unknown', retrying: result.isFetching }
  return { kind: 'checking' }
}

/** Which machine types can be created where, asked cell by cell (a few at a time) and refreshed every minute. */
export function AvailabilityPage() {
  const { availableOnly = false } = routeApi.useSearch()
  const navigate = routeApi.useNavigate()
  const queryClient = useQueryClient()
  const filterId = useId()

  // The fleet only adds regions and types the catalog does not list; the grid does not wait for it.
  const fleet = useQuery({ ...fleetQueryOptions(), refetchInterval: false })
  const regions = useMemo(() => gridRegions((fleet.data ?? []).map((m) => m.region)), [fleet.data])
  const groups = useMemo(() => gridGroups((fleet.data ?? []).map((m) => m.machineType)), [fleet.data])
  const asked = useMemo(
    () =>
      groups.flatMap((group) =>
        group.rows.flatMap((row) =>
          regions
            .filter((region) => shouldAsk(row, region.id))
            .map((region) => ({ type: row.name, region: region.id })),
        ),
      ),
    [groups, regions],
  )
  const results = useQueries({ queries: asked.map((cell) => availabilityQueryOptions(cell.region, cell.type)) })

  const statuses = new Map<string, CellStatus>()
  asked.forEach((cell, index) => {
    statuses.set(cellKey(cell.type, cell.region), statusOf(results[index]))
  })
  const statusFor = (type: string, region: string): CellStatus =>
    statuses.get(cellKey(type, region)) ?? { kind: 'not-offered' }

  const settled = results.filter((r) => r.data !== undefined || r.isError).length
  const failedOnly = results.filter((r) => r.data === undefined && r.isError).length
  const availableCount = results.filter((r) => r.data?.available).length
  const lastChecked = results.reduce((latest, r) => Math.max(latest, r.dataUpdatedAt), 0)
  const checking = settled < asked.length

  const [refreshing, setRefreshing] = useState(false)
  const refresh = async () => {
    setRefreshing(true)
    try {
      await queryClient.refetchQueries({ queryKey: availabilityKeys.all, type: 'active' })
    } finally {
      setRefreshing(false)
    }
  }
  const retry = (type: string, region: string) =>
    void queryClient.refetchQueries({ queryKey: availabilityKeys.cell(region, type), exact: true })

  // A row is hidden by the filter only once every cell it asked about is known and none of them is available.
  const visibleGroups = availableOnly
    ? groups
        .map((group) => ({
          ...group,
          rows: group.rows.filter((row) =>
            regions.some((region) => {
              const status = statusFor(row.name, region.id)
              return (
                status.kind === 'checking' || status.kind === 'unknown' || (status.kind === 'known' && status.available)
              )
            }),
          ),
        }))
        .filter((group) => group.rows.length > 0)
    : groups

  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Availability</h1>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Where each machine type can be created right now. Choose an available cell to create that machine.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {checking ? (
              <span>
                Checking… {settled} of {asked.length}
              </span>
            ) : lastChecked ? (
              <span>
                Last checked at{' '}
                <time
                  dateTime={new Date(lastChecked).toISOString()}
                  title={formatExact(new Date(lastChecked).toISOString())}
                >
                  {formatClock(lastChecked)}
                </time>
              </span>
            ) : null}
          </p>
          <Button onClick={() => void refresh()} pending={refreshing}>
            {refreshing ? 'Checking…' : 'Check again'}
          </Button>
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <input
          id={filterId}
          type="checkbox"
          checked={availableOnly}
          onChange={(event) =>
            navigate({ search: { availableOnly: event.target.checked || undefined }, replace: true })
          }
          className="size-4 rounded border-slate-300 accent-indigo-600 dark:border-slate-600"
        />
        <label htmlFor={filterId} className="text-sm">
          Only types available somewhere
        </label>
        {!checking ? (
          <span className="text-sm text-slate-500 dark:text-slate-400">
            · {availableCount} of {asked.length} checked cells available
          </span>
        ) : null}
      </div>

      {asked.length > 0 && failedOnly === asked.length ? (
        <ErrorState
          title="Could not check availability"
          error={results.find((r) => r.error)?.error}
          onRetry={() => void refresh()}
          retrying={refreshing}
        />
      ) : null}

      {visibleGroups.length > 0 ? (
        <AvailabilityGrid groups={visibleGroups} regions={regions} statusFor={statusFor} onRetry={retry} />
      ) : (
        <EmptyState
          title="Nothing is available right now"
          action={<Button onClick={() => navigate({ search: {}, replace: true })}>Show every machine type</Button>}
        >
          No machine type can be created in any region at the moment. Check again in a few minutes.
        </EmptyState>
      )}
    </section>
  )
}
