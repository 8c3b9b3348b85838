import { catalog, GIB, isWindows, type MachineTypeSpec, type TemplateSpec } from './catalog'
import { DURATIONS } from './lifecycle'
import { randomPrivateIp, randomPublicIp } from './machines'
import { derivedRng, mulberry32, pick, type Rng, randomId, randomInt, weightedPick } from './random'
import {
  type Access,
  createEmptyStore,
  type EventRecord,
  fileEvent,
  type LiveFacts,
  type MachineRecord,
  type MachineState,
  type SnapshotFrequency,
  type Store,
  type TeamUser,
} from './store'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const PEOPLE = [
  ['Ada', 'Lovelace'],
  ['Alan', 'Turing'],
  ['Grace', 'Hopper'],
  ['Katherine', 'Johnson'],
  ['Edsger', 'Dijkstra'],
  ['Barbara', 'Liskov'],
  ['Donald', 'Knuth'],
  ['Margaret', 'Hamilton'],
  ['John', 'McCarthy'],
  ['Frances', 'Allen'],
  ['Ken', 'Thompson'],
  ['Radia', 'Perlman'],
] as const

/** Joined the team later: they hold no seeded machines, but one long-lived machine is shared with everyone. */
const MORE_PEOPLE = [
  ['Claude', 'Shannon'],
  ['Vint', 'Cerf'],
  ['Bob', 'Kahn'],
  ['Leslie', 'Lamport'],
  ['Niklaus', 'Wirth'],
  ['Tony', 'Hoare'],
  ['Dennis', 'Ritchie'],
  ['Bjarne', 'Stroustrup'],
  ['Guido', 'Rossum'],
  ['Linus', 'Torvalds'],
  ['Sophie', 'Wilson'],
  ['Adele', 'Goldberg'],
  ['Alan', 'Kay'],
  ['Shafi', 'Goldwasser'],
  ['Silvio', 'Micali'],
  ['Whitfield', 'Diffie'],
  ['Martin', 'Hellman'],
  ['Judea', 'Pearl'],
  ['Geoffrey', 'Hinton'],
  ['Yann', 'Lecun'],
  ['Yoshua', 'Bengio'],
  ['Fei', 'Li'],
  ['Andrew', 'Yao'],
  ['Robert', 'Tarjan'],
] as const

/** Relative popularity of machine types; unlisted types weigh 1. */
const TYPE_WEIGHTS: Record<string, number> = {
  C4: 1.5,
  C5: 2,
  C6: 2,
  C7: 1.5,
  P4000: 3,
  RTX4000: 2.5,
  P5000: 2.5,
  P6000: 2,
  A4000: 3.5,
  A5000: 3,
  A6000: 3.5,
  A100: 2,
  'A100-80G': 2.5,
  H100: 2,
  A6000x4: 0.5,
  'A100-80Gx8': 0.3,
  H100x8: 0.3,
}

const REGION_WEIGHTS: Record<string, number> = { ny2: 3, ca1: 2, ams1: 1.5 }

const GPU_NAMES: ReadonlyArray<(type: string, region: string) => string> = [
  (type) => `train-${type.toLowerCase()}`,
  (type) => `train-${type.toLowerCase()}`,
  (_, region) => `jupyter-${region}`,
  () => 'render-box',
  () => 'finetune-llm',
  () => 'sd-xl',
  () => 'llm-eval',
  () => 'notebook',
  () => 'vision-lab',
  () => 'cuda-dev',
  () => 'whisper-batch',
  () => 'inference',
]
const CPU_NAMES: ReadonlyArray<(type: string, region: string) => string> = [
  () => 'build-runner',
  () => 'ci-worker',
  () => 'api-staging',
  () => 'postgres-dev',
  () => 'web-demo',
  () => 'etl-nightly',
  () => 'bastion',
  () => 'grafana',
  () => 'docs-preview',
  () => 'redis-cache',
  (_, region) => `dev-${region}`,
]
const WINDOWS_NAMES = ['win-workstation', 'unreal-editor', 'cad-station', 'premiere-edit'] as const

const SHUTDOWN_HOURS = [1, 2, 4, 8, 12, 24, 72, 168] as const
const SNAPSHOTS: ReadonlyArray<readonly [SnapshotFrequency, number]> = [
  ['off', 5],
  ['daily', 3],
  ['weekly', 2],
  ['hourly', 1],
  ['monthly', 1],
]
const DISKS_GB = [50, 50, 100, 100, 250, 500, 1000, 2000] as const

