import { findMachineType, findRegion, offeredIn } from './catalog'
import { badRequest } from './errors'
import { derivedRng } from './random'
import type { World } from './store'

/** Share of offered GPU (type, region) cells that are out of capacity. CPU types are always available. */
const SCARCITY = 0.15
/** Share of cells whose availability flips for a given clock hour, so the picture drifts slowly. */
const DRIFT = 0.04
const HOUR = 3_600_000

export interface Availability {
  available: boolean
  machineType: string
  region: string
}

/** Whether a type can be placed in a region right now; deterministic for a seed and clock hour. */
export function isAvailable(world: World, machineType: string, region: string): boolean {
  const type = findMachineType(machineType)
  if (!type || !offeredIn(type, region)) return false
  if (type.class === 'cpu') return true
  const base = derivedRng(world.seed, 'availability', type.name, region)() >= SCARCITY
  const hour = Math.floor(world.clock.now() / HOUR)
  const flipped = derivedRng(world.seed, 'drift', type.name, region, hour)() < DRIFT
  return flipped ? !base : base
}

export interface AvailabilityQuery {
  machineType?: string
  region?: string
}

/** GET /machine-availability?machineType&region */
export function getAvailability(world: World, query: AvailabilityQuery): Availability {
  const { machineType, region } = query
  if (!machineType) throw badRequest('machineType is required.')
  if (!region) throw badRequest('region is required.')
  if (!findMachineType(machineType)) throw badRequest(`machineType ${machineType} is not a known machine type.`)
  if (!findRegion(region)) throw badRequest(`region ${region} is not a known region. Use ny2, ca1 or ams1.`)
  return { available: isAvailable(world, machineType, region), machineType, region }
}
