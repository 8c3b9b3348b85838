import { describe, expect, it } from 'vitest'
import type { components } from '../api/schema'
import { summarizeFleet } from './fleet-summary'

type Machine = components['schemas']['Machine']

describe('fleet summary', () => {
  it('counts machines per state, known states first in their usual order', () => {
    const summary = summarizeFleet([
      { state: 'off' },
      { state: 'ready' },
      { state: 'off' },
      { state: 'hibernating' } as unknown as Machine,
      { state: 'starting' },
    ])
    expect(summary.total).toBe(5)
    expect(summary.states).toEqual([
      { state: 'ready', count: 1 },
      { state: 'off', count: 2 },
      { state: 'starting', count: 1 },
      { state: 'hibernating', count: 1 },
    ])
  })

  it('adds up GPUs and list prices of the machines switched on only', () => {
    const summary = summarizeFleet([
      { state: 'ready', machineType: 'A100', gpu: 'NVIDIA A100' }, // 3.09
      { state: 'stopping', machineType: 'H100x8', gpu: 'NVIDIA H100' }, // 47.60, 8 GPUs
      { state: 'off', machineType: 'H100', gpu: 'NVIDIA H100' },
      { state: 'provisioning', machineType: 'H100', gpu: 'NVIDIA H100' },
      { state: 'ready', machineType: 'C4' }, // no list price
      { state: 'ready', machineType: 'C5' }, // 0.08
    ])
    expect(summary.running).toBe(4)
    expect(summary.runningGpus).toBe(9)
    expect(summary.costPerHour).toBe(50.77)
    expect(summary.unpriced).toBe(1)
  })

  it('adds thousands of prices without drifting', () => {
    const fleet = Array.from({ length: 10_000 }, (): Machine => ({ state: 'ready', machineType: 'C5' }))
    expect(summarizeFleet(fleet).costPerHour).toBe(800)
  })
})