function templateWeight(template: TemplateSpec, type: MachineTypeSpec): number {
  const gpu = type.class !== 'cpu'
  if (isWindows(template.os)) return template.label.includes(gpu ? '(GPU)' : '(CPU)') ? 1.2 : 0
  if (template.label.includes('ML-in-a-Box')) return gpu ? 4 : 0
  if (template.label.includes('Desktop')) return gpu ? 1 : 0.5
  if (template.os === 'Ubuntu 22.04') return 3
  if (template.os === 'Ubuntu 20.04') return 1.5
  return 0.6
}

const TYPE_CHOICES = catalog.machineTypes.map((type) => [type, TYPE_WEIGHTS[type.name] ?? 1] as const)

const choicesByType = new Map<
  string,
  { regions: ReadonlyArray<readonly [string, number]>; templates: ReadonlyArray<readonly [TemplateSpec, number]> }
>()

/** The weighted regions and templates for a type, worked out once. */
function choicesFor(type: MachineTypeSpec) {
  let choices = choicesByType.get(type.name)
  if (!choices) {
    choices = {
      regions: type.regions.map((region) => [region, REGION_WEIGHTS[region] ?? 1] as const),
      templates: catalog.templates.map((template) => [template, templateWeight(template, type)] as const),
    }
    choicesByType.set(type.name, choices)
  }
  return choices
}

function makeUsers(
  rng: Rng,
  people: ReadonlyArray<readonly [string, string]>,
  ids: Set<string> = new Set(),
): TeamUser[] {
  return people.map(([firstName, lastName]) => {
    let id = randomId(rng, 'u', 8)
    while (ids.has(id)) id = randomId(rng, 'u', 8)
    ids.add(id)
    return { id, email: `${firstName}.${lastName}@example.com`.toLowerCase(), firstName, lastName }
  })
}

/** Hands out unique names such as "train-a100-03", "render-box" or "jupyter-ny2-12". */
function nameMaker(rng: Rng) {
  const counters = new Map<string, number>()
  const used = new Set<string>()
  return (prefix: string): string => {
    const count = (counters.get(prefix) ?? 0) + 1
    counters.set(prefix, count)
    let name = count === 1 && rng() < 0.4 ? prefix : `${prefix}-${String(count).padStart(2, '0')}`
    for (let extra = 2; used.has(name); extra++) name = `${prefix}-${String(count).padStart(2, '0')}-${extra}`
    used.add(name)
    return name
  }
}

interface FleetContext {
  seed: number
  rng: Rng
  now: number
  speed: number
  store: Store
  pendingEvents: EventRecord[]
  machineIds: Set<string>
}

/** The history of a machine that is ready, off or failed, told as dtLastRun and a few past events. */
function settledHistory(ctx: FleetContext, machine: MachineRecord, state: MachineState): void {
  const { rng, now } = ctx
  const age = now - machine.dtCreated
  const past = (type: EventRecord['type'], at: number, eventState: EventRecord['state'] = 'done') =>
    ctx.pendingEvents.push({
      id: '',
      seq: 0,
      machineId: machine.id,
      type,
      state: eventState,
      dtCreated: at,
      dtFinished: eventState === 'done' ? at + DURATIONS.start : at + 5 * MINUTE,
    })
  past('create', machine.dtCreated)
  const neverRan = state === 'off' && rng() < 0.12
  if (neverRan) return
  const firstRun = machine.dtCreated + DURATIONS.provision + DURATIONS.start
  if (state === 'ready') {
    const lastRun = Math.max(firstRun, now - Math.floor(rng() * Math.min(age, 30 * DAY)))
    machine.dtLastRun = Math.min(lastRun, now - MINUTE)
    if (machine.dtLastRun > firstRun + HOUR) past('start', machine.dtLastRun - DURATIONS.start)
  } else {
    const lastRun = firstRun + Math.floor(rng() * Math.max(0, age - DAY))
    machine.dtLastRun = Math.min(lastRun, now - 2 * HOUR)
    if (machine.dtLastRun > firstRun + HOUR) past('start', machine.dtLastRun - DURATIONS.start)
    const stoppedAt = Math.min(machine.dtLastRun + randomInt(rng, 1, 72) * HOUR, now - HOUR)
    if (state === 'off') past('stop', stoppedAt)
    else past('start', stoppedAt, 'error')
  }
  if (rng() < 0.2) past('update', machine.dtCreated + Math.floor(rng() * age))
}

