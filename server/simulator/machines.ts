import { isAvailable } from './availability'
import { findMachineType, findRegion, findTemplate, GIB, type MachineTypeSpec, offeredIn } from './catalog'
import { badRequest, conflict, notFound } from './errors'
import { recordInstantEvent } from './events'
import * as lifecycle from './lifecycle'
import { cutPage, decodeCursor, encodeCursor, firstIndexAfter, type Page, parseLimit } from './pagination'
import { pick, randomId, randomInt } from './random'
import {
  type EventRecord,
  type LiveFacts,
  type MachineRecord,
  type PublicIpType,
  SNAPSHOT_FREQUENCIES,
  type SnapshotFrequency,
  touch,
  type World,
} from './store'
import {
  machineName,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalStringList,
  requiredString,
  requireObject,
} from './validation'

type SortValue = string | number | boolean | null

/** The machine's scalar fields a list can be ordered by (the contract's Machine properties). */
const SORT_KEYS = {
  id: (m) => m.id,
  name: (m) => m.name,
  state: (m) => m.state,
  machineType: (m) => m.machineType,
  region: (m) => m.region,
  os: (m) => m.os,
  cpus: (m) => m.cpus,
  ram: (m) => m.ram,
  gpu: (m) => m.gpu,
  storageTotal: (m) => m.storageTotal,
  publicIp: (m) => m.publicIp,
  privateIp: (m) => m.privateIp,
  autoShutdownEnabled: (m) => m.autoShutdownTimeoutHours > 0,
  autoSnapshotEnabled: (m) => m.autoSnapshotFrequency !== 'off',
  teamId: (m) => m.teamId,
  userId: (m) => m.userId,
  dtCreated: (m) => m.dtCreated,
  dtLastRun: (m) => m.dtLastRun,
} satisfies Record<string, (machine: MachineRecord) => SortValue>

/** What a machine action leaves behind: the machine (as it is now) and the event it appended. */
export interface MachineAction {
  machine: MachineRecord
  event: EventRecord
}

export type OrderBy = keyof typeof SORT_KEYS
export type Order = 'asc' | 'desc'
export const ORDER_BY_FIELDS = Object.keys(SORT_KEYS) as OrderBy[]

export const DISK_SIZES_GB = { min: 50, max: 2000, default: 50 } as const
export const AUTO_SHUTDOWN_HOURS = { min: 1, max: 168 } as const
export const SNAPSHOT_SAVE_COUNT = { min: 1, max: 9, default: 1 } as const
export const PUBLIC_IP_TYPES: readonly PublicIpType[] = ['static', 'dynamic', 'none']
const RESTORE_POINT_FREQUENCIES = ['shutdown'] as const

