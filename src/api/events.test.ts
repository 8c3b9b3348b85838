import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventQueryOptions, latestEventsQueryOptions } from './events'

type Interval = (query: unknown) => number | false

/** 40 s on the wall clock: a beat of both the 2 s and the 10 s period. */
const BEAT = 40_000

function intervalFor(options: { refetchInterval?: unknown }, data: unknown): number | false {
  // Answered on the beat, asked 500 ms later: the next poll is one period after the beat.
  const query = { state: { data, dataUpdatedAt: BEAT, errorUpdatedAt: 0 } }
  return (options.refetchInterval as Interval)(query)
}

describe('event polling', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(BEAT + 500)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('polls the newest page on the 10 s beat, on the 2 s beat while one of its events is in progress', () => {
    const options = latestEventsQueryOptions()
    expect(intervalFor(options, { items: [{ state: 'done' }], hasMore: false })).toBe(10_000 - 500)
    expect(intervalFor(options, { items: [{ state: 'done' }, { state: 'in progress' }] })).toBe(2_000 - 500)
    expect(intervalFor(options, undefined)).toBe(10_000 - 500)
  })

  it('polls one event only until it settles', () => {
    const options = eventQueryOptions('ev1')
    expect(intervalFor(options, { id: 'ev1', state: 'in progress' })).toBe(2_000 - 500)
    expect(intervalFor(options, { id: 'ev1', state: 'done' })).toBe(false)
  })
})