/** A machine caught mid-way through starting or stopping; it settles within a minute at speed 1. */
function inTransition(ctx: FleetContext, machine: MachineRecord, state: 'starting' | 'stopping'): void {
  const { rng, now } = ctx
  const total = state === 'starting' ? DURATIONS.start : DURATIONS.stop
  const remaining = randomInt(ctx.rng, 5_000, total - 1_000)
  const startedAt = now - (total - remaining)
  ctx.pendingEvents.push({
    id: '',
    seq: 0,
    machineId: machine.id,
    type: 'create',
    state: 'done',
    dtCreated: machine.dtCreated,
    dtFinished: machine.dtCreated,
  })
  if (state === 'stopping')
    machine.dtLastRun = Math.max(machine.dtCreated + 3 * MINUTE, now - randomInt(rng, 1, 48) * HOUR)
  ctx.pendingEvents.push({
    id: '',
    seq: 0,
    machineId: machine.id,
    type: state === 'starting' ? 'start' : 'stop',
    state: 'in progress',
    dtCreated: startedAt,
    dtFinished: null,
  })
  const until = now + Math.max(1, Math.round(remaining / ctx.speed))
  machine.state = state
  machine.transition = {
    eventId: '',
    phases: [{ state, until }],
    final: state === 'starting' ? 'ready' : 'off',
  }
  ctx.store.queue.push(until, machine.id)
}

function makeMachine(ctx: FleetContext, nextName: (prefix: string) => string): MachineRecord {
  const { rng, now, store } = ctx
  const type = weightedPick(rng, TYPE_CHOICES)
  const { regions, templates } = choicesFor(type)
  const region = weightedPick(rng, regions)
  const template = weightedPick(rng, templates)
  const prefix = isWindows(template.os)
    ? pick(rng, WINDOWS_NAMES)
    : pick(rng, type.class === 'cpu' ? CPU_NAMES : GPU_NAMES)(type.name, region)
  let id = randomId(rng, 'ps', 10)
  while (ctx.machineIds.has(id)) id = randomId(rng, 'ps', 10)
  ctx.machineIds.add(id)
  const owner = pick(rng, store.users)
  const machine: Omit<MachineRecord, 'live'> = {
    id,
    name: nextName(prefix),
    state: 'off',
    machineType: type.name,
    region,
    templateId: template.id,
    os: template.os,
    cpus: type.cpus,
    ram: type.ramGb * GIB,
    gpu: type.gpu,
    storageTotal: pick(rng, DISKS_GB) * GIB,
    publicIp: rng() < 0.4 ? randomPublicIp(rng) : null,
    privateIp: randomPrivateIp(rng),
    autoShutdownTimeoutHours: rng() < 0.5 ? 0 : pick(rng, SHUTDOWN_HOURS),
    autoSnapshotFrequency: weightedPick(rng, SNAPSHOTS),
    teamId: store.teamId,
    userId: owner.id,
    dtCreated: now - randomInt(rng, 2 * HOUR, 365 * DAY),
    dtLastRun: null,
    transition: null,
  }
  return { ...machine, live: seededLiveFacts(ctx.seed, machine) }
}

const STORAGE_USED_SHARE = { min: 0.05, max: 0.75 } as const

/**
 * What the live service tells beyond the contract, for a seeded machine: drawn from the seed and the machine's id
 * alone, so the contract's fleet stays exactly as it was.
 */
export function seededLiveFacts(seed: number, machine: Omit<MachineRecord, 'live'>): LiveFacts {
  const rng = derivedRng(seed, 'live', machine.id)
  const gpu = machine.gpu !== null
  const share = STORAGE_USED_SHARE.min + rng() * (STORAGE_USED_SHARE.max - STORAGE_USED_SHARE.min)
  const restorePoint = rng() < 0.15
  const reserved = gpu && rng() < 0.15
  return {
    publicIpType: machine.publicIp === null ? 'none' : rng() < 0.3 ? 'static' : 'dynamic',
    autoShutdownForce: rng() < 0.3,
    autoSnapshotSaveCount: machine.autoSnapshotFrequency === 'off' ? null : randomInt(rng, 1, 9),
    restorePointFrequency: restorePoint ? 'shutdown' : null,
    restorePointSnapshotId: restorePoint ? randomId(rng, 'ss', 8) : null,
    networkId: rng() < 0.25 ? randomId(rng, 'nw', 7) : null,
    updatesPending: rng() < 0.15,
    reservation: reserved
      ? {
          id: randomId(rng, 'rsv', 7),
          name: `${machine.machineType} ${rng() < 0.5 ? '1-year' : '3-month'} reservation`,
          isActive: true,
          dtStarted: machine.dtCreated,
          dtFinished: null,
        }
      : null,
    storageUsed: Math.round(machine.storageTotal * share),
  }
}

