import { describe, expect, it } from 'vitest'
import { eventQueryOptions, latestEventsQueryOptions } from './events'

type Interval = (query: unknown) => number | false

function intervalFor(options: { refetchInterval?: unknown }, data: unknown): number | false {
  const query = { state: { data } }
  return (options.refetchInterval as Interval)(query)
}

describe('event polling', () => {
  it('polls the newest page every 10 s, every 2 s while one of its events is in progress', () => {
    const options = latestEventsQueryOptions()
    expect(intervalFor(options, { items: [{ state: 'done' }], hasMore: false })).toBe(10_000)
    expect(intervalFor(options, { items: [{ state: 'done' }, { state: 'in progress' }] })).toBe(2_000)
    expect(intervalFor(options, undefined)).toBe(10_000)
  })

  it('polls one event only until it settles', () => {
    const options = eventQueryOptions('ev1')
    expect(intervalFor(options, { id: 'ev1', state: 'in progress' })).toBe(2_000)
    expect(intervalFor(options, { id: 'ev1', state: 'done' })).toBe(false)
  })
})
