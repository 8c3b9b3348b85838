import { type Clock, systemClock } from './clock'
import type { Accessor, Machine, MachineEvent } from './contract-dialect'
import { accessorView, eventView, machineView } from './contract-dialect'
import { FaultInjector, type FaultRule, parseFaults } from './faults'
import { createHttpApp } from './http'
import { settle } from './lifecycle'
import {
  adaptWorldToLive,
  createLiveDialect,
  DEFAULT_LIVE_429_RATE,
  DIALECTS,
  type DialectName,
  LIVE_RETRY_AFTER_SECONDS,
  READ_OPERATIONS,
} from './live-dialect'
import { EXTRA_OPERATIONS } from './operations'
import type { TeamUser } from './store'
import { teamOf } from './team'
import { createWorld } from './world'

export type { Clock } from './clock'
export { FakeClock } from './clock'
export type { FaultRule } from './faults'
export { parseFaults } from './faults'
export type { DialectName } from './live-dialect'
export { DIALECTS } from './live-dialect'
export type { TeamUser } from './store'

export const MAX_MACHINES = 20_000
export const DEFAULT_MACHINES = 40
export const DEFAULT_SEED = 1
export const DEFAULT_BASE_PATH = '/v1'

export interface SimulatorOptions {
  /** PRNG seed for the fleet, ids, availability and fault draws (default 1; env SIM_SEED) */
  seed?: number
  /** fleet size, 0..20000 (default 40; env SIM_MACHINES) */
  machines?: number
  /** lifecycle speed factor: 50 makes every transition fifty times faster (default 1; env SIM_SPEED) */
  speed?: number
  /** time source (default: the system clock) */
  clock?: Clock
  /** if set only `Authorization: Bearer <apiKey>` is accepted, else any non-empty bearer token (env SIM_API_KEY) */
  apiKey?: string
  /** initial fault rules (env SIM_FAULTS) */
  faults?: FaultRule[]
  /** prefix of every route (default '/v1') */
  basePath?: string
  /** the shapes it answers in: the contract's, or the live service's (default 'contract'; env SIM_DIALECT) */
  dialect?: DialectName
  /** live dialect only: share of reads answered 429, 0..1 (default 0.01; env SIM_LIVE_429_RATE) */
  live429Rate?: number
}

/** Read access to the simulated world, settled to the clock's current time, in the contract's shapes. */
export interface SimulatorStore {
  readonly teamId: string
  /** the team member the API key belongs to: owner of machines created through the API */
  readonly currentUserId: string
  /** every machine, in creation order of the store */
  readonly machines: Machine[]
  readonly users: readonly TeamUser[]
  /** newest first */
  readonly events: MachineEvent[]
  machine(id: string): Machine | undefined
  accessors(machineId: string): Accessor[]
  eventsFor(machineId: string): MachineEvent[]
}

export interface Simulator {
  /** the whole HTTP API */
  fetch(request: Request): Promise<Response>
  readonly clock: Clock
  /** replaces the fault rules (and restarts their draws) */
  setFaults(rules: FaultRule[]): void
  clearFaults(): void
  /** HTTP requests received so far */
  readonly requestCount: number
  readonly store: SimulatorStore
}

