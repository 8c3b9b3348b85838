import { useQuery, useSuspenseQuery } from '@tanstack/react-query'
import { type ErrorComponentProps, getRouteApi, Link } from '@tanstack/react-router'
import type { ReactNode } from 'react'
import { isApiError } from '../../../api/client'
import { eventQueryOptions } from '../../../api/events'
import { fleetQueryOptions } from '../../../api/machines'
import { RelativeTime } from '../../../components/relative-time'
import { NotFound, RouteError } from '../../../components/route-error'
import { buttonClasses } from '../../../components/ui/button'
import { CopyButton } from '../../../components/ui/copy-button'
import { formatExact } from '../../../lib/format'
import { eventTypeLabel, eventTypeOf } from '../../../lib/machine-events'
import { EventStateBadge } from './event-state-badge'

const routeApi = getRouteApi('/events/$eventId')

/** Fields shown in their own rows above; anything else the service sends is listed after them as it comes. */
const SHOWN = new Set(['id', 'machineId', 'type', 'name', 'state', 'dtCreated'])

/** "dtFinished" → "Finished", "errorMessage" → "Error message". */
function fieldLabel(key: string): string {
  const words = key
    .replace(/^dt(?=[A-Z])/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function FieldValue({ name, value }: { name: string; value: unknown }) {
  if (value === null || value === undefined || value === '') {
    return <span className="text-slate-500 dark:text-slate-400">—</span>
  }
  if (typeof value === 'string' && /^dt[A-Z]/.test(name)) return <RelativeTimeWithExact iso={value} />
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return <>{String(value)}</>
  return (
    <pre className="overflow-x-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">
      {JSON.stringify(value, null, 2)}
    </pre>
  )
}

function RelativeTimeWithExact({ iso }: { iso: string }) {
  if (Number.isNaN(Date.parse(iso))) return <>{iso}</>
  return (
    <span className="flex flex-wrap gap-x-2">
      <span>{formatExact(iso)}</span>
      <span className="text-slate-500 dark:text-slate-400">
        (<RelativeTime iso={iso} />)
      </span>
    </span>
  )
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 px-4 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-300">{label}</dt>
      <dd className="text-sm text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  )
}

/** One event with every field the service sent, linked to its machine and to that machine's other events. */
export function EventDetailPage() {
  const { eventId } = routeApi.useParams()
  const { data: event } = useSuspenseQuery(eventQueryOptions(eventId))
  const fleet = useQuery(fleetQueryOptions())
  const machineId = event.machineId
  const machineName = machineId ? fleet.data?.find((m) => m.id === machineId)?.name : undefined
  const type = eventTypeOf(event)
  const extra = Object.entries(event as Record<string, unknown>).filter(([key]) => !SHOWN.has(key))

  return (
    <section className="flex max-w-3xl flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link
          to="/events"
          activeOptions={{ exact: true, includeSearch: false }}
          className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900 dark:text-indigo-300 dark:hover:text-indigo-100"
        >
          Events
        </Link>
        <span aria-hidden="true" className="px-2 text-slate-400">
          /
        </span>
        <span className="font-mono text-slate-600 dark:text-slate-300">{event.id ?? eventId}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{eventTypeLabel(type)} event</h1>
        <EventStateBadge state={event.state} />
      </div>

      <dl className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-950">
        <Row label="Event ID">
          <span className="flex items-center gap-2">
            <span className="font-mono">{event.id ?? eventId}</span>
            <CopyButton value={event.id ?? eventId} label="Copy event ID" />
          </span>
        </Row>
        <Row label="Machine">
          {machineId ? (
            <span className="flex flex-col">
              <Link
                to="/machines/$machineId"
                params={{ machineId }}
                className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                {machineName ?? machineId}
              </Link>
              {machineName ? (
                <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{machineId}</span>
              ) : null}
            </span>
          ) : (
            <span className="text-slate-500 dark:text-slate-400">—</span>
          )}
        </Row>
        <Row label="Type">
          {eventTypeLabel(type)}{' '}
          <span className="font-mono text-xs text-slate-500 dark:text-slate-400">({type || '—'})</span>
        </Row>
        <Row label="State">
          <EventStateBadge state={event.state} />
        </Row>
        <Row label="Created">
          <FieldValue name="dtCreated" value={event.dtCreated} />
        </Row>
        {extra.map(([key, value]) => (
          <Row key={key} label={fieldLabel(key)}>
            <FieldValue name={key} value={value} />
          </Row>
        ))}
      </dl>

      {machineId ? (
        <div>
          <Link to="/events" search={{ machineId }} className={buttonClasses('secondary')}>
            All events of {machineName ?? 'this machine'}
          </Link>
        </div>
      ) : null}
    </section>
  )
}

/** A missing event reads as "not found"; anything else gets the usual error with a retry. */
export function EventDetailError(props: ErrorComponentProps) {
  if (isApiError(props.error) && props.error.status === 404) return <NotFound what="event" />
  return <RouteError {...props} />
}
