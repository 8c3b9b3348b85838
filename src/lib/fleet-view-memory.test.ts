import { describe, expect, it } from 'vitest'
import type { components } from '../api/schema'
import { createFleetFilter, createFleetSorter, type FleetFilter, filterMachines, sortMachines } from './fleet-view'

type Machine = components['schemas']['Machine']

const WORDS = ['train', 'render', 'jupyter', 'api', 'Train', 'llm-eval', 'notebook']
const STATES = ['ready', 'off', 'starting', 'failed'] as const
const REGIONS = ['ny2', 'ca1', 'ams1']

/** A fleet with repeated, differently cased and numbered names, as real fleets have. */
function fleet(size: number, seed = 1): Machine[] {
  let state = seed
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state % n
  }
  return Array.from({ length: size }, (_, index) => ({
    id: `ps${index.toString(36).padStart(4, '0')}`,
    name: `${WORDS[next(WORDS.length)]}-${next(30)}`,
    state: STATES[next(STATES.length)],
    region: REGIONS[next(REGIONS.length)],
    machineType: next(2) ? 'A100' : 'C5',
    cpus: next(64),
    publicIp: next(3) ? `10.0.${next(255)}.${next(255)}` : undefined,
  }))
}

const ids = (list: readonly Machine[]) => list.map((m) => m.id)

/** The order the collator gives directly: what sorting meant before ranks. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
function byCollator(machines: readonly Machine[], key: 'name' | 'state', dir: 'asc' | 'desc'): Machine[] {
  const sign = dir === 'asc' ? 1 : -1
  return [...machines].sort(
    (a, b) =>
      sign * collator.compare(a[key] ?? '', b[key] ?? '') ||
      collator.compare(a.name ?? '', b.name ?? '') ||
      collator.compare(a.id ?? '', b.id ?? ''),
  )
}

describe('sorting by collation rank', () => {
  it('orders exactly as the collator does, ties by name then id, also after new names arrive', () => {
    const first = fleet(400)
    expect(ids(sortMachines(first, { key: 'name', dir: 'asc' }))).toEqual(ids(byCollator(first, 'name', 'asc')))
    const second: Machine[] = [
      ...first,
      { id: 'pszzzz', name: 'Aardvark-2', state: 'off' },
      { id: 'pszzzy', name: 'aardvark-10', state: 'off' },
    ]
    expect(ids(sortMachines(second, { key: 'name', dir: 'desc' }))).toEqual(ids(byCollator(second, 'name', 'desc')))
    // States sort by their label; for these states the label orders as the state does.
    expect(sortMachines(second, { key: 'state', dir: 'asc' }).map((m) => m.state)).toEqual(
      byCollator(second, 'state', 'asc').map((m) => m.state),
    )
  })
})

describe('the filter with a memory', () => {
  it('gives what filterMachines gives while typing, deleting and changing the other filters', () => {
    const machines = sortMachines(fleet(600), { key: 'name', dir: 'asc' })
    const filter = createFleetFilter<Machine>()
    const steps: FleetFilter[] = []
    for (const q of ['t', 'tr', 'tra', 'train', 'train-1', 'train', 'tra', '', 'r', 're', 'render-2']) {
      steps.push({ q })
      steps.push({ q, state: 'ready' })
      steps.push({ q, state: 'ready', region: 'ny2', machineType: 'a100' })
    }
    for (const step of steps) expect(ids(filter(machines, step))).toEqual(ids(filterMachines(machines, step)))
  })

  it('answers a repeated filter with the same rows and starts afresh for a new list', () => {
    const machines = fleet(100)
    const filter = createFleetFilter<Machine>()
    const once = filter(machines, { q: 'api' })
    expect(filter(machines, { q: 'api' })).toBe(once)
    const changed = [...machines.slice(1), { id: 'psnew', name: 'api-new' }]
    expect(ids(filter(changed, { q: 'api' }))).toEqual(ids(filterMachines(changed, { q: 'api' })))
  })
})

describe('the sorter with a memory', () => {
  it('keeps each order of a list and sorts a new list afresh', () => {
    const machines = fleet(100)
    const sort = createFleetSorter()
    const byName = sort(machines, { key: 'name', dir: 'asc' })
    expect(sort(machines, { key: 'state', dir: 'desc' })).not.toBe(byName)
    expect(sort(machines, { key: 'name', dir: 'asc' })).toBe(byName)
    const next = [...machines]
    expect(sort(next, { key: 'name', dir: 'asc' })).not.toBe(byName)
    expect(ids(sort(next, { key: 'name', dir: 'asc' }))).toEqual(ids(byName))
  })
})
