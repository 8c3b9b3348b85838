import { badRequest, conflict, notFound } from './errors'
import { recordInstantEvent } from './events'
import { getMachine } from './machines'
import { cutPage, decodeCursor, encodeCursor, type Page, parseLimit } from './pagination'
import type { AccessorRecord, Store, World } from './store'
import { requiredString, requireObject } from './validation'

function accessorsOf(store: Store, machineId: string): Map<string, AccessorRecord['access']> {
  let map = store.accessors.get(machineId)
  if (!map) {
    map = new Map()
    store.accessors.set(machineId, map)
  }
  return map
}

function toRecord(store: Store, machineId: string, userId: string, access: AccessorRecord['access']): AccessorRecord {
  return { userId, email: store.usersById.get(userId)?.email ?? '', machineId, access }
}

/** GET /machines/{id}/accessors: the owner (admin) first, then grants in the order they were made. */
export function listAccessors(world: World, machineId: string): AccessorRecord[] {
  getMachine(world, machineId)
  const { store } = world
  return [...accessorsOf(store, machineId)].map(([userId, access]) => toRecord(store, machineId, userId, access))
}

/** List parameters of a machine's accessors, as strings from a query (the live service pages this list). */
export interface AccessorPageQuery {
  after?: string | undefined
  limit?: string | undefined
}

/**
 * One page of a machine's accessors. The cursor names the last person of the page and where they stood, so a
 * grant or revoke between two pages neither repeats nor skips anyone who stays.
 */
export function pageAccessors(accessors: readonly AccessorRecord[], query: AccessorPageQuery): Page<AccessorRecord> {
  const limit = parseLimit(query.limit)
  let start = 0
  if (query.after !== undefined) {
    const cursor = decodeCursor(query.after)
    if (typeof cursor.u !== 'string' || typeof cursor.n !== 'number' || !Number.isInteger(cursor.n) || cursor.n < 0) {
      throw badRequest('after is not a valid page cursor. Use the nextPage value of the previous page.')
    }
    const at = accessors.findIndex((accessor) => accessor.userId === cursor.u)
    start = at === -1 ? cursor.n : at + 1
  }
  return cutPage(
    accessors,
    start,
    limit,
    () => true,
    (accessor) => encodeCursor({ u: accessor.userId, n: accessors.indexOf(accessor) }),
  )
}

export function getAccessor(world: World, machineId: string, userId: string): AccessorRecord {
  getMachine(world, machineId)
  const access = accessorsOf(world.store, machineId).get(userId)
  if (!access) throw notFound(`User ${userId} has no access to machine ${machineId}.`)
  return toRecord(world.store, machineId, userId, access)
}

/** POST /machines/{id}/accessors with `{ userId }`: the user must be on the team and not already have access. */
export function grantAccess(world: World, machineId: string, body: unknown): AccessorRecord {
  const userId = requiredString(requireObject(body), 'userId')
  getMachine(world, machineId)
  const { store } = world
  if (!store.usersById.has(userId)) throw notFound(`User ${userId} is not a member of this team.`)
  const accessors = accessorsOf(store, machineId)
  if (accessors.has(userId)) throw conflict(`User ${userId} already has access to this machine.`)
  accessors.set(userId, 'user')
  recordInstantEvent(world, machineId, 'grant-access')
  return toRecord(store, machineId, userId, 'user')
}

export function revokeAccess(world: World, machineId: string, userId: string): void {
  getMachine(world, machineId)
  const accessors = accessorsOf(world.store, machineId)
  if (!accessors.delete(userId)) throw notFound(`User ${userId} has no access to machine ${machineId}.`)
  recordInstantEvent(world, machineId, 'revoke-access')
}
