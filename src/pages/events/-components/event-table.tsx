import { Link } from '@tanstack/react-router'
import type { Ref } from 'react'
import type { MachineEvent } from '../../../api/events'
import { RelativeTime } from '../../../components/relative-time'
import { cn } from '../../../lib/cn'
import { formatExact } from '../../../lib/format'
import { eventTypeLabel, eventTypeOf } from '../../../lib/machine-events'
import { EventStateBadge } from './event-state-badge'

const HEAD = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300'
const CELL = 'px-3 py-2 align-middle'

/**
 * Events newest first. Rows carry `data-row-id` so the page can keep the reader's place when new ones arrive on top;
 * the browser's own scroll anchoring is switched off here so the two never both correct the same jump.
 */
export function EventTable({
  events,
  names,
  fresh,
  tableRef,
}: {
  events: readonly MachineEvent[]
  names: ReadonlyMap<string, string>
  fresh: ReadonlySet<string>
  tableRef: Ref<HTMLTableElement>
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table
        ref={tableRef}
        tabIndex={-1}
        className="w-full border-collapse text-sm [overflow-anchor:none] focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <caption className="sr-only">Events, newest first</caption>
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className={HEAD}>
              Time
            </th>
            <th scope="col" className={HEAD}>
              Machine
            </th>
            <th scope="col" className={HEAD}>
              Event
            </th>
            <th scope="col" className={HEAD}>
              State
            </th>
            <th scope="col" className={HEAD}>
              <span className="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {events.map((event, index) => {
            const id = event.id ?? `row-${index}`
            const machineId = event.machineId
            const name = machineId ? names.get(machineId) : undefined
            const typeLabel = eventTypeLabel(eventTypeOf(event))
            return (
              <tr
                key={id}
                data-row-id={id}
                className={cn(
                  'bg-white dark:bg-slate-950',
                  event.id && fresh.has(event.id) && 'bg-indigo-50/70 dark:bg-indigo-950/40',
                )}
              >
                <td className={cn(CELL, 'whitespace-nowrap text-slate-700 dark:text-slate-300')}>
                  <RelativeTime iso={event.dtCreated} />
                </td>
                <td className={CELL}>
                  {machineId ? (
                    <div className="flex flex-col">
                      <Link
                        to="/machines/$machineId"
                        params={{ machineId }}
                        className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                      >
                        {name ?? machineId}
                      </Link>
                      {name ? (
                        <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{machineId}</span>
                      ) : null}
                    </div>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">—</span>
                  )}
                </td>
                <td className={cn(CELL, 'text-slate-900 dark:text-slate-100')}>{typeLabel}</td>
                <td className={CELL}>
                  <EventStateBadge state={event.state} />
                </td>
                <td className={cn(CELL, 'text-right')}>
                  {event.id ? (
                    <Link
                      to="/events/$eventId"
                      params={{ eventId: event.id }}
                      aria-label={`Details of ${typeLabel.toLowerCase()} on ${name ?? machineId ?? 'an unknown machine'}, ${formatExact(event.dtCreated)}`}
                      className="text-indigo-700 hover:underline dark:text-indigo-300"
                    >
                      Details
                    </Link>
                  ) : null}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
