/**
 * The fleet table's view of the machines: what each column shows and sorts by, the filters and the sort.
 * Pure: no React, no fetch. Built to stay quick at tens of thousands of machines (keys computed once per machine
 * object and cached by identity, so unchanged machines kept by the query cache cost nothing on the next poll).
 */
import type { components } from '../api/schema'
import { type AcceleratorLike, gpuSummary, gpuTotal } from './accelerators'
import { regionId, regionName } from './catalog'
import type { FleetSortKey, SortDirection } from './fleet-search'
import { stateLabel } from './machine-state'

type Machine = components['schemas']['Machine'] & { accelerators?: AcceleratorLike[] }

export type { FleetSortKey, SortDirection }

export interface FleetFilter {
  /** Free text matched against name, id and IP addresses. */
  q: string
  state?: string | undefined
  /** A region id such as `ny2`. */
  region?: string | undefined
  machineType?: string | undefined
}

export interface FleetSort {
  key: FleetSortKey
  dir: SortDirection
}

/** Numbers, or memory sizes the live service sometimes sends as numeric strings. */
export function toNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

/** "NVIDIA A100", "8 × NVIDIA H100", or "" for a machine without a GPU (from its accelerators where listed). */
export function gpuLabel(machine: Machine): string {
  return gpuSummary(machine)
}

/** How many GPUs a machine has: its accelerators, else the catalog, else one when the API names a GPU. */
export function gpuCount(machine: Machine): number {
  return gpuTotal(machine)
}

/**
 * The live service sends the timeout in hours as `autoShutdownTimeout`; the contract only says whether it is on.
 * Read defensively, since the field is not in the contract.
 */
export function autoShutdownHours(machine: Machine): number | undefined {
  const hours = toNumber((machine as { autoShutdownTimeout?: unknown }).autoShutdownTimeout)
  return hours !== undefined && hours > 0 ? hours : undefined
}

export function autoShutdownLabel(machine: Machine): string {
  const hours = autoShutdownHours(machine)
  if (hours !== undefined) return `After ${hours} h`
  if (machine.autoShutdownEnabled === true) return 'On'
  if (machine.autoShutdownEnabled === false) return 'Off'
  return '—'
}

/** IPv4 as a sortable number; other text sorts after every address. */
function ipKey(ip: string | null | undefined): number | undefined {
  if (!ip) return undefined
  const parts = ip.split('.')
  if (parts.length !== 4) return Number.MAX_SAFE_INTEGER
  let value = 0
  for (const part of parts) {
    const n = Number(part)
    if (!/^\d{1,3}$/.test(part) || n > 255) return Number.MAX_SAFE_INTEGER
    value = value * 256 + n
  }
  return value
}

type SortValue = string | number | undefined

interface MachineKeys {
  /** Lower-cased name, id and addresses, for the text filter. */
  haystack: string
  region: string
  machineType: string
  sort: Record<FleetSortKey, SortValue>
}

const keysCache = new WeakMap<Machine, MachineKeys>()

function keysOf(machine: Machine): MachineKeys {
  let keys = keysCache.get(machine)
  if (keys) return keys
  const lastRun = machine.dtLastRun ? Date.parse(machine.dtLastRun) : Number.NaN
  const hours = autoShutdownHours(machine)
  keys = {
    haystack: [machine.name, machine.id, machine.publicIp, machine.privateIp]
      .filter((part): part is string => typeof part === 'string' && part !== '')
      .join('\n')
      .toLowerCase(),
    region: regionId(machine.region),
    machineType: (machine.machineType ?? '').toLowerCase(),
    sort: {
      name: machine.name || undefined,
      state: machine.state ? stateLabel(machine.state) : undefined,
      machineType: machine.machineType || undefined,
      gpu: gpuLabel(machine) || undefined,
      region: machine.region ? regionName(machine.region) : undefined,
      cpus: toNumber(machine.cpus),
      ram: toNumber(machine.ram),
      publicIp: ipKey(machine.publicIp),
      // On with a known timeout sorts by the timeout, on without one after those, off last.
      autoShutdown:
        hours ??
        (machine.autoShutdownEnabled === true ? 10_000 : machine.autoShutdownEnabled === false ? 20_000 : undefined),
      lastRun: Number.isNaN(lastRun) ? undefined : lastRun,
    },
  }
  keysCache.set(machine, keys)
  return keys
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return collator.compare(String(a), String(b))
}

/**
 * Every text value sorted on so far, as its position in collation order (values the collator finds equal share
 * one). Comparing two numbers is far quicker than `Intl.Collator.compare`, which made sorting 20,000 machines take
 * a noticeable moment; the collator now runs once per new set of values, not on every comparison.
 */
let textRanks = new Map<string, number>()
/** Past this many ranked values, the old ones are forgotten on the next ranking. */
const MAX_RANKED = 200_000

function rankAll(values: Iterable<string>): void {
  const previous = textRanks.size < MAX_RANKED ? textRanks.keys() : []
  const unique = [...new Set([...previous, ...values])].sort(collator.compare)
  const ranks = new Map<string, number>()
  let rank = 0
  unique.forEach((value, index) => {
    if (index > 0 && collator.compare(unique[index - 1] ?? '', value) !== 0) rank++
    ranks.set(value, rank)
  })
  textRanks = ranks
}

/** Numbers stay numbers; text becomes its rank (every text value of the list is ranked before this is used). */
function rankOf(value: SortValue): number | undefined {
  return typeof value === 'string' ? textRanks.get(value) : value
}

