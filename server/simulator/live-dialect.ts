// The live Paperspace v1 service's response shapes, as documented in openapi/REAL-API-NOTES.md ("Exact live
// shapes", beside the contract) and written out as a JSON Schema in openapi/live-shapes.json: the same rules,
// answered the way the real service answers, with exactly its fields.
//
// - create, update, delete, start, stop and restart answer `{ event, data }` with 200;
// - a machine has the live fields and no others: no `gpu` (its `accelerators` instead), no `dtLastRun` (its `start`
//   events tell when it last started), no `userId` or `teamId`; `ram`, `storageTotal` and `storageUsed` come as
//   numeric strings for some machines and `region` as its long name ("East Coast (NY2)") for others, each machine
//   always the same way; there is no `failed` state;
// - events have `name` (not `type`), `dtStarted`, `dtFinished`, `error`, and the state `new` at the instant
//   they are created;
// - accessor lists are pages `{ items, hasMore, nextPage }` of `{ user: { id, email, firstName, lastName } }`;
//   a desktop is `{ vnc }` or `{ windows }`; availability is `{ available }` alone;
// - list pages end with `nextPage: null`; `orderBy` takes dtCreated, name or state; the `region` filter takes
//   the short or the long name;
// - start, stop and restart refuse a JSON content type with an empty body.
import { pageAccessors } from './accessors'
import { catalog, findMachineType, findTemplate, isWindows } from './catalog'
import type { Dialect, ErrorBody, Reply } from './contract-dialect'
import type { DesktopConfig } from './desktop'
import { badRequest } from './errors'
import type { ListMachinesQuery, MachineAction } from './machines'
import type { OperationId } from './operations'
import type { Page } from './pagination'
import { hashString } from './random'
import { type AccessorRecord, type EventRecord, type MachineRecord, touch, type World } from './store'

export const DIALECTS = ['contract', 'live'] as const
export type DialectName = (typeof DIALECTS)[number]

/** Share of reads answered 429 in the live dialect unless configured otherwise. */
export const DEFAULT_LIVE_429_RATE = 0.01
/** Retry-After of those 429s, in seconds. */
export const LIVE_RETRY_AFTER_SECONDS = 1

/** The operations that only read: the ones the live dialect's background rate limit may refuse. */
export const READ_OPERATIONS: readonly OperationId[] = [
  'listMachines',
  'getMachine',
  'listMachineAccessors',
  'getMachineAccessor',
  'getMachineDesktop',
  'listMachineEvents',
  'getMachineEvent',
  'getMachineAvailability',
]

/** The orderings the live service accepts. */
export const LIVE_ORDER_BY = ['dtCreated', 'name', 'state'] as const

export const EMPTY_JSON_BODY_MESSAGE = "Body cannot be empty when content-type is set to 'application/json'"

const iso = (ms: number) => new Date(ms).toISOString()

export interface LiveAccelerator {
  name: string
  count: number
  /** bytes of memory of each one */
  memory: number | null
}

export interface LiveReservation {
  id: string
  name: string
  isActive: boolean
  dtStarted: string
  dtFinished: string | null
}

/** A machine with exactly the live service's fields, in its order. */
export interface LiveMachine {
  id: string
  name: string
  state: string
  machineType: string
  agentType: string
  os: string
  cpus: number
  ram: number | string
  region: string
  privateIp: string | null
  publicIp: string | null
  publicIpType: 'static' | 'dynamic' | 'none'
  accelerators: LiveAccelerator[] | null
  storageTotal: number | string
  storageUsed: number | string
  /** dollars per hour for the disk */
  storageRate: number
  /** dollars per hour while the machine runs */
  usageRate: number
  autoShutdownEnabled: boolean
  autoShutdownForce: boolean | null
  autoShutdownTimeout: number | null
  autoSnapshotEnabled: boolean
  autoSnapshotFrequency: 'hourly' | 'daily' | 'weekly' | 'monthly' | null
  autoSnapshotSaveCount: number | null
  restorePointEnabled: boolean
  restorePointFrequency: 'shutdown' | null
  restorePointSnapshotId: string | null
  networkId: string | null
  updatesPending: boolean
  reservation: LiveReservation | null
  dtCreated: string
  dtModified: string
  dtDeleted: string | null
}

export interface LiveEvent {
  id: string
  machineId: string
  name: string
  state: 'new' | 'in progress' | 'done' | 'error' | 'cancelled'
  dtCreated: string
  dtStarted: string
  dtFinished: string | null
  error: string | null
}

export interface LiveUser {
  id: string
  email: string
  firstName: string
  lastName: string
}

export interface LiveAccessor {
  user: LiveUser
}

export interface LiveAvailability {
  available: boolean
}

export type LiveDesktop =
  | { vnc: { hostname: string; password: string; port: number } }
  | { windows: { hostname: string; port: number; publicIp: string | null } }