/** Raw list parameters, as strings from a query. */
export interface ListMachinesQuery {
  after?: string
  limit?: string
  orderBy?: string
  order?: string
  name?: string
  region?: string
  machineType?: string
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

function comparator(orderBy: OrderBy, order: Order) {
  const key = SORT_KEYS[orderBy]
  const sign = order === 'asc' ? 1 : -1
  return (a: MachineRecord, b: MachineRecord) => sign * (compareValues(key(a), key(b)) || compareValues(a.id, b.id))
}

/** Sorted views of the fleet, rebuilt only when the store changed. */
const sortedCache = new WeakMap<World['store'], { version: number; lists: Map<string, MachineRecord[]> }>()

function sortedMachines(world: World, orderBy: OrderBy, order: Order): MachineRecord[] {
  const { store } = world
  let cache = sortedCache.get(store)
  if (!cache || cache.version !== store.version) {
    cache = { version: store.version, lists: new Map() }
    sortedCache.set(store, cache)
  }
  const cacheKey = `${orderBy}:${order}`
  let list = cache.lists.get(cacheKey)
  if (!list) {
    list = [...store.machines.values()].sort(comparator(orderBy, order))
    cache.lists.set(cacheKey, list)
  }
  return list
}

function parseOrderBy(raw: string | undefined): OrderBy {
  if (raw === undefined) return 'dtCreated'
  if (!Object.hasOwn(SORT_KEYS, raw)) throw badRequest(`orderBy must be one of: ${ORDER_BY_FIELDS.join(', ')}.`)
  return raw as OrderBy
}

function parseOrder(raw: string | undefined): Order {
  if (raw === undefined) return 'desc'
  if (raw !== 'asc' && raw !== 'desc') throw badRequest('order must be asc or desc.')
  return raw
}

export function listMachines(world: World, query: ListMachinesQuery): Page<MachineRecord> {
  const limit = parseLimit(query.limit)
  const orderBy = parseOrderBy(query.orderBy)
  const order = parseOrder(query.order)
  lifecycle.settle(world)
  const list = sortedMachines(world, orderBy, order)
  let start = 0
  if (query.after !== undefined) {
    const cursor = decodeCursor(query.after)
    const value = cursor.v
    const id = cursor.i
    const validValue = value === null || ['string', 'number', 'boolean'].includes(typeof value)
    if (cursor.o !== orderBy || cursor.d !== order || !validValue || typeof id !== 'string') {
      throw badRequest('after does not belong to this ordering. Send the same orderBy and order as the first page.')
    }
    const key = SORT_KEYS[orderBy]
    const sign = order === 'asc' ? 1 : -1
    start = firstIndexAfter(
      list,
      (machine) => sign * (compareValues(key(machine), value as SortValue) || compareValues(machine.id, id)) > 0,
    )
  }
  const name = query.name?.toLowerCase()
  const keep = (machine: MachineRecord) =>
    (name === undefined || machine.name.toLowerCase().includes(name)) &&
    (query.region === undefined || machine.region === query.region) &&
    (query.machineType === undefined || machine.machineType === query.machineType)
  const cursorFor = (machine: MachineRecord) =>
    encodeCursor({ o: orderBy, d: order, v: SORT_KEYS[orderBy](machine), i: machine.id })
  return cutPage(list, start, limit, keep, cursorFor)
}

export function getMachine(world: World, id: string): MachineRecord {
  lifecycle.settle(world)
  const machine = world.store.machines.get(id)
  if (!machine) throw notFound(`Machine ${id} was not found.`)
  return machine
}

function knownMachineType(name: string): MachineTypeSpec {
  const type = findMachineType(name)
  if (!type) throw badRequest(`machineType ${name} is not a known machine type.`)
  return type
}

function assertOffered(type: MachineTypeSpec, region: string): void {
  if (!offeredIn(type, region)) {
    throw badRequest(
      `machineType ${type.name} is not offered in region ${region}. It is offered in ${type.regions.join(', ')}.`,
    )
  }
}

const PUBLIC_PREFIXES = ['184.105', '74.82', '64.62', '216.153'] as const

export function randomPublicIp(rng: World['rng']): string {
  return `${pick(rng, PUBLIC_PREFIXES)}.${randomInt(rng, 1, 254)}.${randomInt(rng, 1, 254)}`
}

export function randomPrivateIp(rng: World['rng']): string {
  return `10.${randomInt(rng, 0, 255)}.${randomInt(rng, 0, 255)}.${randomInt(rng, 2, 254)}`
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** `publicIp` on create: 'dynamic' or 'static' assigns an address, 'none' assigns none, an IPv4 address is kept. */
function publicIpFor(world: World, raw: string | undefined): string | null {
  if (raw === undefined || raw === 'none') return null
  if (raw === 'dynamic' || raw === 'static') return randomPublicIp(world.rng)
  if (IPV4.test(raw)) return raw
  throw badRequest("publicIp must be 'dynamic', 'static', 'none' or an IPv4 address.")
}

function newMachineId(world: World): string {
  for (;;) {
    const id = randomId(world.rng, 'ps', 10)
    if (!world.store.machines.has(id)) return id
  }
}

/**
 * The auto-shutdown hours a body asks for: the contract's `autoShutdownTimeoutHours`, or the live service's
 * `autoShutdownEnabled` + `autoShutdownTimeout` (0 turns it off); undefined when the body says nothing.
 */
function autoShutdownHoursOf(input: Record<string, unknown>, min: number): number | undefined {
  const contract = optionalInteger(input, 'autoShutdownTimeoutHours', min, AUTO_SHUTDOWN_HOURS.max)
  const enabled = optionalBoolean(input, 'autoShutdownEnabled')
  const timeout = optionalInteger(input, 'autoShutdownTimeout', AUTO_SHUTDOWN_HOURS.min, AUTO_SHUTDOWN_HOURS.max)
  if (enabled === false) return 0
  if (enabled === true && timeout === undefined && contract === undefined) {
    throw badRequest('autoShutdownTimeout is required when autoShutdownEnabled is true.')
  }
  return timeout ?? contract
}

/** The snapshot frequency a body asks for: the contract's `autoSnapshotFrequency` ('off' too) or the live switch. */
function snapshotFrequencyOf(input: Record<string, unknown>): SnapshotFrequency | undefined {
  const enabled = optionalBoolean(input, 'autoSnapshotEnabled')
  const frequency = optionalString(input, 'autoSnapshotFrequency')
  if (frequency !== undefined && !(SNAPSHOT_FREQUENCIES as readonly string[]).includes(frequency)) {
    throw badRequest(`autoSnapshotFrequency must be one of: ${SNAPSHOT_FREQUENCIES.join(', ')}.`)
  }
  if (enabled === false) return 'off'
  if (enabled === true && (frequency === undefined || frequency === 'off')) {
    throw badRequest('autoSnapshotFrequency is required when autoSnapshotEnabled is true.')
  }
  return frequency as SnapshotFrequency | undefined
}

/** `accessorIds` on create: every one a member of the team. */
function accessorIdsOf(world: World, input: Record<string, unknown>): string[] {
  const ids = optionalStringList(input, 'accessorIds') ?? []
  for (const id of ids) {
    if (!world.store.usersById.has(id)) throw badRequest(`accessorIds: user ${id} is not a member of this team.`)
  }
  return ids
}

function newSnapshotId(world: World): string {
  return randomId(world.rng, 'ss', 8)
}

/**
 * POST /machines: validates a MachineCreate body (the contract's fields and the live service's: `accessorIds`,
 * `takeInitialSnapshot`, `publicIpType`, the auto-shutdown, snapshot and restore-point settings) and starts
 * provisioning.
 */
export function createMachine(world: World, body: unknown): MachineAction {
  const input = requireObject(body)
  const name = machineName(requiredString(input, 'name'))
  const type = knownMachineType(requiredString(input, 'machineType'))
  const region = requiredString(input, 'region')
  if (!findRegion(region)) throw badRequest(`region ${region} is not a known region. Use ny2, ca1 or ams1.`)
  assertOffered(type, region)
  const templateId = requiredString(input, 'templateId')
  const template = findTemplate(templateId)
  if (!template) throw badRequest(`templateId ${templateId} is not a known template.`)
  const diskSize =
    optionalInteger(input, 'diskSize', DISK_SIZES_GB.min, DISK_SIZES_GB.max, ' (GB)') ?? DISK_SIZES_GB.default
  const autoShutdownTimeoutHours = autoShutdownHoursOf(input, AUTO_SHUTDOWN_HOURS.min) ?? 0
  const autoShutdownForce = optionalBoolean(input, 'autoShutdownForce') ?? false
  const autoSnapshotFrequency = snapshotFrequencyOf(input) ?? 'off'
  const saveCount = optionalInteger(input, 'autoSnapshotSaveCount', SNAPSHOT_SAVE_COUNT.min, SNAPSHOT_SAVE_COUNT.max)
  const startOnCreate = optionalBoolean(input, 'startOnCreate') ?? true
  const takeInitialSnapshot = optionalBoolean(input, 'takeInitialSnapshot') ?? false
  const restorePointEnabled = optionalBoolean(input, 'restorePointEnabled') ?? false
  const restorePointFrequency = optionalEnum(input, 'restorePointFrequency', RESTORE_POINT_FREQUENCIES)
  if (restorePointEnabled && (!takeInitialSnapshot || restorePointFrequency === undefined)) {
    throw badRequest('restorePointEnabled needs takeInitialSnapshot true and a restorePointFrequency.')
  }
  const publicIpType = optionalEnum(input, 'publicIpType', PUBLIC_IP_TYPES)
  const publicIpInput = optionalString(input, 'publicIp') ?? publicIpType
  const networkId = optionalString(input, 'networkId') ?? null
  for (const field of ['startupScriptId']) optionalString(input, field)
  for (const field of ['emailPassword', 'enableNvlink']) optionalBoolean(input, field)
  const accessorIds = accessorIdsOf(world, input)

  lifecycle.settle(world)
  if (!isAvailable(world, type.name, region)) throw conflict(`${type.name} is not available in ${region} right now.`)

  const { store } = world
  const publicIp = publicIpFor(world, publicIpInput)
  const snapshotId = takeInitialSnapshot ? newSnapshotId(world) : null
  const live: LiveFacts = {
    publicIpType: publicIp === null ? 'none' : publicIpInput === 'static' ? 'static' : 'dynamic',
    autoShutdownForce,
    autoSnapshotSaveCount: autoSnapshotFrequency === 'off' ? null : (saveCount ?? SNAPSHOT_SAVE_COUNT.default),
    restorePointFrequency: restorePointEnabled ? (restorePointFrequency ?? null) : null,
    restorePointSnapshotId: restorePointEnabled ? snapshotId : null,
    networkId,
    updatesPending: false,
    reservation: null,
    storageUsed: 0,
  }
  const machine: MachineRecord = {
    id: newMachineId(world),
    name,
    state: 'provisioning',
    machineType: type.name,
    region,
    templateId: template.id,
    os: template.os,
    cpus: type.cpus,
    ram: type.ramGb * GIB,
    gpu: type.gpu,
    storageTotal: diskSize * GIB,
    publicIp,
    privateIp: randomPrivateIp(world.rng),
    autoShutdownTimeoutHours,
    autoSnapshotFrequency,
    teamId: store.teamId,
    userId: store.currentUserId,
    dtCreated: world.clock.now(),
    dtLastRun: null,
    transition: null,
    live,
  }
  store.machines.set(machine.id, machine)
  const access = new Map<string, 'admin' | 'user'>([[machine.userId, 'admin']])
  for (const userId of accessorIds) if (!access.has(userId)) access.set(userId, 'user')
  store.accessors.set(machine.id, access)
  const event = lifecycle.provisionMachine(world, machine, startOnCreate)
  if (takeInitialSnapshot) recordInstantEvent(world, machine.id, 'snapshot-create')
  return { machine, event }
}

const UPDATE_FIELDS = [
  'name',
  'machineType',
  'autoShutdownTimeoutHours',
  'autoSnapshotFrequency',
  'diskSize',
  'publicIpType',
  'networkId',
  'autoShutdownEnabled',
  'autoShutdownTimeout',
  'autoShutdownForce',
  'autoSnapshotEnabled',
  'autoSnapshotSaveCount',
  'restorePointEnabled',
  'restorePointFrequency',
  'restorePointSnapshotId',
] as const

/**
 * PUT /machines/{id}: name, settings and the disk (grow only) any time; the machine type only while off. Takes the
 * contract's fields and the live service's.
 */
export function updateMachine(world: World, id: string, body: unknown): MachineAction {
  const input = requireObject(body)
  if (!UPDATE_FIELDS.some((field) => input[field] !== undefined)) {
    throw badRequest(`Send at least one of ${UPDATE_FIELDS.join(', ')}.`)
  }
  const rawName = optionalString(input, 'name')
  const name = rawName === undefined ? undefined : machineName(rawName)
  const autoShutdownTimeoutHours = autoShutdownHoursOf(input, 0)
  const autoShutdownForce = optionalBoolean(input, 'autoShutdownForce')
  const frequency = snapshotFrequencyOf(input)
  const saveCount = optionalInteger(input, 'autoSnapshotSaveCount', SNAPSHOT_SAVE_COUNT.min, SNAPSHOT_SAVE_COUNT.max)
  const typeName = optionalString(input, 'machineType')
  const type = typeName === undefined ? undefined : knownMachineType(typeName)
  const diskSize = optionalInteger(input, 'diskSize', DISK_SIZES_GB.min, DISK_SIZES_GB.max, ' (GB)')
  const publicIpType = optionalEnum(input, 'publicIpType', PUBLIC_IP_TYPES)
  const networkId = optionalString(input, 'networkId')
  const restorePointEnabled = optionalBoolean(input, 'restorePointEnabled')
  const restorePointFrequency = optionalEnum(input, 'restorePointFrequency', RESTORE_POINT_FREQUENCIES)
  const restorePointSnapshotId = optionalString(input, 'restorePointSnapshotId')

  const machine = getMachine(world, id)
  const { live } = machine
  if (diskSize !== undefined && diskSize * GIB < machine.storageTotal) {
    throw badRequest(`diskSize can only grow: the disk has ${Math.round(machine.storageTotal / GIB)} GB.`)
  }
  if (restorePointEnabled === true && (restorePointSnapshotId ?? live.restorePointSnapshotId) === null) {
    throw badRequest('restorePointEnabled needs a restorePointSnapshotId.')
  }
  if (type && type.name !== machine.machineType) {
    assertOffered(type, machine.region)
    if (machine.state !== 'off') throw conflict('Change the machine type while the machine is off.')
    machine.machineType = type.name
    machine.cpus = type.cpus
    machine.ram = type.ramGb * GIB
    machine.gpu = type.gpu
  }
  if (name !== undefined) machine.name = name
  if (autoShutdownTimeoutHours !== undefined) machine.autoShutdownTimeoutHours = autoShutdownTimeoutHours
  if (autoShutdownForce !== undefined) live.autoShutdownForce = autoShutdownForce
  if (frequency !== undefined) machine.autoSnapshotFrequency = frequency
  if (machine.autoSnapshotFrequency === 'off') live.autoSnapshotSaveCount = null
  else live.autoSnapshotSaveCount = saveCount ?? live.autoSnapshotSaveCount ?? SNAPSHOT_SAVE_COUNT.default
  if (diskSize !== undefined) machine.storageTotal = diskSize * GIB
  if (publicIpType !== undefined) {
    live.publicIpType = publicIpType
    if (publicIpType === 'none') machine.publicIp = null
    else machine.publicIp ??= randomPublicIp(world.rng)
  }
  if (networkId !== undefined) live.networkId = networkId
  if (restorePointSnapshotId !== undefined) live.restorePointSnapshotId = restorePointSnapshotId
  if (restorePointEnabled === false) live.restorePointFrequency = null
  else if (restorePointEnabled === true || restorePointFrequency !== undefined) {
    live.restorePointFrequency = restorePointFrequency ?? 'shutdown'
  }
  touch(world.store)
  return { machine, event: recordInstantEvent(world, machine.id, 'update') }
}

/** DELETE /machines/{id}: gone at once; refused mid-transition. Its events stay in the history. */
export function deleteMachine(world: World, id: string): MachineAction {
  const machine = getMachine(world, id)
  lifecycle.assertSettled(machine)
  world.store.machines.delete(id)
  world.store.accessors.delete(id)
  touch(world.store)
  return { machine, event: recordInstantEvent(world, id, 'delete') }
}

export function startMachine(world: World, id: string): MachineAction {
  const machine = getMachine(world, id)
  return { machine, event: lifecycle.startMachine(world, machine) }
}

export function stopMachine(world: World, id: string): MachineAction {
  const machine = getMachine(world, id)
  return { machine, event: lifecycle.stopMachine(world, machine) }
}

export function restartMachine(world: World, id: string): MachineAction {
  const machine = getMachine(world, id)
  return { machine, event: lifecycle.restartMachine(world, machine) }
}
