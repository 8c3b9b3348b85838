// The contract's response shapes. Rules return the simulator's own records; a dialect turns them into status +
// body. The live service's dialect (`live-dialect.ts`) sits beside this one and is handed to the HTTP adapter
// without touching the rules.
//
// The one import from src/: the types generated from the contract. It is type-only, so it disappears at run time
// and server/ keeps no run-time dependency on the front end.
import type { components } from '../../src/api/schema'
import type { AccessorPageQuery } from './accessors'
import type { Availability } from './availability'
import type { DesktopConfig } from './desktop'
import type { SimError } from './errors'
import type { ListMachinesQuery, MachineAction } from './machines'
import type { OperationId } from './operations'
import type { Page } from './pagination'
import type { AccessorRecord, EventRecord, MachineRecord } from './store'

type Schemas = components['schemas']
export type Machine = Schemas['Machine']
export type MachineList = Schemas['MachineList']
export type MachineEvent = Schemas['MachineEvent']
export type MachineEventList = Schemas['MachineEventList']
export type Accessor = Schemas['Accessor']
export type Desktop = Schemas['DesktopConfig']
export interface ErrorBody {
  code: string
  message: string
}

/** What the adapter sends: a status and, unless it is 204, a JSON body. */
export interface Reply {
  status: number
  body?: unknown
}

/** What a dialect may look at before any rule runs. */
export interface ScreenedRequest {
  contentType: string | undefined
  /** the raw body ('' when there is none) */
  text(): Promise<string>
}

export interface Dialect {
  listMachines(page: Page<MachineRecord>): Reply
  createMachine(result: MachineAction): Reply
  getMachine(machine: MachineRecord): Reply
  updateMachine(result: MachineAction): Reply
  deleteMachine(result: MachineAction): Reply
  /** start, stop and restart */
  machineAction(result: MachineAction): Reply
  /** every accessor of the machine, and the list parameters sent (the contract's list is not paged) */
  listMachineAccessors(accessors: AccessorRecord[], query: AccessorPageQuery): Reply
  grantMachineAccess(accessor: AccessorRecord): Reply
  getMachineAccessor(accessor: AccessorRecord): Reply
  revokeMachineAccess(): Reply
  getMachineDesktop(desktop: DesktopConfig, machineId: string): Reply
  listMachineEvents(page: Page<EventRecord>): Reply
  getMachineEvent(event: EventRecord): Reply
  getMachineAvailability(availability: Availability): Reply
  error(error: SimError): Reply
  /** Rewrites the list parameters before the rules read them (e.g. accepting other spellings), or refuses them. */
  listMachinesQuery?(query: ListMachinesQuery): ListMachinesQuery
  /** A refusal made before the rules run (e.g. a body the service cannot parse), or null to go on. */
  screen?(operationId: OperationId, request: ScreenedRequest): Promise<Reply | null>
}

const iso = (ms: number) => new Date(ms).toISOString()

/** A Machine with exactly the contract's properties; `gpu` and `dtLastRun` are left out when there is none. */
export function machineView(machine: MachineRecord): Machine {
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    machineType: machine.machineType,
    region: machine.region,
    os: machine.os,
    cpus: machine.cpus,
    ram: machine.ram,
    ...(machine.gpu === null ? {} : { gpu: machine.gpu }),
    storageTotal: machine.storageTotal,
    publicIp: machine.publicIp,
    privateIp: machine.privateIp,
    autoShutdownEnabled: machine.autoShutdownTimeoutHours > 0,
    autoSnapshotEnabled: machine.autoSnapshotFrequency !== 'off',
    teamId: machine.teamId,
    userId: machine.userId,
    dtCreated: iso(machine.dtCreated),
    ...(machine.dtLastRun === null ? {} : { dtLastRun: iso(machine.dtLastRun) }),
  }
}

export function eventView(event: EventRecord): MachineEvent {
  return {
    id: event.id,
    machineId: event.machineId,
    type: event.type,
    state: event.state,
    dtCreated: iso(event.dtCreated),
  }
}

export function accessorView(accessor: AccessorRecord): Accessor {
  return { userId: accessor.userId, email: accessor.email, machineId: accessor.machineId, access: accessor.access }
}

/** `nextPage` is omitted on the last page: the contract types it as a string, never null. */
function pageView<T, V>(page: Page<T>, view: (item: T) => V): { items: V[]; hasMore: boolean; nextPage?: string } {
  return {
    items: page.items.map(view),
    hasMore: page.hasMore,
    ...(page.nextPage === undefined ? {} : { nextPage: page.nextPage }),
  }
}

const ok = (body: unknown): Reply => ({ status: 200, body })

export const contractDialect: Dialect = {
  listMachines: (page) => ok(pageView(page, machineView) satisfies MachineList),
  createMachine: ({ machine }) => ({ status: 201, body: machineView(machine) }),
  getMachine: (machine) => ok(machineView(machine)),
  updateMachine: ({ machine }) => ok(machineView(machine)),
  deleteMachine: () => ({ status: 204 }),
  machineAction: ({ machine }) => ok(machineView(machine)),
  listMachineAccessors: (accessors) => ok(accessors.map(accessorView)),
  grantMachineAccess: (accessor) => ({ status: 201, body: accessorView(accessor) }),
  getMachineAccessor: (accessor) => ok(accessorView(accessor)),
  revokeMachineAccess: () => ({ status: 204 }),
  getMachineDesktop: (desktop): Reply =>
    ok({ host: desktop.host, token: desktop.token, port: desktop.port, protocol: desktop.protocol } satisfies Desktop),
  listMachineEvents: (page) => ok(pageView(page, eventView) satisfies MachineEventList),
  getMachineEvent: (event) => ok(eventView(event)),
  getMachineAvailability: ({ available, machineType, region }) => ok({ available, machineType, region }),
  error: (error) => ({ status: error.status, body: { code: error.code, message: error.message } satisfies ErrorBody }),
}
