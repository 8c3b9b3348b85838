/**
 * One shape for the pages, whichever Paperspace answers: the contract's (openapi/paperspace-machines.yml) or the live
 * v1 service's (see openapi/REAL-API-NOTES.md). The client applies `normalizeResponse` to every answer, so no page
 * knows which one it is talking to. What the live service adds is kept as it comes; what it spells differently is
 * rewritten into the contract's schema types:
 *
 * - `{ event, data }` (create, update, delete, start, stop, restart) → the Machine in `data`; a deleted machine → no body
 * - `ram`, `storageTotal`, `storageUsed`, `cpus` and the rates as numeric strings → numbers; nulls → left out
 * - `accelerators` → `gpu` (their names) when the service sends no `gpu`; the accelerators stay, counts and memory as
 *   numbers. A live machine has no `dtLastRun` (its `start` events tell, see machines.ts) and no owner (`userId`):
 *   nothing is made up for them
 * - long region names ("East Coast (NY2)") → short ids ("ny2"); machine types in another case → the catalog's spelling
 * - events `{ name, state, dtStarted, ... }` → MachineEvent with `type`
 * - accessor lists, a bare array (contract) or a page (live) → a page `{ items, hasMore, nextPage? }` of Accessor, so
 *   callers follow `nextPage` either way; `{ user: { id, email, ... } }` items → Accessor; revoked ones (`dtDeleted`)
 *   left out
 * - desktops `{ vnc }` / `{ windows }` → DesktopConfig `{ host, port, protocol, token? }`
 * - `nextPage: null` → left out
 *
 * Unknown states, regions, machine types and event names pass through unchanged; nothing here throws on odd input.
 */
import { machineTypeInfo, regionId } from '../lib/catalog'
import type { components } from './schema'

type Schemas = components['schemas']

/** One kind of GPU in a machine, as the live service lists it. */
export interface Accelerator {
  name: string
  count: number
  /** bytes of memory of each one */
  memory?: number
}

export interface Reservation {
  id?: string
  name?: string
  isActive?: boolean
  dtStarted?: string
  dtFinished?: string
}

/** What the live service tells about a machine beyond the contract, once normalised; every field may be missing. */
export interface LiveMachineFacts {
  agentType?: string
  accelerators?: Accelerator[]
  /** bytes */
  storageUsed?: number
  /** dollars per hour while running */
  usageRate?: number
  /** dollars per hour for the disk */
  storageRate?: number
  publicIpType?: string
  autoShutdownTimeout?: number
  autoShutdownForce?: boolean
  autoSnapshotFrequency?: string
  autoSnapshotSaveCount?: number
  restorePointEnabled?: boolean
  restorePointFrequency?: string
  restorePointSnapshotId?: string
  networkId?: string
  updatesPending?: boolean
  reservation?: Reservation
  dtModified?: string
}

export type Machine = Schemas['Machine'] & LiveMachineFacts
export type MachineList = Schemas['MachineList']
export type MachineEvent = Schemas['MachineEvent']
export type MachineEventList = Schemas['MachineEventList']
export type Accessor = Schemas['Accessor']
/** A page of accessors: what every accessor list becomes here, in either dialect. */
export interface AccessorList {
  items: Accessor[]
  hasMore: boolean
  nextPage?: string
}
export type DesktopConfig = Schemas['DesktopConfig']
export interface Availability {
  available?: boolean
  machineType?: string
  region?: string
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A live mutation's `{ event, data }` → `data`; anything else as it is. */
export function unwrapEnvelope(body: unknown): unknown {
  if (isObject(body) && isObject(body.data) && ('event' in body || Object.keys(body).length === 1)) return body.data
  return body
}

/** Numbers stay, numeric strings become numbers, anything else is undefined. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) return Number(value)
  return undefined
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined

/** Sets `key` to `value`, or removes it when there is no usable value. */
function assign(target: Json, key: string, value: unknown): void {
  if (value === undefined || value === null) delete target[key]
  else target[key] = value
}

/** "a100-80g" → "A100-80G" (the catalog's spelling); unknown types trimmed, as they came. */
export function machineTypeName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return machineTypeInfo(trimmed)?.name ?? trimmed
}