function positiveFinite(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${what} must be a positive number, got ${value}.`)
  return value
}

function checkedOptions(options: SimulatorOptions) {
  const seed = options.seed ?? DEFAULT_SEED
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}.`)
  const machines = options.machines ?? DEFAULT_MACHINES
  if (!Number.isInteger(machines) || machines < 0 || machines > MAX_MACHINES) {
    throw new Error(`machines must be an integer between 0 and ${MAX_MACHINES}, got ${machines}.`)
  }
  const speed = positiveFinite(options.speed ?? 1, 'speed')
  if (options.apiKey !== undefined && options.apiKey.trim() === '') throw new Error('apiKey must not be empty.')
  const dialect = options.dialect ?? 'contract'
  if (!DIALECTS.includes(dialect)) throw new Error(`dialect must be one of ${DIALECTS.join(', ')}, got ${dialect}.`)
  const live429Rate = options.live429Rate ?? DEFAULT_LIVE_429_RATE
  if (!(live429Rate >= 0 && live429Rate <= 1)) {
    throw new Error(`live429Rate must be a number between 0 and 1, got ${live429Rate}.`)
  }
  return { seed, machines, speed, dialect, live429Rate }
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const { seed, machines, speed, dialect, live429Rate } = checkedOptions(options)
  const clock = options.clock ?? systemClock
  const world = createWorld({ seed, machines, speed, clock })
  const { store } = world
  // The team's newcomers join before any request, so access can be granted to them from the start.
  teamOf(world)
  const faults = new FaultInjector(seed, options.faults ?? [])
  const live = dialect === 'live'
  if (live) adaptWorldToLive(world)
  const app = createHttpApp(world, {
    basePath: options.basePath ?? DEFAULT_BASE_PATH,
    apiKey: options.apiKey,
    faults,
    ...(live
      ? {
          dialect: createLiveDialect(world),
          ambientFaults: new FaultInjector(seed ^ 0x429, [
            {
              kind: 'rate-limit',
              rate: live429Rate,
              operations: [...READ_OPERATIONS, ...EXTRA_OPERATIONS.map((operation) => operation.id)],
              retryAfter: LIVE_RETRY_AFTER_SECONDS,
            },
          ]),
        }
      : {}),
  })
  let requestCount = 0

  const settled = () => {
    settle(world)
    return store
  }
  const storeView: SimulatorStore = {
    teamId: store.teamId,
    currentUserId: store.currentUserId,
    get machines() {
      return [...settled().machines.values()].map(machineView)
    },
    users: store.users,
    get events() {
      return settled().events.map(eventView).reverse()
    },
    machine(id) {
      const machine = settled().machines.get(id)
      return machine && machineView(machine)
    },
    accessors(machineId) {
      const granted = settled().accessors.get(machineId) ?? new Map()
      return [...granted].map(([userId, access]) =>
        accessorView({ userId, access, machineId, email: store.usersById.get(userId)?.email ?? '' }),
      )
    },
    eventsFor(machineId) {
      return (settled().eventsByMachine.get(machineId) ?? []).map(eventView).reverse()
    },
  }

  return {
    fetch: async (request) => {
      requestCount++
      return app.fetch(request)
    },
    clock,
    setFaults: (rules) => faults.set(rules),
    clearFaults: () => faults.clear(),
    get requestCount() {
      return requestCount
    },
    store: storeView,
  }
}

function envNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}".`)
  return value
}

/**
 * Reads SIM_SEED, SIM_MACHINES, SIM_SPEED, SIM_FAULTS, SIM_API_KEY, SIM_DIALECT and SIM_LIVE_429_RATE; throws a
 * clear Error on bad values.
 */
export function simulatorOptionsFromEnv(env: Record<string, string | undefined>): SimulatorOptions {
  const options: SimulatorOptions = {}
  const seed = envNumber(env, 'SIM_SEED')
  if (seed !== undefined) {
    if (!Number.isSafeInteger(seed)) throw new Error(`SIM_SEED must be an integer, got "${env.SIM_SEED}".`)
    options.seed = seed
  }
  const machines = envNumber(env, 'SIM_MACHINES')
  if (machines !== undefined) {
    if (!Number.isInteger(machines) || machines < 0 || machines > MAX_MACHINES) {
      throw new Error(`SIM_MACHINES must be an integer between 0 and ${MAX_MACHINES}, got "${env.SIM_MACHINES}".`)
    }
    options.machines = machines
  }
  const speed = envNumber(env, 'SIM_SPEED')
  if (speed !== undefined) {
    if (speed <= 0) throw new Error(`SIM_SPEED must be a positive number, got "${env.SIM_SPEED}".`)
    options.speed = speed
  }
  const faults = env.SIM_FAULTS?.trim()
  if (faults) {
    try {
      options.faults = parseFaults(faults)
    } catch (error) {
      throw new Error(`SIM_FAULTS: ${(error as Error).message}`)
    }
  }
  const apiKey = env.SIM_API_KEY?.trim()
  if (apiKey) options.apiKey = apiKey
  const dialect = env.SIM_DIALECT?.trim().toLowerCase()
  if (dialect) {
    if (!(DIALECTS as readonly string[]).includes(dialect)) {
      throw new Error(`SIM_DIALECT must be one of ${DIALECTS.join(', ')}, got "${env.SIM_DIALECT}".`)
    }
    options.dialect = dialect as DialectName
  }
  const live429Rate = envNumber(env, 'SIM_LIVE_429_RATE')
  if (live429Rate !== undefined) {
    if (live429Rate < 0 || live429Rate > 1) {
      throw new Error(`SIM_LIVE_429_RATE must be a number between 0 and 1, got "${env.SIM_LIVE_429_RATE}".`)
    }
    options.live429Rate = live429Rate
  }
  return options
}