function grantAccessors(rng: Rng, store: Store, machine: MachineRecord): void {
  const accessors = new Map<string, Access>([[machine.userId, 'admin']])
  if (rng() < 0.3) {
    const extra = randomInt(rng, 1, 3)
    for (let i = 0; i < extra; i++) {
      const user = pick(rng, store.users)
      if (!accessors.has(user.id)) accessors.set(user.id, 'user')
    }
  }
  store.accessors.set(machine.id, accessors)
}

/**
 * Builds the starting world for a seed: a team of twelve, `count` machines spread over the catalog's regions
 * and types, a handful of failures, one to three machines mid-transition, and a past event history.
 */
export function generateFleet(seed: number, count: number, now: number, speed: number): Store {
  const rng = mulberry32(seed)
  const store = createEmptyStore(randomId(rng, 'te', 6), makeUsers(rng, PEOPLE))
  const ctx: FleetContext = { seed, rng, now, speed, store, pendingEvents: [], machineIds: new Set() }
  const nextName = nameMaker(rng)
  const machines: MachineRecord[] = []
  for (let i = 0; i < count; i++) machines.push(makeMachine(ctx, nextName))

  const transitional = pickIndexes(rng, count, count >= 4 ? randomInt(rng, 1, 3) : 0, new Set())
  const failed = pickIndexes(rng, count, count >= 10 ? Math.max(1, Math.round(count * 0.04)) : 0, transitional)

  machines.forEach((machine, index) => {
    if (transitional.has(index)) {
      inTransition(ctx, machine, rng() < 0.5 ? 'starting' : 'stopping')
    } else {
      const state: MachineState = failed.has(index) ? 'failed' : rng() < 0.52 ? 'ready' : 'off'
      machine.state = state
      settledHistory(ctx, machine, state)
    }
    grantAccessors(rng, store, machine)
    store.machines.set(machine.id, machine)
  })
  seedEvents(ctx)
  growTeam(seed, store, machines)
  return store
}

/**
 * The rest of the team, with draws of their own so the fleet above stays as it was: they joined later and hold
 * no machine, except the team's oldest one, which everyone can use (more accessors than one page holds).
 */
function growTeam(seed: number, store: Store, machines: readonly MachineRecord[]): void {
  const more = makeUsers(derivedRng(seed, 'team'), MORE_PEOPLE, new Set(store.users.map((user) => user.id)))
  for (const user of more) {
    store.users.push(user)
    store.usersById.set(user.id, user)
  }
  let oldest: MachineRecord | undefined
  for (const machine of machines) if (!oldest || machine.dtCreated < oldest.dtCreated) oldest = machine
  const shared = oldest && store.accessors.get(oldest.id)
  if (!shared) return
  for (const user of store.users) if (!shared.has(user.id)) shared.set(user.id, 'user')
}

/** `wanted` distinct indexes below `count`, none of them in `taken`. */
function pickIndexes(rng: Rng, count: number, wanted: number, taken: ReadonlySet<number>): Set<number> {
  const picked = new Set<number>()
  while (picked.size < Math.min(wanted, count - taken.size)) {
    const index = Math.floor(rng() * count)
    if (!taken.has(index)) picked.add(index)
  }
  return picked
}

/** Files the generated history oldest first, giving each event an id and linking transitions to theirs. */
function seedEvents(ctx: FleetContext): void {
  const { store, rng } = ctx
  ctx.pendingEvents.sort((a, b) => a.dtCreated - b.dtCreated)
  for (const pending of ctx.pendingEvents) {
    let id = randomId(rng, 'ev', 10)
    while (store.eventsById.has(id)) id = randomId(rng, 'ev', 10)
    pending.id = id
    const event = fileEvent(store, pending)
    const machine = store.machines.get(event.machineId)
    if (event.state === 'in progress' && machine?.transition) machine.transition.eventId = id
  }
}
