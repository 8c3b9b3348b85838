import { useQuery, useSuspenseQuery } from '@tanstack/react-query'
import { getRouteApi } from '@tanstack/react-router'
import {
  lazy,
  Suspense,
  startTransition,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import { fleetQueryOptions, fleetTransitionsQueryOptions, type Machine, transitioningIds } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { EmptyState } from '../../../components/ui/states'
import { toast } from '../../../components/ui/toast-store'
import { MACHINE_TYPES, REGIONS, regionId } from '../../../lib/catalog'
import { type BulkPlan, planBulkAction } from '../../../lib/fleet-bulk'
import { summarizeFleet } from '../../../lib/fleet-summary'
import {
  createFleetFilter,
  createFleetSorter,
  type FleetSort,
  type FleetSortKey,
  isFilterActive,
  machineTypeChoices,
  regionChoices,
  resolveChoice,
  type SortDirection,
} from '../../../lib/fleet-view'
import type { LifecycleAction } from '../../../lib/machine-state'
import { FleetSummaryPanel } from './fleet-summary'
import { FleetTable } from './fleet-table'
import { FleetToolbar } from './fleet-toolbar'
import { RefreshStatus, StaleNotice } from './refresh-status'

const route = getRouteApi('/machines/')

// The dialogs load when first wanted (the create button starts loading its dialog on hover or focus): they are a
// third of the page's code, and the list's first load carries none of it.
const loadCreateDialog = () => import('./create-machine-dialog')
const CreateMachineDialog = lazy(() => loadCreateDialog().then((m) => ({ default: m.CreateMachineDialog })))
const BulkActionDialog = lazy(() => import('./bulk-action-dialog').then((m) => ({ default: m.BulkActionDialog })))
const preloadCreateDialog = () => void loadCreateDialog()

function download(text: string, filename: string): void {
  // The byte order mark makes spreadsheet programs read the file as UTF-8.
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}

/** Follows a large fleet's machines in transition one by one (the list itself refreshes on the slow interval). */
function useTransitionFollower(machines: readonly Machine[]): void {
  const ids = useMemo(() => transitioningIds(machines), [machines])
  useQuery(fleetTransitionsQueryOptions(ids))
}

/**
 * A value of the view that can run ahead of the URL: set here, the table follows it in the background while the
 * URL is written a little later. It gives way to the URL's value as soon as that changes, whether the write landed
 * or the URL changed elsewhere (back button, links). `reset` sets it at once, for a change the URL may not show.
 */
function useAheadOfUrl<T>(
  url: T,
  same: (a: T, b: T) => boolean,
): { value: T; ahead: boolean; set: (value: T) => void; reset: (value: T) => void } {
  const [state, setState] = useState({ url, value: url })
  let current = state
  if (!same(state.url, url)) {
    current = { url, value: url }
    setState(current)
  }
  // Set over the URL as rendered: once the URL has moved on, a value set over its old one is dropped.
  const set = (value: T) => startTransition(() => setState((s) => (same(s.url, url) ? { url, value } : s)))
  const reset = (value: T) => setState({ url, value })
  return { value: current.value, ahead: !same(current.value, url), set, reset }
}

const sameText = (a: string, b: string) => a === b
const sameSort = (a: FleetSort, b: FleetSort) => a.key === b.key && a.dir === b.dir

export function MachinesPage() {
  const search = route.useSearch()
  const navigate = route.useNavigate()
  const fleet = useSuspenseQuery(fleetQueryOptions())
  const machines = fleet.data
  useTransitionFollower(machines)

  // Typed text and a clicked sort reach the table in a transition, before the URL has them: a keystroke or a click
  // renders little more than itself, and the table catches up when it can.
  const text = useAheadOfUrl(search.q, sameText)
  const sort = useAheadOfUrl<FleetSort>({ key: search.sort, dir: search.dir }, sameSort)
  const regions = useMemo(() => regionChoices(machines, REGIONS), [machines])
  const types = useMemo(() => machineTypeChoices(machines, MACHINE_TYPES), [machines])
  // Values from the URL that match nothing known are treated as "no filter".
  const region = resolveChoice(search.region ? regionId(search.region) : undefined, regions)
  const type = resolveChoice(search.type, types)
  const wanted = useMemo(
    () => ({ q: text.value, state: search.state, region, type, sort: sort.value.key, dir: sort.value.dir }),
    [text.value, search.state, region, type, sort.value.key, sort.value.dir],
  )
  // Filtering and sorting 20,000 rows may take a moment: a change from the URL (a filter chosen, the back button)
  // renders the page at once and the table catches up.
  const view = useDeferredValue(wanted)

  const summary = useMemo(() => summarizeFleet(machines), [machines])
  // Kept outside React's memos, which a background render that gets interrupted throws away: sorting back to an
  // earlier order, typing on and deleting letters reuse earlier results.
  const [sortFleet] = useState(createFleetSorter)
  const [filterFleet] = useState(createFleetFilter<Machine>)
  const sorted = useMemo(
    () => sortFleet(machines, { key: view.sort, dir: view.dir }),
    [sortFleet, machines, view.sort, view.dir],
  )
  const rows = useMemo(
    () => filterFleet(sorted, { q: view.q, state: view.state, region: view.region, machineType: view.type }),
    [filterFleet, sorted, view.q, view.state, view.region, view.type],
  )
  const filtered = isFilterActive({ q: text.value, state: search.state, region, machineType: type })

  // A clicked sort goes into the URL (a history entry, so the back button undoes it) once the table shows it.
  const sortAhead = sort.ahead
  const sortShown = view.sort === sort.value.key && view.dir === sort.value.dir
  useEffect(() => {
    if (!sortAhead || !sortShown) return
    navigate({ search: (previous) => ({ ...previous, sort: view.sort, dir: view.dir }) })
  }, [sortAhead, sortShown, navigate, view.sort, view.dir])

  // Selection: ids, kept while filters change; actions apply to the selected machines in view.
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set())
  const anchor = useRef<number | null>(null)
  const rowsRef = useRef(rows)
  useEffect(() => {
    rowsRef.current = rows
  }, [rows])
  const onToggle = useCallback((id: string, index: number, range: boolean) => {
    // Read the anchor and rows now: the state updater below runs later, after the anchor has moved.
    const from = range && anchor.current !== null ? Math.min(anchor.current, index) : index
    const to = range && anchor.current !== null ? Math.max(anchor.current, index) : index
    const ids = rowsRef.current
      .slice(from, to + 1)
      .map((m) => m.id)
      .filter((rowId): rowId is string => Boolean(rowId))
    anchor.current = index
    setSelected((previous) => {
      const next = new Set(previous)
      const select = !previous.has(id)
      for (const rowId of ids) {
        if (select) next.add(rowId)
        else next.delete(rowId)
      }
      return next
    })
  }, [])
  const selectedRows = useMemo(() => rows.filter((m) => m.id && selected.has(m.id)), [rows, selected])
  const onToggleAll = useCallback(() => {
    const current = rowsRef.current
    setSelected((previous) => {
      const allSelected = current.length > 0 && current.every((m) => m.id && previous.has(m.id))
      const next = new Set(previous)
      for (const m of current) {
        if (!m.id) continue
        if (allSelected) next.delete(m.id)
        else next.add(m.id)
      }
      return next
    })
    anchor.current = null
  }, [])

  const [plan, setPlan] = useState<BulkPlan | null>(null)
  const openBulk = (action: LifecycleAction) => setPlan(planBulkAction(action, selectedRows))

  const [refreshing, setRefreshing] = useState(false)
  const refresh = async () => {
    setRefreshing(true)
    try {
      await fleet.refetch()
    } finally {
      setRefreshing(false)
    }
  }

  const setFilter = (patch: { state?: string | undefined; region?: string | undefined; type?: string | undefined }) =>
    navigate({ search: (previous) => ({ ...previous, ...patch }) as typeof previous })
  // Clearing drops typed text the URL may never have shown (written on the way out of the box, then cleared, in one
  // go): the table's text and the box start afresh.
  const [textKey, setTextKey] = useState(0)
  const clearFilters = () => {
    text.reset('')
    setTextKey((key) => key + 1)
    navigate({
      search: (previous) => ({ ...previous, q: '', state: undefined, region: undefined, type: undefined }),
    })
  }

  // Once opened, the create dialog stays mounted, so closing it runs the native dialog's close (focus goes back).
  const [createUsed, setCreateUsed] = useState(false)
  if (search.create === 1 && !createUsed) setCreateUsed(true)

  const closeCreate = () =>
    navigate({
      search: (previous) => ({ ...previous, create: undefined, createRegion: undefined, createType: undefined }),
      replace: true,
    })

  return (
    <section aria-labelledby="machines-heading" className="flex flex-col gap-5">
      <header className="flex flex-wrap items-center gap-3">
        <h1 id="machines-heading" className="text-2xl font-semibold">
          Machines
        </h1>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <RefreshStatus
            updatedAt={fleet.dataUpdatedAt}
            fetching={fleet.isFetching}
            refreshing={refreshing}
            onRefresh={() => void refresh()}
          />
          <Button
            variant="primary"
            onPointerEnter={preloadCreateDialog}
            onFocus={preloadCreateDialog}
            onClick={() => navigate({ search: (previous) => ({ ...previous, create: 1 }) })}
          >
            Create machine
          </Button>
        </div>
      </header>

      {fleet.isRefetchError && fleet.error ? (
        <StaleNotice
          since={fleet.dataUpdatedAt}
          error={fleet.error}
          onRetry={() => void refresh()}
          retrying={refreshing}
        />
      ) : null}

      <FleetSummaryPanel
        summary={summary}
        activeState={search.state}
        onStateClick={(state) => setFilter({ state: search.state === state ? undefined : state })}
      />

      <FleetToolbar
        filter={{ q: search.q, state: search.state, region, type }}
        regions={regions}
        types={types}
        filtered={filtered}
        textKey={textKey}
        onText={text.set}
        onTextCommit={(q) => navigate({ search: (previous) => ({ ...previous, q }), replace: true })}
        onChange={setFilter}
        onClear={clearFilters}
        canExport={rows.length > 0}
        onExport={() =>
          // The CSV code loads on the first export, not with the page.
          void import('../../../lib/fleet-csv').then(({ fleetCsv, fleetCsvFilename }) =>
            download(fleetCsv(rows), fleetCsvFilename()),
          )
        }
      />

      <div className="flex flex-wrap items-center gap-3">
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {filtered
            ? `Showing ${rows.length.toLocaleString('en')} of ${machines.length.toLocaleString('en')} machines`
            : `${machines.length.toLocaleString('en')} machines`}
          {selectedRows.length > 0 ? ` · ${selectedRows.length.toLocaleString('en')} selected` : ''}
        </p>
        <fieldset className="ml-auto flex min-w-0 items-center gap-2 border-0 p-0">
          <legend className="sr-only">Actions for the selected machines</legend>
          <Button size="sm" disabled={selectedRows.length === 0} onClick={() => openBulk('start')}>
            Start
          </Button>
          <Button size="sm" disabled={selectedRows.length === 0} onClick={() => openBulk('stop')}>
            Stop
          </Button>
          <Button size="sm" disabled={selectedRows.length === 0} onClick={() => openBulk('restart')}>
            Restart
          </Button>
          {selectedRows.length > 0 ? (
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          ) : null}
        </fieldset>
      </div>

      {machines.length === 0 ? (
        <EmptyState
          title="No machines yet"
          action={
            <Button variant="primary" onClick={() => navigate({ search: (previous) => ({ ...previous, create: 1 }) })}>
              Create your first machine
            </Button>
          }
        >
          This team has no machines. Create one to get started.
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState
          title="No machines match these filters"
          action={
            <Button variant="primary" onClick={clearFilters}>
              Clear filters
            </Button>
          }
        >
          Nothing in the fleet matches the text, state, region or machine type chosen.
        </EmptyState>
      ) : (
        <FleetTable
          rows={rows}
          selectedIds={selected}
          onToggle={onToggle}
          onToggleAll={onToggleAll}
          sort={view.sort}
          dir={view.dir}
          stale={view !== wanted}
          onSort={(key: FleetSortKey, dir: SortDirection) => sort.set({ key, dir })}
        />
      )}

      {plan ? (
        <Suspense fallback={null}>
          <BulkActionDialog
            plan={plan}
            onClose={() => setPlan(null)}
            onFinished={(accepted) =>
              setSelected((previous) => {
                const next = new Set(previous)
                for (const id of accepted) next.delete(id)
                return next
              })
            }
          />
        </Suspense>
      ) : null}

      {createUsed ? (
        <Suspense fallback={null}>
          <CreateMachineDialog
            open={search.create === 1}
            prefill={{ region: search.createRegion, machineType: search.createType }}
            onClose={closeCreate}
            onCreated={(machine) => {
              toast(`Creating ${machine.name ?? 'the machine'}`, {
                description: 'It shows as provisioning until it is ready.',
                tone: 'success',
              })
              closeCreate()
            }}
          />
        </Suspense>
      ) : null}
    </section>
  )
}