/**
 * A sorted copy. Missing values go last in either direction; ties are broken by name, then id, so the order is
 * stable across polls.
 */
export function sortMachines(machines: readonly Machine[], sort: FleetSort): Machine[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  // This sort's text values (the column's and the names that break ties), ranked together when any is new.
  const texts: string[] = []
  let unranked = false
  for (const machine of machines) {
    const keys = keysOf(machine).sort
    for (const value of [keys[sort.key], keys.name]) {
      if (typeof value !== 'string') continue
      texts.push(value)
      if (!textRanks.has(value)) unranked = true
    }
  }
  if (unranked) rankAll(texts)
  const decorated = machines.map((machine) => {
    const keys = keysOf(machine).sort
    // A machine without a name sorts before every name, as the empty text did.
    return { machine, value: rankOf(keys[sort.key]), name: rankOf(keys.name) ?? -1 }
  })
  decorated.sort((a, b) => {
    if (a.value === undefined || b.value === undefined) {
      if (a.value !== b.value) return a.value === undefined ? 1 : -1
    } else if (a.value !== b.value) {
      return sign * (a.value - b.value)
    }
    return a.name - b.name || compareValues(a.machine.id ?? '', b.machine.id ?? '')
  })
  return decorated.map((d) => d.machine)
}

export function isFilterActive(filter: FleetFilter): boolean {
  return filter.q.trim() !== '' || Boolean(filter.state) || Boolean(filter.region) || Boolean(filter.machineType)
}

/** The machines that match every filter that is set; the same array when no filter is set. */
export function filterMachines<T extends Machine>(machines: readonly T[], filter: FleetFilter): readonly T[] {
  if (!isFilterActive(filter)) return machines
  const q = filter.q.trim().toLowerCase()
  const region = filter.region ? regionId(filter.region) : undefined
  const type = filter.machineType?.toLowerCase()
  return machines.filter((machine) => {
    if (filter.state && machine.state !== filter.state) return false
    const keys = keysOf(machine)
    if (region && keys.region !== region) return false
    if (type && keys.machineType !== type) return false
    return q === '' || keys.haystack.includes(q)
  })
}

/**
 * Sorting with a memory: the orders already worked out for one list are kept (one per column and direction), so
 * sorting back to an earlier order is instant. A new list (the next poll that changed something) starts afresh.
 */
export function createFleetSorter() {
  let list: readonly Machine[] | undefined
  const orders = new Map<string, Machine[]>()
  return (machines: readonly Machine[], sort: FleetSort): Machine[] => {
    if (machines !== list) {
      list = machines
      orders.clear()
    }
    const key = `${sort.key}:${sort.dir}`
    let sorted = orders.get(key)
    if (!sorted) {
      sorted = sortMachines(machines, sort)
      orders.set(key, sorted)
    }
    return sorted
  }
}

/**
 * `filterMachines` with a memory: recent results for one list are kept, so that typing more text filters the
 * previous matches instead of the whole fleet, and deleting letters finds the earlier results again. A new list
 * starts afresh.
 */
export function createFleetFilter<T extends Machine>(size = 32) {
  let list: readonly T[] | undefined
  const results = new Map<string, { q: string; others: string; rows: readonly T[] }>()
  return (machines: readonly T[], filter: FleetFilter): readonly T[] => {
    if (!isFilterActive(filter)) return machines
    if (machines !== list) {
      list = machines
      results.clear()
    }
    const q = filter.q.trim().toLowerCase()
    const others = [filter.state ?? '', regionId(filter.region), filter.machineType?.toLowerCase() ?? ''].join('\n')
    const key = `${others}\n${q}`
    const hit = results.get(key)
    if (hit) return hit.rows
    // Whatever matches this text also matches any part of it: the smallest such earlier result holds every match.
    let base: readonly T[] = machines
    for (const entry of results.values()) {
      if (entry.others === others && q.includes(entry.q) && entry.rows.length < base.length) base = entry.rows
    }
    const rows = filterMachines(base, filter)
    results.set(key, { q, others, rows })
    if (results.size > size) {
      const oldest = results.keys().next().value
      if (oldest !== undefined) results.delete(oldest)
    }
    return rows
  }
}

export interface FilterChoice {
  value: string
  label: string
}

/** The regions a person can filter by: the catalog's, plus any other region the fleet uses. */
export function regionChoices(machines: readonly Machine[], known: readonly { id: string; name: string }[]) {
  const choices = new Map<string, string>(known.map((r) => [r.id, r.name]))
  for (const machine of machines) {
    const id = regionId(machine.region)
    if (id && !choices.has(id)) choices.set(id, machine.region ?? id)
  }
  return [...choices].map(([value, label]): FilterChoice => ({ value, label }))
}

/** The machine types a person can filter by: the catalog's, plus any other type the fleet uses. */
export function machineTypeChoices(machines: readonly Machine[], known: readonly { name: string }[]) {
  const choices = new Map<string, string>(known.map((t) => [t.name.toLowerCase(), t.name]))
  for (const machine of machines) {
    const name = machine.machineType
    if (name && !choices.has(name.toLowerCase())) choices.set(name.toLowerCase(), name)
  }
  return [...choices.values()].map((name): FilterChoice => ({ value: name, label: name }))
}

/** A value from the URL, matched case-insensitively to one of the choices; anything else means "no filter". */
export function resolveChoice(value: string | undefined, choices: readonly FilterChoice[]): string | undefined {
  if (!value) return undefined
  const lower = value.toLowerCase()
  return choices.find((choice) => choice.value.toLowerCase() === lower)?.value
}