/** A region in either form → its short id; unknown regions as they came. */
export function regionValue(value: unknown): string | undefined {
  return typeof value === 'string' ? regionId(value) || undefined : undefined
}

function normalizeAccelerators(value: unknown): Accelerator[] | undefined {
  if (!Array.isArray(value)) return undefined
  const accelerators: Accelerator[] = []
  for (const raw of value) {
    if (!isObject(raw)) continue
    const name = nonEmptyString(raw.name)
    const count = toNumber(raw.count) ?? 1
    if (!name || count <= 0) continue
    const memory = toNumber(raw.memory)
    accelerators.push(memory === undefined ? { name, count } : { name, count, memory })
  }
  return accelerators
}

function normalizeReservation(value: unknown): Reservation | undefined {
  if (!isObject(value)) return undefined
  const reservation: Json = { ...value }
  for (const key of ['id', 'name', 'dtStarted', 'dtFinished']) assign(reservation, key, nonEmptyString(value[key]))
  assign(reservation, 'isActive', toBoolean(value.isActive))
  return reservation as Reservation
}

export function normalizeMachine(body: unknown): Machine {
  const raw = unwrapEnvelope(body)
  if (!isObject(raw)) return {}
  const machine: Json = { ...raw }
  for (const key of [
    'cpus',
    'ram',
    'storageTotal',
    'storageUsed',
    'usageRate',
    'storageRate',
    'autoSnapshotSaveCount',
    'autoShutdownTimeout',
  ]) {
    if (key in machine) assign(machine, key, toNumber(machine[key]))
  }
  for (const key of ['autoShutdownForce', 'restorePointEnabled', 'updatesPending']) {
    if (key in machine) assign(machine, key, toBoolean(machine[key]))
  }
  if ('region' in machine) assign(machine, 'region', regionValue(machine.region))
  if ('machineType' in machine) assign(machine, 'machineType', machineTypeName(machine.machineType))
  for (const key of [
    'gpu',
    'dtLastRun',
    'dtCreated',
    'dtModified',
    'name',
    'os',
    'teamId',
    'userId',
    'state',
    'agentType',
    'publicIpType',
    'autoSnapshotFrequency',
    'restorePointFrequency',
    'restorePointSnapshotId',
    'networkId',
  ]) {
    if (key in machine) assign(machine, key, nonEmptyString(machine[key]))
  }
  if ('accelerators' in machine) {
    const accelerators = normalizeAccelerators(machine.accelerators)
    assign(machine, 'accelerators', accelerators)
    if (machine.gpu === undefined && accelerators && accelerators.length > 0) {
      machine.gpu = accelerators.map((accelerator) => accelerator.name).join(' + ')
    }
  }
  if ('reservation' in machine) assign(machine, 'reservation', normalizeReservation(machine.reservation))
  // A machine the live service lists is not deleted; the field says so only in the answer to a deletion.
  if ('dtDeleted' in machine) assign(machine, 'dtDeleted', nonEmptyString(machine.dtDeleted))
  const autoShutdown = toBoolean(machine.autoShutdownEnabled)
  const timeout = toNumber(machine.autoShutdownTimeout)
  assign(machine, 'autoShutdownEnabled', autoShutdown ?? (timeout === undefined ? undefined : timeout > 0))
  const autoSnapshot = toBoolean(machine.autoSnapshotEnabled)
  const frequency = machine.autoSnapshotFrequency
  assign(
    machine,
    'autoSnapshotEnabled',
    autoSnapshot ?? (typeof frequency === 'string' ? frequency !== 'off' && frequency !== '' : undefined),
  )
  return machine as Machine
}

