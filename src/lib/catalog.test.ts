import { describe, expect, it } from 'vitest'
import { machineTypeInfo, pricePerHour, regionId, regionName } from './catalog'

describe('catalog', () => {
  it('maps long and short region names to one id', () => {
    expect(regionId('East Coast (NY2)')).toBe('ny2')
    expect(regionId('NY2')).toBe('ny2')
    expect(regionId('ams1')).toBe('ams1')
    expect(regionId('Mars (MRS1)')).toBe('Mars (MRS1)')
    expect(regionName('ca1')).toBe('West Coast (CA1)')
  })

  it('knows machine types and their prices, case-insensitively', () => {
    expect(machineTypeInfo('a100-80g')?.gpuMemoryGb).toBe(80)
    expect(pricePerHour('H100')).toBe(5.95)
    expect(pricePerHour('Z9000')).toBeNull()
  })
})
