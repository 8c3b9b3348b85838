import { describe, expect, it } from 'vitest'
import { FakeClock } from './clock'
import { SimError } from './errors'
import type { World } from './store'
import {
  getAuthSession,
  type ListTeamUsersQuery,
  listTeamUsers,
  NEWCOMERS,
  TEAM_NAMESPACE,
  type TeamMembership,
  teamOf,
} from './team'
import { testApi } from './test-support'
import { createWorld } from './world'

function world(seed = 1, machines = 40): World {
  return createWorld({ seed, machines, speed: 1, clock: new FakeClock() })
}

/** Every member, page by page, with `limit` a page. */
function walk(w: World, query: Omit<ListTeamUsersQuery, 'after'>, limit = 3): TeamMembership[] {
  const all: TeamMembership[] = []
  let after: string | undefined
  for (let pages = 0; pages < 100; pages++) {
    const page = listTeamUsers(w, w.store.teamId, { ...query, limit: String(limit), ...(after ? { after } : {}) })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    all.push(...page.items)
    if (!page.hasMore) return all
    after = page.nextPage
  }
  throw new Error('the pages never end')
}

const usersWithAccess = (w: World) => new Set([...w.store.accessors.values()].flatMap((granted) => [...granted.keys()]))

function refusal(run: () => unknown): { status: number; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof SimError) return { status: error.status, message: error.message }
    throw error
  }
  throw new Error('it was not refused')
}

describe('the team', () => {
  it('has newcomers with no machine, once, beside everyone who has access to some machine', () => {
    const w = world()
    const before = w.store.users.length
    teamOf(w)
    teamOf(w)
    expect(w.store.users).toHaveLength(before + NEWCOMERS.length)
    const newcomers = w.store.users.slice(before)
    expect(newcomers.map((u) => `${u.firstName} ${u.lastName}`)).toEqual(NEWCOMERS.map((n) => n.join(' ')))
    const withAccess = usersWithAccess(w)
    for (const user of newcomers) {
      expect(withAccess.has(user.id)).toBe(false)
      expect(w.store.usersById.get(user.id)).toBe(user)
      expect(user.email).toMatch(/^[a-z]+\.[a-z]+@example\.com$/)
    }

    const members = walk(w, {}, 120).map((m) => m.user.id)
    expect(new Set(members).size).toBe(members.length)
    expect([...members].sort()).toEqual(w.store.users.map((u) => u.id).sort())
    for (const id of withAccess) expect(members).toContain(id)
  })

  it('is the same team for the same seed', () => {
    const [a, b] = [world(7), world(7)]
    expect(getAuthSession(a)).toEqual(getAuthSession(b))
    expect(walk(a, {}, 120)).toEqual(walk(b, {}, 120))
    expect(walk(world(8), {}, 120)).not.toEqual(walk(a, {}, 120))
  })
})

describe('GET /auth/session', () => {
  it('is the key owner, who owns the team, with a real name and email', () => {
    const w = world()
    const session = getAuthSession(w)
    const owner = w.store.usersById.get(w.store.currentUserId)!
    expect(session.team).toMatchObject({ id: w.store.teamId, namespace: TEAM_NAMESPACE, isPrivate: false })
    expect(session.team.maxMachines).toBeGreaterThanOrEqual(w.store.machines.size)
    expect(session.team.analyticsId).toMatch(/^[0-9a-f]{32}$/)
    expect(session.user).toMatchObject({
      id: owner.id,
      email: owner.email,
      firstName: owner.firstName,
      lastName: owner.lastName,
    })
    expect(Date.parse(session.user.dtCreated)).toBeLessThanOrEqual(Date.parse(session.user.dtConfirmed ?? ''))
    expect(walk(w, { role: 'owner' })).toEqual([expect.objectContaining({ isOwner: true, isAdmin: true })])
    expect(walk(w, { role: 'owner' })[0]?.user.id).toBe(owner.id)
  })
})

