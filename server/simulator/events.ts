import { badRequest, notFound } from './errors'
import { settle } from './lifecycle'
import { decodeCursor, encodeCursor, type Page, parseLimit } from './pagination'
import { addEvent, type EventRecord, type EventType, newEventId, type World } from './store'

export interface ListEventsQuery {
  after?: string
  limit?: string
  /** only the events of one machine (the live service offers this filter) */
  machineId?: string
}

/** Appends an event for an action that completes at once. */
export function recordInstantEvent(world: World, machineId: string, type: EventType): EventRecord {
  const now = world.clock.now()
  return addEvent(world.store, {
    id: newEventId(world),
    machineId,
    type,
    state: 'done',
    dtCreated: now,
    dtFinished: now,
  })
}

/** GET /machine-events: newest first, paged with an opaque cursor. */
export function listEvents(world: World, query: ListEventsQuery): Page<EventRecord> {
  const limit = parseLimit(query.limit)
  let before = Number.POSITIVE_INFINITY
  if (query.after !== undefined) {
    const cursor = decodeCursor(query.after)
    if (typeof cursor.s !== 'number' || !Number.isInteger(cursor.s) || cursor.s < 0) {
      throw badRequest('after is not a valid page cursor. Use the nextPage value of the previous page.')
    }
    before = cursor.s
  }
  settle(world)
  const { store } = world
  const source = query.machineId === undefined ? store.events : (store.eventsByMachine.get(query.machineId) ?? [])
  // `source` is oldest first with increasing seq: find where the events older than the cursor end.
  let low = 0
  let high = source.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (source[mid]!.seq < before) low = mid + 1
    else high = mid
  }
  const items: EventRecord[] = []
  for (let i = low - 1; i >= 0; i--) {
    const last = items[items.length - 1]
    if (items.length === limit && last) return { items, hasMore: true, nextPage: encodeCursor({ s: last.seq }) }
    items.push(source[i]!)
  }
  return { items, hasMore: false }
}

export function getEvent(world: World, id: string): EventRecord {
  settle(world)
  const event = world.store.eventsById.get(id)
  if (!event) throw notFound(`Machine event ${id} was not found.`)
  return event
}
