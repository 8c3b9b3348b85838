import { describe, expect, it } from 'vitest'
import {
  EVENT_FAST_POLL_MS,
  EVENT_SLOW_POLL_MS,
  type EventLike,
  eventPollInterval,
  eventStateTone,
  eventTypeLabel,
  eventTypeOf,
  matchesEventFilters,
  mergeEventFeed,
  rangeStart,
  reachedRangeStart,
} from './machine-events'

const NOW = Date.parse('2026-11-28T12:00:00Z')
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString()

describe('labels', () => {
  it('reads the type from `type` or the live `name`, and words it for people', () => {
    expect(eventTypeOf({ type: 'stop' })).toBe('stop')
    expect(eventTypeOf({ name: 'snapshot-create' })).toBe('snapshot-create')
    expect(eventTypeLabel('grant-access')).toBe('Grant access')
    expect(eventTypeLabel(undefined)).toBe('Unknown')
    expect(eventStateTone('in progress')).toBe('busy')
    expect(eventStateTone('error')).toBe('failed')
    expect(eventStateTone('done')).toBe('done')
    expect(eventStateTone('cancelled')).toBe('neutral')
  })

  it('polls fast only while some event is still running', () => {
    expect(eventPollInterval([{ state: 'done' }, { state: 'in progress' }])).toBe(EVENT_FAST_POLL_MS)
    expect(eventPollInterval([{ state: 'done' }, { state: 'error' }])).toBe(EVENT_SLOW_POLL_MS)
    expect(eventPollInterval(undefined)).toBe(EVENT_SLOW_POLL_MS)
  })
})

describe('filters', () => {
  it('keeps events of the chosen type, state and time range', () => {
    const since = rangeStart('1h', NOW)
    expect(since).toBe(NOW - 3_600_000)
    expect(rangeStart('all', NOW)).toBeNull()
    const event = { type: 'stop', state: 'done', dtCreated: at(30) }
    expect(matchesEventFilters(event, { type: 'stop', state: 'done', since })).toBe(true)
    expect(matchesEventFilters(event, { type: 'start' })).toBe(false)
    expect(matchesEventFilters(event, { state: 'error' })).toBe(false)
    expect(matchesEventFilters({ ...event, dtCreated: at(90) }, { since })).toBe(false)
    expect(matchesEventFilters({ ...event, dtCreated: at(90) }, { since: null })).toBe(true)
  })

  it('knows when the loaded events already go back past the range', () => {
    const since = rangeStart('1h', NOW)
    expect(reachedRangeStart([{ dtCreated: at(1) }, { dtCreated: at(59) }], since)).toBe(false)
    expect(reachedRangeStart([{ dtCreated: at(1) }, { dtCreated: at(61) }], since)).toBe(true)
    expect(reachedRangeStart([{ dtCreated: at(61) }], null)).toBe(false)
  })
})

describe('mergeEventFeed', () => {
  const loaded: EventLike[] = [
    { id: 'e3', state: 'in progress' },
    { id: 'e2', state: 'done' },
    { id: 'e1', state: 'done' },
  ]

  it('puts new events on top and takes the fresher state of events both hold', () => {
    const merged = mergeEventFeed(
      {
        items: [
          { id: 'e5', state: 'in progress' },
          { id: 'e4', state: 'done' },
          { id: 'e3', state: 'done' },
        ],
        hasMore: true,
      },
      loaded,
    )
    expect(merged.events.map((e) => `${e.id}:${e.state}`)).toEqual([
      'e5:in progress',
      'e4:done',
      'e3:done',
      'e2:done',
      'e1:done',
    ])
    expect(merged.fresh.map((e) => e.id)).toEqual(['e5', 'e4'])
    expect(merged.gap).toBe(false)
  })

  it('drops duplicates between overlapping pages', () => {
    const merged = mergeEventFeed(undefined, [...loaded, { id: 'e2', state: 'done' }])
    expect(merged.events.map((e) => e.id)).toEqual(['e3', 'e2', 'e1'])
    expect(merged.fresh).toEqual([])
  })

  it('reports a gap when a full newest page shares nothing with what is loaded', () => {
    const merged = mergeEventFeed({ items: [{ id: 'e9' }, { id: 'e8' }], hasMore: true }, loaded)
    expect(merged.gap).toBe(true)
    expect(mergeEventFeed({ items: [{ id: 'e9' }], hasMore: false }, loaded).gap).toBe(false)
  })
})
