import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { Machine } from '../../../api/machines'
import { cn } from '../../../lib/cn'
import type { FleetSortKey, SortDirection } from '../../../lib/fleet-search'
import { MachineRow, ROW_HEIGHT } from './machine-row'
import { useWindowRows } from './use-window-rows'

/** Longer lists render only the rows near the viewport. */
export const VIRTUALIZE_ABOVE = 100

interface Column {
  key: FleetSortKey
  label: string
  /** A fixed width keeps columns still while rows scroll in and out; the name column takes the rest. */
  width?: string
  numeric?: boolean
  /** The direction a first click sorts by. */
  firstDir?: SortDirection
}

const COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Name' },
  { key: 'state', label: 'State', width: 'w-32' },
  { key: 'machineType', label: 'Machine type', width: 'w-32' },
  { key: 'gpu', label: 'GPU', width: 'w-40' },
  { key: 'region', label: 'Region', width: 'w-36' },
  { key: 'cpus', label: 'CPUs', width: 'w-16', numeric: true },
  { key: 'ram', label: 'RAM', width: 'w-20', numeric: true },
  { key: 'publicIp', label: 'Public IP', width: 'w-36' },
  { key: 'autoShutdown', label: 'Auto-shutdown', width: 'w-36' },
  { key: 'lastRun', label: 'Last run', width: 'w-36', firstDir: 'desc' },
]

const COLUMN_COUNT = COLUMNS.length + 1

/** The current minute, moving on by itself, so relative times stay true on a page left open. */
function useMinute(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000)
    return () => clearInterval(timer)
  }, [])
  return now
}

export interface FleetTableProps {
  rows: readonly Machine[]
  selectedIds: ReadonlySet<string>
  onToggle: (id: string, index: number, range: boolean) => void
  onToggleAll: () => void
  sort: FleetSortKey
  dir: SortDirection
  onSort: (key: FleetSortKey, dir: SortDirection) => void
  /** True while a newer filter or sort is being worked out. */
  stale?: boolean
}

export function FleetTable({ rows, selectedIds, onToggle, onToggleAll, sort, dir, onSort, stale }: FleetTableProps) {
  const now = useMinute()
  const virtual = rows.length > VIRTUALIZE_ABOVE
  const bodyRef = useRef<HTMLTableSectionElement>(null)
  const [scrollMargin, setScrollMargin] = useState(0)

  // Where the rows start on the page; whatever sits above the table (notices, summary) may change its height.
  useLayoutEffect(() => {
    const body = bodyRef.current
    if (!body || !virtual) return
    const measure = () => setScrollMargin(body.getBoundingClientRect().top + window.scrollY)
    measure()
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    observer?.observe(document.body)
    return () => observer?.disconnect()
  }, [virtual])

  // Rows all have one height, so the rows in view follow from the scroll position alone.
  const range = useWindowRows({
    count: rows.length,
    rowHeight: ROW_HEIGHT,
    overscan: 12,
    offsetTop: scrollMargin,
    enabled: virtual,
  })

  let selectedInView = 0
  for (const row of rows) if (row.id && selectedIds.has(row.id)) selectedInView += 1
  const allSelected = rows.length > 0 && selectedInView === rows.length
  const someSelected = selectedInView > 0 && !allSelected
  const selectAll = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = someSelected
  }, [someSelected])

  const renderRow = (index: number) => {
    const machine = rows[index]
    if (!machine) return null
    return (
      <MachineRow
        key={machine.id ?? index}
        machine={machine}
        index={index}
        selected={machine.id ? selectedIds.has(machine.id) : false}
        onToggle={onToggle}
        now={now}
      />
    )
  }

  let body: ReactNode
  if (virtual) {
    const top = range.start * ROW_HEIGHT
    const bottom = (rows.length - range.end) * ROW_HEIGHT
    const shown: ReactNode[] = []
    for (let index = range.start; index < range.end; index++) shown.push(renderRow(index))
    body = (
      <>
        {top > 0 ? (
          // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holding no content, only height
          <tr aria-hidden="true">
            <td colSpan={COLUMN_COUNT} style={{ height: top, padding: 0 }} />
          </tr>
        ) : null}
        {shown}
        {bottom > 0 ? (
          // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holding no content, only height
          <tr aria-hidden="true">
            <td colSpan={COLUMN_COUNT} style={{ height: bottom, padding: 0 }} />
          </tr>
        ) : null}
      </>
    )
  } else {
    body = rows.map((_, index) => renderRow(index))
  }

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 xl:overflow-x-visible dark:border-slate-800">
      <table
        aria-label="Machines"
        aria-rowcount={rows.length + 1}
        aria-busy={stale || undefined}
        className={cn(
          'w-full min-w-[80rem] table-fixed border-collapse text-sm transition-opacity',
          stale && 'opacity-70',
        )}
      >
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase xl:sticky xl:top-0 xl:z-10 dark:bg-slate-900 dark:text-slate-300">
          <tr aria-rowindex={1} className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="w-10 py-2 pl-3">
              <input
                ref={selectAll}
                type="checkbox"
                className="size-4 accent-indigo-600"
                checked={allSelected}
                disabled={rows.length === 0}
                onChange={onToggleAll}
                aria-label={`Select all ${rows.length.toLocaleString('en')} machines shown`}
              />
            </th>
            {COLUMNS.map((column) => {
              const active = column.key === sort
              const nextDir: SortDirection = active ? (dir === 'asc' ? 'desc' : 'asc') : (column.firstDir ?? 'asc')
              return (
                <th
                  key={column.key}
                  scope="col"
                  aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  className={cn('px-1 py-1 whitespace-nowrap', column.width, column.numeric && 'text-right')}
                >
                  <button
                    type="button"
                    onClick={() => onSort(column.key, nextDir)}
                    className={cn(
                      'inline-flex items-center gap-1 rounded px-2 py-1 uppercase hover:bg-slate-200 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800 dark:hover:text-white',
                      active && 'text-slate-900 dark:text-white',
                    )}
                  >
                    {column.label}
                    <span aria-hidden="true" className={cn('w-3 text-[10px]', !active && 'opacity-0')}>
                      {active && dir === 'desc' ? '▼' : '▲'}
                    </span>
                  </button>
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody ref={bodyRef} className="divide-y divide-slate-100 dark:divide-slate-800/70">
          {body}
        </tbody>
      </table>
    </div>
  )
}
