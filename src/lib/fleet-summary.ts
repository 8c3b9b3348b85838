/** The fleet at a glance: machines per state, GPUs running and the running cost. Pure: no React, no fetch. */
import type { components } from '../api/schema'
import { pricePerHour } from './catalog'
import { gpuCount } from './fleet-view'
import { MACHINE_STATES } from './machine-state'

type Machine = components['schemas']['Machine']

/**
 * States in which a machine is switched on and billed by the hour. Provisioning is not billed yet; off and
 * failed machines only pay for storage, which the estimate leaves out.
 */
const BILLED_STATES: ReadonlySet<string> = new Set([
  'ready',
  'starting',
  'stopping',
  'restarting',
  'serviceready',
  'upgrading',
])

export function isBilledState(state: string | undefined): boolean {
  return state !== undefined && BILLED_STATES.has(state)
}

export interface StateCount {
  state: string
  count: number
}

export interface FleetSummary {
  total: number
  /** Known states first in their usual order (only those with machines), then unknown ones as they came. */
  states: StateCount[]
  /** Machines switched on. */
  running: number
  runningGpus: number
  /** Dollars per hour for the machines switched on, from the catalog's list prices. */
  costPerHour: number
  /** Machines switched on whose type has no known price (left out of the cost). */
  unpriced: number
}

export function summarizeFleet(machines: readonly Machine[]): FleetSummary {
  const counts = new Map<string, number>()
  let running = 0
  let runningGpus = 0
  let cents = 0
  let unpriced = 0
  for (const machine of machines) {
    const state = machine.state ?? 'unknown'
    counts.set(state, (counts.get(state) ?? 0) + 1)
    if (!isBilledState(machine.state)) continue
    running += 1
    runningGpus += gpuCount(machine)
    const price = pricePerHour(machine.machineType)
    // Sum in cents so thousands of additions do not drift.
    if (price === null) unpriced += 1
    else cents += Math.round(price * 100)
  }
  const known = MACHINE_STATES.filter((s) => counts.has(s)).map((state) => ({ state, count: counts.get(state) ?? 0 }))
  const other = [...counts]
    .filter(([state]) => !(MACHINE_STATES as readonly string[]).includes(state))
    .map(([state, count]) => ({ state, count }))
  return {
    total: machines.length,
    states: [...known, ...other],
    running,
    runningGpus,
    costPerHour: cents / 100,
    unpriced,
  }
}
