import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useEffect, useMemo, useRef } from 'react'
import { type AuditEntry, machineAuditQueryOptions } from '../../../api/audit'
import { eventKeys } from '../../../api/event-keys'
import { eventFeedQueryOptions, type MachineEvent } from '../../../api/events'
import { FAST_POLL_MS, type Machine } from '../../../api/machines'
import { RelativeTime } from '../../../components/relative-time'
import { Badge, type BadgeTone } from '../../../components/ui/badge'
import { buttonClasses } from '../../../components/ui/button'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { EmptyState, ErrorState } from '../../../components/ui/states'
import { actorLabel, viaLabel } from '../../../lib/audit-labels'
import { tieAuditToEvents } from '../../../lib/audit-ties'
import { isTransitional } from '../../../lib/machine-state'
import { lastAnswerAt, onTheBeatOrOff } from '../../../lib/polling'
import { Section, StaleNotice } from './section'

/** How many of the newest events the page lists; the feed has the rest. */
const SHOWN = 10

const TYPE_LABEL: Record<string, string> = {
  create: 'Created',
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  update: 'Settings updated',
  delete: 'Deleted',
  'grant-access': 'Access granted',
  'revoke-access': 'Access revoked',
}

function stateTone(state: string | undefined): BadgeTone {
  if (state === 'done') return 'green'
  if (state === 'error' || state === 'cancelled') return 'red'
  if (state === 'in progress' || state === 'new') return 'amber'
  return 'neutral'
}

/** "by Ada Lovelace", "by Nightly stop": who the audit trail says caused the event. */
function CausedBy({ entry }: { entry: AuditEntry }) {
  const actor = entry.actor
  const via = viaLabel(actor.via)
  return (
    <span className="text-slate-600 dark:text-slate-300" title={`${via}${actor.email ? ` · ${actor.email}` : ''}`}>
      by <span className="font-medium text-slate-900 dark:text-slate-100">{actorLabel(actor)}</span>
    </span>
  )
}

function EventRow({ event, cause }: { event: MachineEvent; cause: AuditEntry | undefined }) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
      <span className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-medium">{TYPE_LABEL[event.type ?? ''] ?? event.type ?? 'Event'}</span>
        {cause ? <CausedBy entry={cause} /> : null}
      </span>
      <span className="flex items-center gap-3">
        <Badge tone={stateTone(event.state)}>{event.state ?? 'unknown'}</Badge>
        <span className="text-slate-600 dark:text-slate-300">
          <RelativeTime iso={event.dtCreated} />
        </span>
      </span>
    </li>
  )
}

/** The machine's newest events (first page of its feed), refreshed quickly while it is in transition. */
export function EventsSection({ machine }: { machine: Machine }) {
  const machineId = machine.id ?? ''
  const events = useInfiniteQuery({
    ...eventFeedQueryOptions(machineId),
    refetchInterval: (query) =>
      onTheBeatOrOff(isTransitional(machine.state) && FAST_POLL_MS, lastAnswerAt(query.state)),
  })
  const items = useMemo(() => (events.data?.pages[0]?.items ?? []).slice(0, SHOWN), [events.data])
  // Who caused each event, from the server's audit trail; the list stands on its own when the audit cannot be read.
  const audit = useQuery(machineAuditQueryOptions(machineId))
  const causes = useMemo(() => tieAuditToEvents(items, audit.data?.items ?? []), [items, audit.data])
  const queryClient = useQueryClient()
  const transitional = isTransitional(machine.state)
  const wasTransitional = useRef(transitional)

  // A new event on the list: its audit entry was written before it, so ask the audit once more.
  const newestId = items[0]?.id
  const seenNewest = useRef(newestId)
  const { refetch: refetchAudit } = audit
  useEffect(() => {
    const before = seenNewest.current
    seenNewest.current = newestId
    if (before !== undefined && newestId !== before) void refetchAudit()
  }, [newestId, refetchAudit])

  // When the machine settles, its last event has just finished: look once more.
  useEffect(() => {
    if (wasTransitional.current && !transitional) {
      void queryClient.invalidateQueries({ queryKey: eventKeys.feed(machineId) })
    }
    wasTransitional.current = transitional
  }, [transitional, machineId, queryClient])

  return (
    <Section
      title="Events"
      description="What happened to this machine, newest first."
      actions={
        <Link to="/events" search={{ machineId }} className={buttonClasses('secondary', 'sm')}>
          All events of this machine
        </Link>
      }
    >
      {events.isPending ? (
        <SkeletonRows rows={4} label="Loading events" />
      ) : events.isError && !events.data ? (
        <ErrorState
          title="Could not load the events"
          error={events.error}
          onRetry={() => void events.refetch()}
          retrying={events.isFetching}
        />
      ) : (
        <>
          {events.isError ? (
            <StaleNotice error={events.error} onRetry={() => void events.refetch()} retrying={events.isFetching} />
          ) : null}
          {items.length === 0 ? (
            <EmptyState title="No events yet">Starting, stopping or changing the machine records events.</EmptyState>
          ) : (
            <ol aria-label="Recent events" className="flex flex-col divide-y divide-slate-200 dark:divide-slate-800">
              {items.map((event, index) => (
                <EventRow key={event.id} event={event} cause={causes.get(index)} />
              ))}
            </ol>
          )}
        </>
      )}
    </Section>
  )
}