describe('GET /teams/{teamId}/users', () => {
  it('orders by dtConfirmed, newest first unless asked otherwise, and pages without gaps', () => {
    const w = world()
    const all = walk(w, {}, 120)
    const times = all.map((m) => Date.parse(m.dtConfirmed ?? ''))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(walk(w, {}, 4)).toEqual(all)
    expect(walk(w, { order: 'desc', orderBy: 'dtConfirmed' }, 1)).toEqual(all)
    expect(walk(w, { order: 'asc' }, 5)).toEqual([...all].reverse())
    // The newest members are the ones with no machine yet.
    const withAccess = usersWithAccess(w)
    expect(all.slice(0, NEWCOMERS.length).every((m) => !withAccess.has(m.user.id))).toBe(true)
    const now = w.clock.now()
    for (const member of all) {
      expect(Date.parse(member.user.lastActive ?? '')).toBeGreaterThanOrEqual(Date.parse(member.dtConfirmed ?? ''))
      expect(Date.parse(member.user.lastActive ?? '')).toBeLessThanOrEqual(now)
    }
  })

  it('filters by role: one owner, admins, and everyone else a member', () => {
    const w = world()
    const all = walk(w, {}, 120)
    const owners = walk(w, { role: 'owner' }, 2)
    const admins = walk(w, { role: 'admin' }, 2)
    const members = walk(w, { role: 'member' }, 2)
    expect(owners).toHaveLength(1)
    expect(admins.length).toBeGreaterThanOrEqual(1)
    expect(admins.every((m) => m.isAdmin && !m.isOwner)).toBe(true)
    expect(members.every((m) => !m.isAdmin && !m.isOwner)).toBe(true)
    expect(owners.length + admins.length + members.length).toBe(all.length)
  })

  it('answers 404 for another team', () => {
    expect(refusal(() => listTeamUsers(world(), 'teother1', {}))).toEqual({
      status: 404,
      message: 'Team teother1 was not found.',
    })
  })

  it.each([
    [{ limit: '0' }, 'limit must be an integer between 1 and 120.'],
    [{ limit: '121' }, 'limit must be an integer between 1 and 120.'],
    [{ limit: 'ten' }, 'limit must be an integer between 1 and 120.'],
    [{ orderBy: 'email' }, 'orderBy must be one of: dtConfirmed.'],
    [{ order: 'sideways' }, 'order must be asc or desc.'],
    [{ role: 'guest' }, 'role must be one of: member, admin, owner.'],
    [{ after: '%%' }, 'after is not a valid page cursor. Use the nextPage value of the previous page.'],
    [{ after: 'e30' }, 'after is not a valid page cursor. Use the nextPage value of the previous page.'],
  ])('refuses %o with 400', (query, message) => {
    const w = world()
    expect(refusal(() => listTeamUsers(w, w.store.teamId, query))).toEqual({ status: 400, message })
  })

  it('refuses a cursor of another order or role', () => {
    const w = world()
    const first = listTeamUsers(w, w.store.teamId, { limit: '2' })
    const after = first.nextPage
    expect(after).toBeDefined()
    const message = 'after does not belong to this list. Send the same order and role as the first page.'
    expect(refusal(() => listTeamUsers(w, w.store.teamId, { after, order: 'asc' }))).toEqual({ status: 400, message })
    expect(refusal(() => listTeamUsers(w, w.store.teamId, { after, role: 'member' }))).toEqual({ status: 400, message })
  })

  it('lists a newcomer who was granted access like everyone else, and the grant works', async () => {
    const { call, sim } = testApi()
    const machine = sim.store.machines[0]!
    const newcomer = sim.store.users.find((u) => u.firstName === NEWCOMERS[0]![0])!
    const granted = await call('POST', `/machines/${machine.id}/accessors`, { userId: newcomer.id })
    expect(granted.status).toBe(201)
    const page = await call('GET', `/teams/${sim.store.teamId}/users?limit=120`)
    expect(page.body.items.map((m: TeamMembership) => m.user.id)).toContain(newcomer.id)
    expect(page.body).toMatchObject({ hasMore: false, nextPage: null })
  })
})
