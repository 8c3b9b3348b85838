/**
 * Which audit entry caused which machine event: the answer to "who did this?" on a machine's event list. Pure.
 *
 * An entry and an event are tied by the event id the entry recorded, when both have one. Otherwise an entry is tied
 * to an event of the same machine whose type matches the entry's action, created at most 60 s after the entry
 * (the entry is written before the request leaves, the event when Paperspace takes it). Closest in time wins, and
 * each entry and each event are tied once at most. An entry whose request failed made no event and is never tied by
 * time.
 */

/** The fields of a machine event read here; the live service names the type `name`. */
export interface TieEvent {
  id?: string
  machineId?: string
  type?: string
  name?: string
  dtCreated?: string
}

/** The fields of an audit entry read here. */
export interface TieEntry {
  id: string
  at: string
  action: string
  machineId: string | null
  outcome?: string
  eventId: string | null
}

/** How long before an event its audit entry may have been written. */
export const TIE_WINDOW_MS = 60_000

/** The event type each audited action makes. */
const EVENT_TYPE_OF_ACTION: Readonly<Record<string, string>> = {
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  create: 'create',
  update: 'update',
  delete: 'delete',
  grant: 'grant-access',
  revoke: 'revoke-access',
}

function typeOf(event: TieEvent): string {
  return event.type ?? event.name ?? ''
}

/**
 * The entry behind each event, keyed by the event's position in `events` (events without an id can be tied too).
 * Events with no tie are absent.
 */
export function tieAuditToEvents<E extends TieEntry>(
  events: readonly TieEvent[],
  entries: readonly E[],
): Map<number, E> {
  const ties = new Map<number, E>()
  const used = new Set<E>()

  // By event id, when both sides have one.
  const byEventId = new Map<string, E>()
  for (const entry of entries) if (entry.eventId && !byEventId.has(entry.eventId)) byEventId.set(entry.eventId, entry)
  events.forEach((event, index) => {
    const entry = event.id ? byEventId.get(event.id) : undefined
    if (entry && !used.has(entry)) {
      ties.set(index, entry)
      used.add(entry)
    }
  })

  // By machine, action and time, for the rest: every candidate pair, closest first.
  const pairs: Array<{ index: number; entry: E; gap: number }> = []
  events.forEach((event, index) => {
    if (ties.has(index)) return
    const created = Date.parse(event.dtCreated ?? '')
    const type = typeOf(event)
    if (Number.isNaN(created) || !type || !event.machineId) return
    for (const entry of entries) {
      if (used.has(entry) || entry.outcome === 'failed') continue
      if (event.id && entry.eventId) continue
      if (entry.machineId !== event.machineId || EVENT_TYPE_OF_ACTION[entry.action] !== type) continue
      const gap = created - Date.parse(entry.at)
      if (gap >= 0 && gap <= TIE_WINDOW_MS) pairs.push({ index, entry, gap })
    }
  })
  pairs.sort((a, b) => a.gap - b.gap)
  for (const { index, entry } of pairs) {
    if (ties.has(index) || used.has(entry)) continue
    ties.set(index, entry)
    used.add(entry)
  }
  return ties
}
