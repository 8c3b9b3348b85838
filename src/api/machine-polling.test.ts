import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  fleetQueryOptions,
  fleetTransitionsQueryOptions,
  type Machine,
  machineQueryOptions,
  PAGE_LIMIT,
} from './machines'

type Interval = (query: unknown) => number | false

/** 60 s on the wall clock: a beat of both the 2 s and the 30 s period. */
const BEAT = 60_000

function intervalFor(options: { refetchInterval?: unknown }, data: unknown, answeredAt = BEAT): number | false {
  const query = { state: { data, dataUpdatedAt: answeredAt, errorUpdatedAt: 0 } }
  return (options.refetchInterval as Interval)(query)
}

const fleetOf = (count: number, state: Machine['state'] = 'off'): Machine[] =>
  Array.from({ length: count }, (_, i) => ({ id: `ps${i}`, state }) as Machine)

describe('machine polling on the beat', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(BEAT + 300)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('polls a small fleet on the 2 s beat while a machine is in transition, else on the 30 s beat', () => {
    const options = fleetQueryOptions()
    expect(intervalFor(options, [...fleetOf(3), ...fleetOf(1, 'starting')])).toBe(2_000 - 300)
    expect(intervalFor(options, fleetOf(3, 'ready'))).toBe(30_000 - 300)
  })

  it('re-lists a large fleet on the 30 s beat even while machines are in transition', () => {
    expect(intervalFor(fleetQueryOptions(), fleetOf(PAGE_LIMIT + 1, 'stopping'))).toBe(30_000 - 300)
  })

  it('follows machines in transition and one machine on the 2 s beat', () => {
    expect(intervalFor(fleetTransitionsQueryOptions(['ps1']), [])).toBe(2_000 - 300)
    expect(intervalFor(machineQueryOptions('ps1'), { id: 'ps1', state: 'restarting' })).toBe(2_000 - 300)
    expect(intervalFor(machineQueryOptions('ps1'), { id: 'ps1', state: 'off' })).toBe(30_000 - 300)
  })

  it('skips a beat that comes too soon after the last answer', () => {
    vi.setSystemTime(BEAT - 100)
    expect(intervalFor(machineQueryOptions('ps1'), { id: 'ps1', state: 'starting' }, BEAT - 100)).toBe(2_100)
  })
})
