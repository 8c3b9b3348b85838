// The live Paperspace v1 service's response shapes, as documented in openapi/REAL-API-NOTES.md (beside the
// contract): the same rules, answered the way the real service answers.
//
// - create, update, delete, start, stop and restart answer `{ event, data }` with 200;
// - machines carry the live extra fields; `ram` and `storageTotal` come as numeric strings for some machines and
//   `region` as its long name ("East Coast (NY2)") for others, each machine always the same way;
//   `gpu` and `dtLastRun` are null rather than left out; there is no `failed` state;
// - events have `name` (not `type`), `dtStarted`, `dtFinished`, `error`, and the state `new` at the instant
//   they are created;
// - accessors are `{ user: { id, email, firstName, lastName } }`; a desktop is `{ vnc }` or `{ windows }`;
// - list pages end with `nextPage: null`; `orderBy` takes dtCreated, name or state; the `region` filter takes
//   the short or the long name;
// - start, stop and restart refuse a JSON content type with an empty body.
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

export interface LiveMachine {
  id: string
  name: string
  state: string
  machineType: string
  region: string
  os: string
  agentType: string
  cpus: number
  ram: number | string
  gpu: string | null
  accelerators: Array<{ name: string; memory: number; count: number }>
  storageTotal: number | string
  storageUsed: number
  publicIp: string | null
  publicIpType: 'dynamic' | 'none'
  privateIp: string | null
  autoShutdownEnabled: boolean
  autoShutdownTimeout: number | null
  autoSnapshotEnabled: boolean
  autoSnapshotFrequency: string | null
  usageRate: string
  storageRate: string
  reservation: null
  teamId: string
  userId: string
  dtCreated: string
  dtModified: string
  dtLastRun: string | null
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

export function liveMachineView(machine: MachineRecord): LiveMachine {
  const quirks = liveQuirks(machine.id)
  const type = findMachineType(machine.machineType)
  const size = (bytes: number) => (quirks.stringSizes ? String(bytes) : bytes)
  const frequency = machine.autoSnapshotFrequency
  return {
    id: machine.id,
    name: machine.name,
    // The live service has no `failed` state (the live world never holds one; this is a safety net).
    state: machine.state === 'failed' ? 'off' : machine.state,
    machineType: machine.machineType,
    region: quirks.longRegion ? (regionNames.get(machine.region) ?? machine.region) : machine.region,
    os: machine.os,
    agentType: agentType(machine),
    cpus: machine.cpus,
    ram: size(machine.ram),
    gpu: machine.gpu,
    accelerators:
      type?.gpu && type.gpuCount > 0
        ? [{ name: type.gpu, memory: type.gpuMemoryGb * 1024 ** 3, count: type.gpuCount }]
        : [],
    storageTotal: size(machine.storageTotal),
    storageUsed: Math.round(machine.storageTotal * ((hashString(`used|${machine.id}`) % 70) / 100 + 0.05)),
    publicIp: machine.publicIp,
    publicIpType: machine.publicIp === null ? 'none' : 'dynamic',
    privateIp: machine.privateIp,
    autoShutdownEnabled: machine.autoShutdownTimeoutHours > 0,
    autoShutdownTimeout: machine.autoShutdownTimeoutHours > 0 ? machine.autoShutdownTimeoutHours : null,
    autoSnapshotEnabled: frequency !== 'off',
    autoSnapshotFrequency: frequency === 'off' ? null : frequency,
    usageRate: `${machine.machineType} Hourly`,
    storageRate: `Standard ${Math.round(machine.storageTotal / 1024 ** 3)}GB`,
    reservation: null,
    teamId: machine.teamId,
    userId: machine.userId,
    dtCreated: iso(machine.dtCreated),
    dtModified: iso(machine.dtLastRun ?? machine.dtCreated),
    dtLastRun: machine.dtLastRun === null ? null : iso(machine.dtLastRun),
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
  const accessor = ({ userId, email }: AccessorRecord): LiveAccessor => {
    const user = store.usersById.get(userId)
    return { user: { id: userId, email, firstName: user?.firstName ?? '', lastName: user?.lastName ?? '' } }
  }
  const envelope = ({ machine, event: record }: MachineAction): Reply =>
    ok({ event: event(record), data: liveMachineView(machine) })
  const desktop = (config: DesktopConfig, machineId: string): LiveDesktop => {
    if (config.protocol === 'rdp') {
      const publicIp = store.machines.get(machineId)?.publicIp ?? null
      return { windows: { hostname: config.host, port: config.port, publicIp } }
    }
    return { vnc: { hostname: config.host, password: config.token, port: config.port } }
  }

  return {
    listMachines: (page) => ok(livePage(page, liveMachineView)),
    createMachine: envelope,
    getMachine: (machine) => ok(liveMachineView(machine)),
    updateMachine: envelope,
    deleteMachine: envelope,
    machineAction: envelope,
    listMachineAccessors: (accessors) => ok(accessors.map(accessor)),
    grantMachineAccess: (record) => ok(accessor(record)),
    getMachineAccessor: (record) => ok(accessor(record)),
    revokeMachineAccess: () => ({ status: 204 }),
    getMachineDesktop: (config, machineId) => ok(desktop(config, machineId)),
    listMachineEvents: (page) => ok(livePage(page, event)),
    getMachineEvent: (record) => ok(event(record)),
    getMachineAvailability: ({ available, machineType, region }) => ok({ available, machineType, region }),
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
