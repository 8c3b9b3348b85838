import type { Clock } from './clock'
import { generateFleet } from './fleet'
import { mulberry32 } from './random'
import type { World } from './store'

export interface WorldOptions {
  seed: number
  machines: number
  speed: number
  clock: Clock
}

/** A fresh world: the seeded fleet at the clock's current time. */
export function createWorld({ seed, machines, speed, clock }: WorldOptions): World {
  const store = generateFleet(seed, machines, clock.now(), speed)
  return { store, clock, speed, seed, rng: mulberry32(seed ^ 0x5eed) }
}
