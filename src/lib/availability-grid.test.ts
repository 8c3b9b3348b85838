import { describe, expect, it } from 'vitest'
import { gpuMemoryLabel, gridGroups, gridRegions, shouldAsk } from './availability-grid'
import { machineTypeInfo } from './catalog'

describe('gridRegions', () => {
  it('lists the catalog regions, then other regions seen in the fleet once each', () => {
    expect(gridRegions([]).map((r) => r.id)).toEqual(['ny2', 'ca1', 'ams1'])
    expect(gridRegions(['Europe (AMS1)', 'sg1', undefined, 'ny2', 'sg1', 'br1']).map((r) => r.id)).toEqual([
      'ny2',
      'ca1',
      'ams1',
      'br1',
      'sg1',
    ])
  })
})

describe('gridGroups', () => {
  it('groups catalog types by class and puts fleet-only types under Other', () => {
    const groups = gridGroups(['A100', 'X9000', 'x9000'])
    expect(groups.map((g) => g.label)).toEqual(['CPU', 'Single GPU', 'Multi GPU', 'Other'])
    expect(groups[0]?.rows.map((r) => r.name)).toContain('C5')
    expect(groups[1]?.rows.map((r) => r.name)).toContain('A100')
    expect(groups[2]?.rows.map((r) => r.name)).toContain('H100x8')
    expect(groups[3]?.rows.map((r) => r.name)).toEqual(['X9000'])
    expect(gridGroups([]).map((g) => g.label)).toEqual(['CPU', 'Single GPU', 'Multi GPU'])
  })
})

describe('shouldAsk', () => {
  it('skips only cells the catalog says are not offered', () => {
    const h100 = { name: 'H100', info: machineTypeInfo('H100') }
    expect(shouldAsk(h100, 'ny2')).toBe(true)
    expect(shouldAsk(h100, 'ams1')).toBe(false)
    expect(shouldAsk(h100, 'sg1')).toBe(true)
    expect(shouldAsk({ name: 'X9000', info: undefined }, 'ams1')).toBe(true)
  })
})

describe('gpuMemoryLabel', () => {
  it('shows memory per GPU, with the count when there are several', () => {
    expect(gpuMemoryLabel(machineTypeInfo('A100'))).toBe('40 GB')
    expect(gpuMemoryLabel(machineTypeInfo('H100x8'))).toBe('8 × 80 GB')
    expect(gpuMemoryLabel(machineTypeInfo('C5'))).toBe('—')
    expect(gpuMemoryLabel(undefined)).toBe('—')
  })
})
