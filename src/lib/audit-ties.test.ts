import { describe, expect, it } from 'vitest'
import { type TieEntry, type TieEvent, tieAuditToEvents } from './audit-ties'

const T = Date.parse('2026-11-28T12:00:00Z')
const iso = (seconds: number) => new Date(T + seconds * 1000).toISOString()

function event(id: string | undefined, type: string, seconds: number, machineId = 'm-1'): TieEvent {
  return { ...(id ? { id } : {}), machineId, type, dtCreated: iso(seconds) }
}

function entry(id: string, action: string, seconds: number, patch: Partial<TieEntry> = {}): TieEntry {
  return { id, at: iso(seconds), action, machineId: 'm-1', outcome: 'ok', eventId: null, ...patch }
}

/** The tie of each event as "event position → entry id". */
function tied(events: TieEvent[], entries: TieEntry[]): Record<number, string> {
  return Object.fromEntries([...tieAuditToEvents(events, entries)].map(([index, e]) => [index, e.id]))
}

describe('tieAuditToEvents', () => {
  it('ties by event id when both sides have one, whatever the times say', () => {
    const events = [event('ev-2', 'stop', 500), event('ev-1', 'start', 0)]
    const entries = [entry('a-1', 'start', -3600, { eventId: 'ev-1' }), entry('a-2', 'stop', 499, { eventId: 'ev-2' })]
    expect(tied(events, entries)).toEqual({ 0: 'a-2', 1: 'a-1' })
  })

  it('does not tie by time an entry that names another event', () => {
    const events = [event('ev-1', 'start', 0)]
    expect(tied(events, [entry('a-1', 'start', -5, { eventId: 'ev-other' })])).toEqual({})
    // An event without an id can still take it by time.
    expect(tied([event(undefined, 'start', 0)], [entry('a-1', 'start', -5, { eventId: 'ev-other' })])).toEqual({
      0: 'a-1',
    })
  })

  it('ties by machine, matching action and time up to 60 s before the event', () => {
    const events = [event('ev-1', 'start', 0)]
    expect(tied(events, [entry('a-1', 'start', -60)])).toEqual({ 0: 'a-1' })
    expect(tied(events, [entry('a-1', 'start', 0)])).toEqual({ 0: 'a-1' })
    expect(tied(events, [entry('a-1', 'start', -61)])).toEqual({})
    expect(tied(events, [entry('a-1', 'start', 1)])).toEqual({})
    expect(tied(events, [entry('a-1', 'stop', -5)])).toEqual({})
    expect(tied(events, [entry('a-1', 'start', -5, { machineId: 'm-2' })])).toEqual({})
    expect(tied(events, [entry('a-1', 'start', -5, { outcome: 'failed' })])).toEqual({})
  })

  it('maps every machine action to its event type, the live service’s `name` included', () => {
    for (const [action, type] of [
      ['create', 'create'],
      ['restart', 'restart'],
      ['update', 'update'],
      ['delete', 'delete'],
      ['grant', 'grant-access'],
      ['revoke', 'revoke-access'],
    ]) {
      expect(tied([event('ev-1', type as string, 0)], [entry('a-1', action as string, -2)])).toEqual({ 0: 'a-1' })
    }
    const live: TieEvent = { id: 'ev-1', machineId: 'm-1', name: 'stop', dtCreated: iso(0) }
    expect(tied([live], [entry('a-1', 'stop', -2)])).toEqual({ 0: 'a-1' })
    expect(tied([event('ev-1', 'start', 0)], [entry('a-1', 'sign-in', -2)])).toEqual({})
  })

  it('gives each event the closest entry, and each entry one event at most', () => {
    // Two starts 30 s apart and two entries: each start takes the entry just before it.
    const events = [event('ev-2', 'start', 30), event('ev-1', 'start', 0)]
    const entries = [entry('late', 'start', 28), entry('early', 'start', -2)]
    expect(tied(events, entries)).toEqual({ 0: 'late', 1: 'early' })

    // One entry, two events it could explain: the closer event has it.
    expect(tied(events, [entry('only', 'start', -2)])).toEqual({ 1: 'only' })

    // An entry already tied by id is not used again by time.
    expect(
      tied([event('ev-1', 'stop', 0), event('ev-2', 'stop', 5)], [entry('a-1', 'stop', -1, { eventId: 'ev-1' })]),
    ).toEqual({
      0: 'a-1',
    })
  })

  it('leaves events with no time, type or machine untied', () => {
    const entries = [entry('a-1', 'start', -2)]
    expect(tied([{ id: 'ev-1', machineId: 'm-1', type: 'start' }], entries)).toEqual({})
    expect(tied([{ id: 'ev-1', machineId: 'm-1', dtCreated: iso(0) }], entries)).toEqual({})
    expect(tied([{ id: 'ev-1', type: 'start', dtCreated: iso(0) }], entries)).toEqual({})
  })
})
