import { describe, expect, it } from 'vitest'
import { testApi } from './test-support'

function setup() {
  const api = testApi()
  const machine = api.sim.store.machines[0]!
  const owner = machine.userId!
  const stranger = api.sim.store.users.find(
    (u) => !api.sim.store.accessors(machine.id!).some((a) => a.userId === u.id),
  )!
  return { ...api, id: machine.id!, owner, stranger }
}

describe('accessors', () => {
  it('lists the owner as admin', async () => {
    const { call, id, owner, sim } = setup()
    const reply = await call('GET', `/machines/${id}/accessors`)
    expect(reply.status).toBe(200)
    expect(reply.body[0]).toEqual({
      userId: owner,
      email: sim.store.users.find((u) => u.id === owner)!.email,
      machineId: id,
      access: 'admin',
    })
    expect(reply.body.slice(1).every((a: { access: string }) => a.access === 'user')).toBe(true)
  })

  it('grants, finds, refuses a duplicate and revokes', async () => {
    const { call, id, stranger, sim } = setup()
    const granted = await call('POST', `/machines/${id}/accessors`, { userId: stranger.id })
    expect(granted).toMatchObject({
      status: 201,
      body: { userId: stranger.id, email: stranger.email, machineId: id, access: 'user' },
    })
    expect(sim.store.eventsFor(id)[0]).toMatchObject({ type: 'grant-access', state: 'done' })
    expect((await call('GET', `/machines/${id}/accessors/${stranger.id}`)).body).toEqual(granted.body)
    expect(await call('POST', `/machines/${id}/accessors`, { userId: stranger.id })).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT' },
    })
    expect((await call('DELETE', `/machines/${id}/accessors/${stranger.id}`)).status).toBe(204)
    expect(sim.store.eventsFor(id)[0]).toMatchObject({ type: 'revoke-access', state: 'done' })
    expect((await call('GET', `/machines/${id}/accessors/${stranger.id}`)).status).toBe(404)
    expect((await call('DELETE', `/machines/${id}/accessors/${stranger.id}`)).status).toBe(404)
  })

  it('refuses a grant without a string userId or for someone off the team', async () => {
    const { call, id } = setup()
    expect((await call('POST', `/machines/${id}/accessors`, {})).body).toEqual({
      code: 'BAD_REQUEST',
      message: 'userId is required.',
    })
    expect((await call('POST', `/machines/${id}/accessors`, { userId: 7 })).status).toBe(400)
    expect((await call('POST', `/machines/${id}/accessors`, 'not json')).status).toBe(400)
    expect(await call('POST', `/machines/${id}/accessors`, { userId: 'unobody00' })).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'User unobody00 is not a member of this team.' },
    })
  })

  it('answers 404 for every accessor operation on an unknown machine', async () => {
    const { call, owner } = setup()
    const base = '/machines/psnothere000/accessors'
    expect((await call('GET', base)).status).toBe(404)
    expect((await call('POST', base, { userId: owner })).status).toBe(404)
    expect((await call('GET', `${base}/${owner}`)).status).toBe(404)
    expect((await call('DELETE', `${base}/${owner}`)).status).toBe(404)
  })
})