export interface LivePage<T> {
  items: T[]
  hasMore: boolean
  nextPage: string | null
}

/** Which of the live service's variations a machine shows; fixed per machine id, so a machine never flickers. */
export function liveQuirks(machineId: string): { longRegion: boolean; stringSizes: boolean } {
  const hash = hashString(`live|${machineId}`)
  return { longRegion: hash % 3 === 0, stringSizes: (hash >>> 4) % 4 === 0 }
}

const regionNames = new Map(catalog.regions.map((region) => [region.id, region.name]))
const regionIdsByName = new Map(catalog.regions.map((region) => [region.name.toLowerCase(), region.id]))

function agentType(machine: MachineRecord): string {
  if (isWindows(machine.os)) return 'WindowsDesktop'
  const label = findTemplate(machine.templateId)?.label ?? ''
  return label.includes('Desktop') ? 'LinuxDesktop' : 'LinuxHeadless'
}

/** Hourly price of a running machine: the catalog's list price (the smallest CPU type has none listed). */
const SMALLEST_RATE = 0.04

/** Monthly price of a disk by size (GB), from the public price list; a size in between costs as the next one up. */
const DISK_MONTHLY: ReadonlyArray<readonly [number, number]> = [
  [50, 5],
  [100, 7],
  [250, 10],
  [500, 20],
  [1000, 40],
  [2000, 80],
]
const HOURS_PER_MONTH = 730

function storageRate(bytes: number): number {
  const gb = bytes / 1024 ** 3
  const monthly = DISK_MONTHLY.find(([size]) => gb <= size)?.[1] ?? 80
  return Math.round((monthly / HOURS_PER_MONTH) * 10_000) / 10_000
}

/** When a machine last changed: its creation, or the latest moment one of its events began or ended. */
function modifiedAt(world: World, machine: MachineRecord): number {
  let latest = machine.dtCreated
  const now = world.clock.now()
  for (const event of world.store.eventsByMachine.get(machine.id) ?? []) {
    if (event.dtCreated > latest && event.dtCreated <= now) latest = event.dtCreated
    if (event.dtFinished !== null && event.dtFinished > latest && event.dtFinished <= now) latest = event.dtFinished
  }
  return latest
}

/** A machine as the live service shows it; `deletedAt` is set only in the answer to its deletion. */
export function liveMachineView(world: World, machine: MachineRecord, deletedAt: number | null = null): LiveMachine {
  const quirks = liveQuirks(machine.id)
  const type = findMachineType(machine.machineType)
  const size = (bytes: number) => (quirks.stringSizes ? String(bytes) : bytes)
  const frequency = machine.autoSnapshotFrequency
  const autoShutdown = machine.autoShutdownTimeoutHours > 0
  const { live } = machine
  return {
    id: machine.id,
    name: machine.name,
    // The live service has no `failed` state (the live world never holds one; this is a safety net).
    state: machine.state === 'failed' ? 'off' : machine.state,
    machineType: machine.machineType,
    agentType: agentType(machine),
    os: machine.os,
    cpus: machine.cpus,
    ram: size(machine.ram),
    region: quirks.longRegion ? (regionNames.get(machine.region) ?? machine.region) : machine.region,
    privateIp: machine.privateIp,
    publicIp: machine.publicIp,
    publicIpType: machine.publicIp === null ? 'none' : live.publicIpType === 'static' ? 'static' : 'dynamic',
    accelerators:
      type?.gpu && type.gpuCount > 0
        ? [{ name: type.gpu, count: type.gpuCount, memory: type.gpuMemoryGb * 1024 ** 3 }]
        : null,
    storageTotal: size(machine.storageTotal),
    storageUsed: size(Math.min(live.storageUsed, machine.storageTotal)),
    storageRate: storageRate(machine.storageTotal),
    usageRate: type?.pricePerHour ?? SMALLEST_RATE,
    autoShutdownEnabled: autoShutdown,
    autoShutdownForce: autoShutdown ? live.autoShutdownForce : null,
    autoShutdownTimeout: autoShutdown ? machine.autoShutdownTimeoutHours : null,
    autoSnapshotEnabled: frequency !== 'off',
    autoSnapshotFrequency: frequency === 'off' ? null : frequency,
    autoSnapshotSaveCount: frequency === 'off' ? null : live.autoSnapshotSaveCount,
    restorePointEnabled: live.restorePointFrequency !== null,
    restorePointFrequency: live.restorePointFrequency,
    restorePointSnapshotId: live.restorePointSnapshotId,
    networkId: live.networkId,
    updatesPending: live.updatesPending,
    reservation: live.reservation && {
      id: live.reservation.id,
      name: live.reservation.name,
      isActive: live.reservation.isActive,
      dtStarted: iso(live.reservation.dtStarted),
      dtFinished: live.reservation.dtFinished === null ? null : iso(live.reservation.dtFinished),
    },
    dtCreated: iso(machine.dtCreated),
    dtModified: iso(modifiedAt(world, machine)),
    dtDeleted: deletedAt === null ? null : iso(deletedAt),
  }
}