function items(body: unknown): unknown[] {
  if (Array.isArray(body)) return body
  if (isObject(body) && Array.isArray(body.items)) return body.items
  return []
}

/**
 * A page `{ items, hasMore, nextPage? }`: `nextPage` only when there is one (never null), `hasMore` a boolean (from
 * the cursor when the service leaves it out). A bare array is taken for a single, last page.
 */
function normalizePage<T>(
  body: unknown,
  item: (raw: unknown) => T,
  keep: (raw: unknown) => boolean = () => true,
): { items: T[]; hasMore: boolean; nextPage?: string } {
  const page: Json = isObject(body) ? { ...body } : {}
  const nextPage = nonEmptyString(page.nextPage)
  assign(page, 'nextPage', nextPage)
  page.hasMore = typeof page.hasMore === 'boolean' ? page.hasMore : nextPage !== undefined
  page.items = items(body).filter(isObject).filter(keep).map(item)
  return page as { items: T[]; hasMore: boolean; nextPage?: string }
}

export function normalizeMachineList(body: unknown): MachineList {
  return normalizePage(body, normalizeMachine)
}

export function normalizeEvent(body: unknown): MachineEvent {
  const raw = unwrapEnvelope(body)
  if (!isObject(raw)) return {}
  const event: Json = { ...raw }
  assign(event, 'type', nonEmptyString(raw.type) ?? nonEmptyString(raw.name))
  assign(event, 'dtCreated', nonEmptyString(raw.dtCreated) ?? nonEmptyString(raw.dtStarted))
  for (const key of ['id', 'machineId', 'state']) {
    if (key in event) assign(event, key, nonEmptyString(event[key]))
  }
  return event as MachineEvent
}

export function normalizeEventList(body: unknown): MachineEventList {
  return normalizePage(body, normalizeEvent)
}

const ACCESS_LEVELS: ReadonlySet<string> = new Set(['admin', 'user'])

/**
 * An accessor in either shape. The live service does not say which access a person has; an explicit grant is
 * user access, so that is what it is taken for.
 */
export function normalizeAccessor(body: unknown, context: { machineId?: string; userId?: string } = {}): Accessor {
  const raw = unwrapEnvelope(body)
  if (!isObject(raw)) return {}
  const user = isObject(raw.user) ? raw.user : {}
  const accessor: Json = { ...raw }
  assign(accessor, 'userId', nonEmptyString(raw.userId) ?? nonEmptyString(user.id) ?? context.userId)
  assign(accessor, 'email', nonEmptyString(raw.email) ?? nonEmptyString(user.email))
  assign(accessor, 'machineId', nonEmptyString(raw.machineId) ?? context.machineId)
  const access = typeof raw.access === 'string' ? raw.access : typeof raw.role === 'string' ? raw.role : undefined
  accessor.access = access && ACCESS_LEVELS.has(access.toLowerCase()) ? access.toLowerCase() : 'user'
  return accessor as Accessor
}

/** A list of accessors, bare (contract) or paged (live), as a page; accessors revoked (`dtDeleted`) are left out. */
export function normalizeAccessorList(body: unknown, context: { machineId?: string } = {}): AccessorList {
  return normalizePage(
    Array.isArray(body) ? { items: body } : body,
    (item) => normalizeAccessor(item, context),
    (item) => !(isObject(item) && nonEmptyString(item.dtDeleted)),
  )
}

