// The team the API key belongs to and its people: the rules of GET /auth/session and GET /teams/{teamId}/users,
// two reads of the live v1 service beyond the contract (openapi/paperspace-extras.yml). The contract has no such
// operations, so both dialects answer them in the live service's shapes, built here.
//
// The team is the seeded fleet's twelve people plus a few who joined recently and have no machine yet. The key
// belongs to the store's current user, the team's owner; the next person of the store is an admin.
//
// Type-only import from src/, as in contract-dialect.ts: it disappears at run time.
import type { components } from '../../src/api/extras-schema'
import { badRequest, notFound } from './errors'
import { cutPage, decodeCursor, encodeCursor, firstIndexAfter, type Page, parseLimit } from './pagination'
import { derivedRng, randomHex, randomId, randomInt } from './random'
import { type TeamUser, touch, type World } from './store'

type Schemas = components['schemas']
export type AuthSession = NonNullable<Schemas['AuthSession']>
export type TeamMembership = Schemas['TeamMembership']
export interface TeamUserList {
  items: TeamMembership[]
  hasMore: boolean
  nextPage: string | null
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The team's handle, as the live service shows it in URLs. */
export const TEAM_NAMESPACE = 'meridian-ml'

/** People who joined the team lately and have no machine and no access to any yet. */
export const NEWCOMERS: ReadonlyArray<readonly [firstName: string, lastName: string]> = [
  ['Priya', 'Natarajan'],
  ['Jonas', 'Weber'],
  ['Amara', 'Okafor'],
]

export const TEAM_ROLES = ['member', 'admin', 'owner'] as const
export type TeamRole = (typeof TEAM_ROLES)[number]

export interface MemberRecord {
  userId: string
  role: TeamRole
  /** when the account was made (ms) */
  dtCreated: number
  /** when they confirmed their membership (ms) */
  dtConfirmed: number
  /** when they were last seen (ms) */
  lastActive: number
  analyticsId: string
}

export interface TeamRecord {
  id: string
  namespace: string
  isPrivate: boolean
  maxMachines: number
  analyticsId: string
  /** user id → membership */
  members: Map<string, MemberRecord>
}

const teams = new WeakMap<World, TeamRecord>()

/** When each person's first machine was made (ms), and who can use some machine at all. */
function machineFacts(world: World): { firstOwned: Map<string, number>; withAccess: Set<string> } {
  const firstOwned = new Map<string, number>()
  const withAccess = new Set<string>()
  for (const machine of world.store.machines.values()) {
    firstOwned.set(machine.userId, Math.min(firstOwned.get(machine.userId) ?? machine.dtCreated, machine.dtCreated))
    for (const userId of world.store.accessors.get(machine.id)?.keys() ?? []) withAccess.add(userId)
  }
  return { firstOwned, withAccess }
}

function addNewcomers(world: World): void {
  const { store } = world
  const rng = derivedRng(world.seed, 'newcomers')
  for (const [firstName, lastName] of NEWCOMERS) {
    const email = `${firstName}.${lastName}@example.com`.toLowerCase()
    if (store.users.some((user) => user.email === email)) continue
    let id = randomId(rng, 'u', 8)
    while (store.usersById.has(id)) id = randomId(rng, 'u', 8)
    const user: TeamUser = { id, email, firstName, lastName }
    store.users.push(user)
    store.usersById.set(id, user)
  }
  touch(store)
}

/**
 * The world's team, set up on first use: the newcomers join the store's users (so access can be granted to them),
 * and every member gets a role and dates drawn from the seed. The simulator sets it up as the world is made.
 */
export function teamOf(world: World): TeamRecord {
  const existing = teams.get(world)
  if (existing) return existing
  addNewcomers(world)
  const { store } = world
  const now = world.clock.now()
  const { firstOwned, withAccess } = machineFacts(world)
  const founded = Math.min(now, ...firstOwned.values()) - 30 * DAY
  const members = new Map<string, MemberRecord>()
  const admin = store.users.find((user) => user.id !== store.currentUserId)
  for (const user of store.users) {
    const rng = derivedRng(world.seed, 'member', user.id)
    const owner = user.id === store.currentUserId
    const owned = firstOwned.get(user.id)
    // The owner founded the team; machine owners joined a little before their first machine; people who only use
    // others' machines some time before now; people with no machine at all in the last days.
    const dtConfirmed = owner
      ? founded
      : owned !== undefined
        ? Math.max(founded, owned - randomInt(rng, 1, 20) * DAY)
        : withAccess.has(user.id)
          ? founded + Math.floor(rng() * Math.max(0, now - 20 * DAY - founded))
          : now - randomInt(rng, 2, 12) * DAY - randomInt(rng, 0, 23) * HOUR
    const seenAgo = owner ? randomInt(rng, 5, 50) * 60_000 : randomInt(rng, 1, 14 * 24) * HOUR
    members.set(user.id, {
      userId: user.id,
      role: owner ? 'owner' : user.id === admin?.id ? 'admin' : 'member',
      dtCreated: dtConfirmed - randomInt(rng, 0, 400) * DAY - randomInt(rng, 1, 60) * 60_000,
      dtConfirmed,
      lastActive: Math.min(now, Math.max(dtConfirmed + HOUR, now - seenAgo)),
      analyticsId: randomHex(rng, 32),
    })
  }
  const rng = derivedRng(world.seed, 'team-session')
  const team: TeamRecord = {
    id: store.teamId,
    namespace: TEAM_NAMESPACE,
    isPrivate: false,
    maxMachines: Math.max(50, Math.ceil((store.machines.size * 1.5) / 50) * 50),
    analyticsId: randomHex(rng, 32),
    members,
  }
  teams.set(world, team)
  return team
}

/** A person's membership; someone added to the store after the team was set up is a plain member since now. */
function memberOf(world: World, team: TeamRecord, user: TeamUser): MemberRecord {
  const found = team.members.get(user.id)
  if (found) return found
  const now = world.clock.now()
  const member: MemberRecord = {
    userId: user.id,
    role: 'member',
    dtCreated: now,
    dtConfirmed: now,
    lastActive: now,
    analyticsId: randomHex(derivedRng(world.seed, 'member', user.id), 32),
  }
  team.members.set(user.id, member)
  return member
}

const iso = (ms: number) => new Date(ms).toISOString()

/** GET /auth/session: the key's team and user. Every accepted key belongs to the store's current user. */
export function getAuthSession(world: World): AuthSession {
  const team = teamOf(world)
  const { store } = world
  const user = store.usersById.get(store.currentUserId)
  if (!user) throw new Error('The current user is not on the team')
  const member = memberOf(world, team, user)
  return {
    team: {
      id: team.id,
      namespace: team.namespace,
      isPrivate: team.isPrivate,
      maxMachines: team.maxMachines,
      analyticsId: team.analyticsId,
    },
    user: {
      id: user.id,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      dtCreated: iso(member.dtCreated),
      dtConfirmed: iso(member.dtConfirmed),
      analyticsId: member.analyticsId,
    },
  }
}

export interface ListTeamUsersQuery {
  after?: string
  limit?: string
  orderBy?: string
  order?: string
  role?: string
}

function parseRole(raw: string | undefined): TeamRole | undefined {
  if (raw === undefined) return undefined
  if (!(TEAM_ROLES as readonly string[]).includes(raw))
    throw badRequest(`role must be one of: ${TEAM_ROLES.join(', ')}.`)
  return raw as TeamRole
}

/** GET /teams/{teamId}/users: the members by dtConfirmed (newest first unless `order=asc`), paged by cursor. */
export function listTeamUsers(world: World, teamId: string, query: ListTeamUsersQuery): Page<TeamMembership> {
  const team = teamOf(world)
  if (teamId !== team.id) throw notFound(`Team ${teamId} was not found.`)
  const limit = parseLimit(query.limit)
  if (query.orderBy !== undefined && query.orderBy !== 'dtConfirmed') {
    throw badRequest('orderBy must be one of: dtConfirmed.')
  }
  const order = query.order ?? 'desc'
  if (order !== 'asc' && order !== 'desc') throw badRequest('order must be asc or desc.')
  const role = parseRole(query.role)
  const sign = order === 'asc' ? 1 : -1
  const compare = (a: MemberRecord, b: MemberRecord) =>
    sign * (a.dtConfirmed - b.dtConfirmed) || (a.userId < b.userId ? -sign : a.userId > b.userId ? sign : 0)
  const sorted = world.store.users.map((user) => memberOf(world, team, user)).sort(compare)

  let start = 0
  if (query.after !== undefined) {
    const cursor = decodeCursor(query.after)
    const { v, i } = cursor
    if (typeof v !== 'number' || typeof i !== 'string') {
      throw badRequest('after is not a valid page cursor. Use the nextPage value of the previous page.')
    }
    if (cursor.d !== order || (cursor.r ?? null) !== (role ?? null)) {
      throw badRequest('after does not belong to this list. Send the same order and role as the first page.')
    }
    const mark = { userId: i, dtConfirmed: v } as MemberRecord
    start = firstIndexAfter(sorted, (member) => compare(member, mark) > 0)
  }
  const page = cutPage(
    sorted,
    start,
    limit,
    (member) => role === undefined || member.role === role,
    (member) => encodeCursor({ d: order, r: role ?? null, v: member.dtConfirmed, i: member.userId }),
  )
  return { ...page, items: page.items.map((member) => membershipView(world, member)) }
}

function membershipView(world: World, member: MemberRecord): TeamMembership {
  const user = world.store.usersById.get(member.userId)
  return {
    isAdmin: member.role !== 'member',
    isOwner: member.role === 'owner',
    dtConfirmed: iso(member.dtConfirmed),
    user: {
      id: member.userId,
      email: user?.email ?? '',
      firstName: user?.firstName ?? null,
      lastName: user?.lastName ?? null,
      lastActive: iso(member.lastActive),
      publicProfileImageUrl: null,
    },
  }
}

/** The answer's body: `nextPage` is null on the last page, as the live service sends it. */
export function teamUserListView(page: Page<TeamMembership>): TeamUserList {
  return { items: page.items, hasMore: page.hasMore, nextPage: page.nextPage ?? null }
}
