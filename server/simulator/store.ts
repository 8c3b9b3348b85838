import type { Clock } from './clock'
import { type Rng, randomId } from './random'
import { TransitionQueue } from './transition-queue'

export const MACHINE_STATES = [
  'ready',
  'off',
  'starting',
  'stopping',
  'restarting',
  'provisioning',
  'serviceready',
  'upgrading',
  'failed',
] as const
export type MachineState = (typeof MACHINE_STATES)[number]

export const SNAPSHOT_FREQUENCIES = ['hourly', 'daily', 'weekly', 'monthly', 'off'] as const
export type SnapshotFrequency = (typeof SNAPSHOT_FREQUENCIES)[number]

export type EventType =
  | 'create'
  | 'start'
  | 'stop'
  | 'restart'
  | 'update'
  | 'delete'
  | 'grant-access'
  | 'revoke-access'
  | 'snapshot-create'
export type EventState = 'in progress' | 'done' | 'error'
export type Access = 'admin' | 'user'

/** One phase of a transition: the machine shows `state` until `until` (ms since epoch). */
export interface Phase {
  state: MachineState
  until: number
}

/** Where a machine in transition is going: the remaining phases, then `final`. */
export interface Transition {
  eventId: string
  phases: Phase[]
  final: MachineState
}

export type PublicIpType = 'static' | 'dynamic' | 'none'

/** A capacity reservation the machine runs under (live service only). */
export interface Reservation {
  id: string
  name: string
  isActive: boolean
  dtStarted: number
  dtFinished: number | null
}

/** What the live service tells about a machine beyond the contract's Machine. */
export interface LiveFacts {
  publicIpType: PublicIpType
  /** meaningful only while auto-shutdown is on */
  autoShutdownForce: boolean
  /** how many automatic snapshots are kept; null while snapshots are off */
  autoSnapshotSaveCount: number | null
  /** 'shutdown': the disk returns to the restore point at every shutdown; null: no restore point */
  restorePointFrequency: 'shutdown' | null
  restorePointSnapshotId: string | null
  networkId: string | null
  /** the operating system has updates queued for the next state transition */
  updatesPending: boolean
  reservation: Reservation | null
  /** bytes used on the disk */
  storageUsed: number
}

/** The simulator's own record of a machine; the contract's `Machine` is a view of it. */
export interface MachineRecord {
  id: string
  name: string
  state: MachineState
  machineType: string
  region: string
  templateId: string
  os: string
  cpus: number
  /** bytes */
  ram: number
  gpu: string | null
  /** bytes */
  storageTotal: number
  publicIp: string | null
  privateIp: string
  /** 0 = auto-shutdown off */
  autoShutdownTimeoutHours: number
  autoSnapshotFrequency: SnapshotFrequency
  teamId: string
  userId: string
  dtCreated: number
  dtLastRun: number | null
  transition: Transition | null
  live: LiveFacts
}

export interface EventRecord {
  id: string
  /** position in `Store.events`; newer events have larger numbers */
  seq: number
  machineId: string
  type: EventType
  state: EventState
  dtCreated: number
  dtFinished: number | null
}

export interface TeamUser {
  id: string
  email: string
  firstName: string
  lastName: string
}

export interface AccessorRecord {
  userId: string
  email: string
  machineId: string
  access: Access
}

export interface Store {
  teamId: string
  /** the user the API key belongs to: owner of machines created through the API */
  currentUserId: string
  users: TeamUser[]
  usersById: Map<string, TeamUser>
  machines: Map<string, MachineRecord>
  /** oldest first; `events[i].seq === i` */
  events: EventRecord[]
  eventsById: Map<string, EventRecord>
  eventsByMachine: Map<string, EventRecord[]>
  /** machine id → user id → access */
  accessors: Map<string, Map<string, Access>>
  queue: TransitionQueue
  /** bumped on every change, so derived data (sorted lists) can be cached */
  version: number
}

/** Everything the rules act on: the store, the time source and the run's settings. */
export interface World {
  readonly store: Store
  readonly clock: Clock
  /** lifecycle speed factor: durations are divided by it */
  readonly speed: number
  readonly seed: number
  /** draws for ids and addresses of machines created at run time */
  readonly rng: Rng
}

export function createEmptyStore(teamId: string, users: TeamUser[]): Store {
  const first = users[0]
  if (!first) throw new Error('A team needs at least one user')
  return {
    teamId,
    currentUserId: first.id,
    users,
    usersById: new Map(users.map((user) => [user.id, user])),
    machines: new Map(),
    events: [],
    eventsById: new Map(),
    eventsByMachine: new Map(),
    accessors: new Map(),
    queue: new TransitionQueue(),
    version: 0,
  }
}

export function touch(store: Store): void {
  store.version++
}

export function addEvent(store: Store, event: Omit<EventRecord, 'seq'>): EventRecord {
  return fileEvent(store, { ...event, seq: 0 })
}

/** Files a built event at the end of the history, setting its `seq`. */
export function fileEvent(store: Store, record: EventRecord): EventRecord {
  record.seq = store.events.length
  store.events.push(record)
  store.eventsById.set(record.id, record)
  const forMachine = store.eventsByMachine.get(record.machineId)
  if (forMachine) forMachine.push(record)
  else store.eventsByMachine.set(record.machineId, [record])
  touch(store)
  return record
}

export function newEventId(world: World): string {
  for (;;) {
    const id = randomId(world.rng, 'ev', 10)
    if (!world.store.eventsById.has(id)) return id
  }
}
