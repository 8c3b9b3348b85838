import { describe, expect, it } from 'vitest'
import type { components } from '../api/schema'
import { MACHINE_TYPES, REGIONS } from './catalog'
import {
  autoShutdownLabel,
  filterMachines,
  gpuCount,
  gpuLabel,
  isFilterActive,
  machineTypeChoices,
  regionChoices,
  resolveChoice,
  sortMachines,
} from './fleet-view'

type Machine = components['schemas']['Machine']

const m = (fields: Machine): Machine => fields

const fleet: Machine[] = [
  m({
    id: 'ps1',
    name: 'train-10',
    state: 'ready',
    machineType: 'A100',
    region: 'ny2',
    cpus: 12,
    ram: 96,
    publicIp: '74.82.1.9',
    dtLastRun: '2026-11-01T00:00:00Z',
    gpu: 'NVIDIA A100',
  }),
  m({
    id: 'ps2',
    name: 'train-9',
    state: 'off',
    machineType: 'C5',
    region: 'East Coast (NY2)',
    cpus: 4,
    // The live service has been seen sending sizes as numeric strings.
    ram: '8' as unknown as number,
    publicIp: '74.82.1.10',
    autoShutdownEnabled: true,
  }),
  m({
    id: 'ps3',
    name: 'Bastion',
    state: 'starting',
    machineType: 'H100x8',
    region: 'ams1',
    cpus: 128,
    ram: 1024,
    gpu: 'NVIDIA H100',
    dtLastRun: '2026-11-20T00:00:00Z',
    autoShutdownEnabled: false,
  }),
  m({ id: 'ps4', name: 'api', state: 'failed', machineType: 'Z9', region: 'mars1', privateIp: '10.0.0.4' }),
]

const names = (list: readonly Machine[]) => list.map((x) => x.name)

describe('sorting the fleet', () => {
  it('sorts names naturally and case-insensitively, both ways', () => {
    expect(names(sortMachines(fleet, { key: 'name', dir: 'asc' }))).toEqual(['api', 'Bastion', 'train-9', 'train-10'])
    expect(names(sortMachines(fleet, { key: 'name', dir: 'desc' }))).toEqual(['train-10', 'train-9', 'Bastion', 'api'])
  })

  it('sorts numbers as numbers, including memory sent as a numeric string', () => {
    expect(names(sortMachines(fleet, { key: 'ram', dir: 'asc' }))).toEqual(['train-9', 'train-10', 'Bastion', 'api'])
  })

  it('puts missing values last in either direction', () => {
    expect(names(sortMachines(fleet, { key: 'lastRun', dir: 'desc' }))).toEqual([
      'Bastion',
      'train-10',
      'api',
      'train-9',
    ])
    expect(names(sortMachines(fleet, { key: 'lastRun', dir: 'asc' }))).toEqual([
      'train-10',
      'Bastion',
      'api',
      'train-9',
    ])
  })

  it('sorts IP addresses by their numbers, not their text', () => {
    expect(names(sortMachines(fleet, { key: 'publicIp', dir: 'asc' })).slice(0, 2)).toEqual(['train-10', 'train-9'])
  })

  it('sorts by the state as shown, and by region name', () => {
    expect(names(sortMachines(fleet, { key: 'state', dir: 'asc' }))).toEqual(['api', 'train-9', 'train-10', 'Bastion'])
    // Both spellings of NY2 sort together (ties by name); an unknown region sorts by its own text.
    expect(names(sortMachines(fleet, { key: 'region', dir: 'asc' }))).toEqual(['train-9', 'train-10', 'Bastion', 'api'])
  })

  it('leaves the input alone', () => {
    const copy = [...fleet]
    sortMachines(fleet, { key: 'cpus', dir: 'desc' })
    expect(fleet).toEqual(copy)
  })
})

describe('filtering the fleet', () => {
  it('returns the same array when nothing is filtered', () => {
    expect(filterMachines(fleet, { q: '  ' })).toBe(fleet)
    expect(isFilterActive({ q: '' })).toBe(false)
  })

  it('matches free text against name, id and both addresses, ignoring case', () => {
    expect(names(filterMachines(fleet, { q: 'TRAIN' }))).toEqual(['train-10', 'train-9'])
    expect(names(filterMachines(fleet, { q: 'ps3' }))).toEqual(['Bastion'])
    expect(names(filterMachines(fleet, { q: '74.82.1.1' }))).toEqual(['train-9'])
    expect(names(filterMachines(fleet, { q: '10.0.0' }))).toEqual(['api'])
  })

  it('filters by state, region (long or short names) and machine type together', () => {
    expect(names(filterMachines(fleet, { q: '', region: 'ny2' }))).toEqual(['train-10', 'train-9'])
    expect(names(filterMachines(fleet, { q: '', region: 'ny2', state: 'off' }))).toEqual(['train-9'])
    expect(names(filterMachines(fleet, { q: '', machineType: 'h100X8' }))).toEqual(['Bastion'])
    expect(names(filterMachines(fleet, { q: 'train', machineType: 'C5', state: 'ready' }))).toEqual([])
  })
})

describe('filter choices', () => {
  it('offers the catalog plus what the fleet uses', () => {
    const regions = regionChoices(fleet, REGIONS)
    expect(regions.map((r) => r.value)).toEqual(['ny2', 'ca1', 'ams1', 'mars1'])
    const types = machineTypeChoices(fleet, MACHINE_TYPES)
    expect(types.at(-1)?.value).toBe('Z9')
    expect(types).toHaveLength(MACHINE_TYPES.length + 1)
  })

  it('resolves a value from the URL case-insensitively, or drops it', () => {
    const regions = regionChoices(fleet, REGIONS)
    expect(resolveChoice('NY2', regions)).toBe('ny2')
    expect(resolveChoice('atlantis', regions)).toBeUndefined()
    expect(resolveChoice(undefined, regions)).toBeUndefined()
  })
})

describe('cells', () => {
  it('shows GPUs with their count from the catalog', () => {
    expect(gpuLabel(fleet[2] as Machine)).toBe('8 × NVIDIA H100')
    expect(gpuLabel(fleet[0] as Machine)).toBe('NVIDIA A100')
    expect(gpuLabel(fleet[1] as Machine)).toBe('')
    expect(gpuCount(fleet[2] as Machine)).toBe(8)
    expect(gpuCount(m({ gpu: 'Mystery GPU', machineType: 'X1' }))).toBe(1)
  })

  it('shows auto-shutdown as on, off, or the live service timeout in hours', () => {
    expect(autoShutdownLabel(fleet[1] as Machine)).toBe('On')
    expect(autoShutdownLabel(fleet[2] as Machine)).toBe('Off')
    expect(autoShutdownLabel(fleet[3] as Machine)).toBe('—')
    expect(autoShutdownLabel({ autoShutdownEnabled: true, autoShutdownTimeout: 8 } as Machine)).toBe('After 8 h')
  })
})
