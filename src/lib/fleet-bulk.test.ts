import { describe, expect, it } from 'vitest'
import { planBulkAction } from './fleet-bulk'
import { machinesLabel, runWithConcurrency } from './fleet-bulk-run'

describe('bulk plans', () => {
  it('splits the selection into machines the action applies to and skipped ones with the reason', () => {
    const plan = planBulkAction('stop', [
      { id: 'a', state: 'ready' },
      { id: 'b', state: 'off' },
      { id: 'c', state: 'starting' },
      { state: 'ready' },
    ])
    expect(plan.applicable.map((m) => m.id)).toEqual(['a'])
    expect(plan.skipped.map((s) => [s.machine.id, s.reason])).toEqual([
      ['b', 'The machine is already off.'],
      ['c', 'The machine is starting.'],
    ])
  })

  it('counts machines in words', () => {
    expect(machinesLabel(1)).toBe('1 machine')
    expect(machinesLabel(12000)).toBe('12,000 machines')
  })
})

describe('running with limited concurrency', () => {
  it('never has more than the limit in flight, and finishes every item even when some fail', async () => {
    let inFlight = 0
    let peak = 0
    const done: number[] = []
    await runWithConcurrency([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((resolve) => setTimeout(resolve, n % 3))
      inFlight--
      if (n === 3) throw new Error('boom')
      done.push(n)
    })
    expect(peak).toBe(4)
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10])
  })

  it('does nothing for no items', async () => {
    let calls = 0
    await runWithConcurrency([], 4, async () => {
      calls++
    })
    expect(calls).toBe(0)
  })
})