export function normalizeDesktop(body: unknown): DesktopConfig {
  const raw = unwrapEnvelope(body)
  if (!isObject(raw)) return {}
  const desktop: Json = { ...raw }
  const vnc = isObject(raw.vnc) ? raw.vnc : undefined
  const windows = isObject(raw.windows) ? raw.windows : undefined
  if (vnc && (!windows || nonEmptyString(vnc.password))) {
    assign(desktop, 'host', nonEmptyString(raw.host) ?? nonEmptyString(vnc.hostname) ?? nonEmptyString(vnc.host))
    assign(desktop, 'port', toNumber(raw.port) ?? toNumber(vnc.port))
    assign(desktop, 'protocol', nonEmptyString(raw.protocol) ?? 'vnc')
    assign(desktop, 'token', nonEmptyString(raw.token) ?? nonEmptyString(vnc.password))
  } else if (windows) {
    assign(desktop, 'host', nonEmptyString(raw.host) ?? nonEmptyString(windows.hostname) ?? windows.publicIp)
    assign(desktop, 'port', toNumber(raw.port) ?? toNumber(windows.port))
    assign(desktop, 'protocol', nonEmptyString(raw.protocol) ?? 'rdp')
    assign(desktop, 'token', nonEmptyString(raw.token))
  } else if ('port' in desktop) {
    assign(desktop, 'port', toNumber(desktop.port))
  }
  return desktop as DesktopConfig
}

export function normalizeAvailability(body: unknown): Availability {
  if (!isObject(body)) return {}
  const availability: Json = { ...body }
  assign(availability, 'available', toBoolean(body.available))
  if ('region' in availability) assign(availability, 'region', regionValue(body.region))
  if ('machineType' in availability) assign(availability, 'machineType', machineTypeName(body.machineType))
  return availability as Availability
}

/** What the client knows about a call: the method, the path template and its parameters. */
export interface CallContext {
  method: string
  schemaPath: string
  params?: { path?: Record<string, unknown> } | undefined
}

/**
 * The body of a successful answer in the contract's shape, by operation (method + path template). `undefined`
 * means "no body" (the contract answers 204). Paths the contract does not know are returned unchanged.
 */
export function normalizeBody({ method, schemaPath, params }: CallContext, body: unknown): unknown {
  const path = params?.path ?? {}
  const machineId = typeof path.id === 'string' ? path.id : undefined
  const userId = typeof path.userId === 'string' ? path.userId : undefined
  switch (`${method.toUpperCase()} ${schemaPath}`) {
    case 'GET /machines':
      return normalizeMachineList(body)
    case 'POST /machines':
    case 'GET /machines/{id}':
    case 'PUT /machines/{id}':
    case 'PATCH /machines/{id}/start':
    case 'PATCH /machines/{id}/stop':
    case 'PATCH /machines/{id}/restart':
      return normalizeMachine(body)
    case 'DELETE /machines/{id}':
    case 'DELETE /machines/{id}/accessors/{userId}':
      return undefined
    case 'GET /machines/{id}/accessors':
      return normalizeAccessorList(body, machineId ? { machineId } : {})
    case 'POST /machines/{id}/accessors':
      return normalizeAccessor(body, machineId ? { machineId } : {})
    case 'GET /machines/{id}/accessors/{userId}':
      return normalizeAccessor(body, { ...(machineId ? { machineId } : {}), ...(userId ? { userId } : {}) })
    case 'GET /machines/{id}/desktop':
      return normalizeDesktop(body)
    case 'GET /machine-events':
      return normalizeEventList(body)
    case 'GET /machine-events/{id}':
      return normalizeEvent(body)
    case 'GET /machine-availability':
      return normalizeAvailability(body)
    default:
      return body
  }
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i

/**
 * The client's step after every answer (client.ts): a successful JSON answer is replaced by one whose body has the
 * contract's shape. Errors, empty answers and bodies that are not JSON are left alone (`undefined`), for `unwrap()`
 * to judge.
 */
export async function normalizeResponse(context: CallContext & { response: Response }): Promise<Response | undefined> {
  const { response } = context
  if (!response.ok || response.status === 204 || !JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
    return undefined
  }
  const text = await response.clone().text()
  if (text.trim() === '') return undefined
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  const normalized = normalizeBody(context, body)
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  headers.delete('content-encoding')
  if (normalized === undefined) {
    headers.delete('content-type')
    return new Response(null, { status: 204, headers })
  }
  return new Response(JSON.stringify(normalized), { status: response.status, statusText: response.statusText, headers })
}