const ERROR_MESSAGES: Partial<Record<string, string>> = {
  start: 'The machine failed to start.',
  stop: 'The machine failed to stop.',
  restart: 'The machine failed to restart.',
  create: 'The machine could not be provisioned.',
}

/** An event as the live service tells it; `now` decides whether an event still running is `new`. */
export function liveEventView(event: EventRecord, now: number): LiveEvent {
  const state = event.state === 'in progress' && event.dtCreated >= now ? 'new' : event.state
  return {
    id: event.id,
    machineId: event.machineId,
    name: event.type,
    state,
    dtCreated: iso(event.dtCreated),
    dtStarted: iso(event.dtCreated),
    dtFinished: event.dtFinished === null ? null : iso(event.dtFinished),
    error: event.state === 'error' ? (ERROR_MESSAGES[event.type] ?? 'The action failed.') : null,
  }
}

function livePage<T, V>(page: Page<T>, view: (item: T) => V): LivePage<V> {
  return { items: page.items.map(view), hasMore: page.hasMore, nextPage: page.nextPage ?? null }
}

const ok = (body: unknown): Reply => ({ status: 200, body })

/** `region` filters may be long names; `orderBy` is limited to what the live service sorts by. */
function liveListQuery(query: ListMachinesQuery): ListMachinesQuery {
  if (query.orderBy !== undefined && !(LIVE_ORDER_BY as readonly string[]).includes(query.orderBy)) {
    throw badRequest(`orderBy must be one of: ${LIVE_ORDER_BY.join(', ')}.`)
  }
  const region = query.region?.trim()
  if (region === undefined) return query
  return { ...query, region: regionIdsByName.get(region.toLowerCase()) ?? region }
}

const isJsonType = (contentType: string | undefined) => /^application\/(?:[\w.-]+\+)?json\b/i.test(contentType ?? '')

/** The live dialect for one world (accessors need the team's names, events the clock, desktops the machine). */
export function createLiveDialect(world: World): Dialect {
  const { store } = world
  const event = (record: EventRecord) => liveEventView(record, world.clock.now())
  const machine = (record: MachineRecord) => liveMachineView(world, record)
  const accessor = ({ userId, email }: AccessorRecord): LiveAccessor => {
    const user = store.usersById.get(userId)
    return { user: { id: userId, email, firstName: user?.firstName ?? '', lastName: user?.lastName ?? '' } }
  }
  const envelope = ({ machine: record, event: action }: MachineAction): Reply =>
    ok({ event: event(action), data: machine(record) })
  const desktop = (config: DesktopConfig, machineId: string): LiveDesktop => {
    if (config.protocol === 'rdp') {
      const publicIp = store.machines.get(machineId)?.publicIp ?? null
      return { windows: { hostname: config.host, port: config.port, publicIp } }
    }
    return { vnc: { hostname: config.host, password: config.token, port: config.port } }
  }

  return {
    listMachines: (page) => ok(livePage(page, machine)),
    createMachine: envelope,
    getMachine: (record) => ok(machine(record)),
    updateMachine: envelope,
    deleteMachine: ({ machine: record, event: action }) =>
      ok({ event: event(action), data: liveMachineView(world, record, action.dtCreated) }),
    machineAction: envelope,
    listMachineAccessors: (records, query) => ok(livePage(pageAccessors(records, query), accessor)),
    grantMachineAccess: (record) => ok(accessor(record)),
    getMachineAccessor: (record) => ok(accessor(record)),
    revokeMachineAccess: () => ({ status: 204 }),
    getMachineDesktop: (config, machineId) => ok(desktop(config, machineId)),
    listMachineEvents: (page) => ok(livePage(page, event)),
    getMachineEvent: (record) => ok(event(record)),
    getMachineAvailability: ({ available }) => ok({ available } satisfies LiveAvailability),
    error: (error) => ({
      status: error.status,
      body: { code: error.code, message: error.message } satisfies ErrorBody,
    }),
    listMachinesQuery: liveListQuery,
    screen: async (operationId, request) => {
      const action = operationId === 'startMachine' || operationId === 'stopMachine' || operationId === 'restartMachine'
      if (!action || !isJsonType(request.contentType)) return null
      return (await request.text()).trim() === '' ? liveError(400, 'BAD_REQUEST', EMPTY_JSON_BODY_MESSAGE) : null
    },
  }
}

function liveError(status: number, code: string, message: string): Reply {
  return { status, body: { code, message } satisfies ErrorBody }
}

/** The live service knows no `failed` machines: a live world shows them as off (their failed start stays an event). */
export function adaptWorldToLive(world: World): void {
  for (const machine of world.store.machines.values()) {
    if (machine.state === 'failed') machine.state = 'off'
  }
  touch(world.store)
}
