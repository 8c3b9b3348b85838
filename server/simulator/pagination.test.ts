import { describe, expect, it } from 'vitest'
import { ORDER_BY_FIELDS } from './machines'
import { testApi } from './test-support'

type Item = Record<string, unknown> & { id: string }

async function walk(call: ReturnType<typeof testApi>['call'], path: string, limit: number, from?: string) {
  const items: Item[] = []
  let after = from
  let pages = 0
  for (;;) {
    const separator = path.includes('?') ? '&' : '?'
    const cursor = after === undefined ? '' : `&after=${after}`
    const reply = await call('GET', `${path}${separator}limit=${limit}${cursor}`)
    expect(reply.status).toBe(200)
    pages++
    items.push(...reply.body.items)
    if (!reply.body.hasMore) {
      expect(reply.body).not.toHaveProperty('nextPage')
      return { items, pages }
    }
    expect(reply.body.items).toHaveLength(limit)
    expect(typeof reply.body.nextPage).toBe('string')
    after = reply.body.nextPage
  }
}

function compare(a: unknown, b: unknown): number {
  const x = a ?? null
  const y = b ?? null
  if (x === y) return 0
  if (x === null) return -1
  if (y === null) return 1
  return (x as string | number) < (y as string | number) ? -1 : 1
}

describe('machine lists', () => {
  it('pages through every ordering without duplicates or gaps', async () => {
    const { call, sim } = testApi()
    const all = sim.store.machines.map((m) => m.id).sort()
    for (const orderBy of ORDER_BY_FIELDS) {
      for (const order of ['asc', 'desc'] as const) {
        const { items, pages } = await walk(call, `/machines?orderBy=${orderBy}&order=${order}`, 7)
        expect(pages).toBe(Math.ceil(all.length / 7))
        expect(items.map((m) => m.id).sort()).toEqual(all)
        const sign = order === 'asc' ? 1 : -1
        for (let i = 1; i < items.length; i++) {
          const [prev, next] = [items[i - 1]!, items[i]!]
          const step = sign * (compare(prev[orderBy], next[orderBy]) || compare(prev.id, next.id))
          expect(step, `${orderBy} ${order} at ${i}`).toBeLessThan(0)
        }
      }
    }
  })

  it('orders by dtCreated, newest first, with 20 per page by default', async () => {
    const { call } = testApi()
    const reply = await call('GET', '/machines')
    expect(reply.body.items).toHaveLength(20)
    expect(reply.body.hasMore).toBe(true)
    const created = reply.body.items.map((m: Item) => m.dtCreated as string)
    expect([...created].sort().reverse()).toEqual(created)
  })

  it('keeps the walk consistent when machines change between pages', async () => {
    const { call, sim } = testApi()
    const before = sim.store.machines.map((m) => m.id)
    const first = await call('GET', '/machines?orderBy=name&order=asc&limit=10')
    const seen = first.body.items.map((m: Item) => m.id)
    const offMachine = sim.store.machines.find((m) => m.state === 'off' && seen.includes(m.id))!
    expect((await call('DELETE', `/machines/${offMachine.id}`)).status).toBe(204)
    const rest = await walk(call, '/machines?orderBy=name&order=asc', 10, first.body.nextPage)
    expect([...seen, ...rest.items.map((m) => m.id)].sort()).toEqual([...before].sort())
  })

  it('accepts limits from 1 to 120 only', async () => {
    const { call } = testApi()
    expect((await call('GET', '/machines?limit=1')).body.items).toHaveLength(1)
    expect((await call('GET', '/machines?limit=120')).body.items).toHaveLength(40)
    for (const limit of ['0', '121', '-1', '1.5', 'ten', '']) {
      const reply = await call('GET', `/machines?limit=${limit}`)
      expect(reply.status, `limit=${limit}`).toBe(400)
      expect(reply.body).toEqual({ code: 'BAD_REQUEST', message: 'limit must be an integer between 1 and 120.' })
    }
  })

  it('refuses unknown orderings and cursors that are not its own', async () => {
    const { call } = testApi()
    expect((await call('GET', '/machines?orderBy=price')).body.message).toMatch(/^orderBy must be one of: id, name/)
    expect((await call('GET', '/machines?orderBy=toString')).status).toBe(400)
    expect((await call('GET', '/machines?order=up')).body.message).toBe('order must be asc or desc.')
    const byName = await call('GET', '/machines?orderBy=name&limit=5')
    const mismatched = await call('GET', `/machines?orderBy=dtCreated&after=${byName.body.nextPage}`)
    expect(mismatched.status).toBe(400)
    for (const cursor of ['%%%', 'bm90LWpzb24', Buffer.from('[1]').toString('base64url')]) {
      expect((await call('GET', `/machines?after=${cursor}`)).status).toBe(400)
    }
  })

  it('filters by name (case-insensitive substring), region and machine type', async () => {
    const { call, sim } = testApi()
    const byName = await call('GET', '/machines?name=TRAIN&limit=120')
    const expectedNames = sim.store.machines.filter((m) => m.name!.includes('train')).map((m) => m.id)
    expect(byName.body.items.map((m: Item) => m.id).sort()).toEqual(expectedNames.sort())
    const ams = await walk(call, '/machines?region=ams1', 3)
    expect(ams.items.length).toBe(sim.store.machines.filter((m) => m.region === 'ams1').length)
    expect(ams.items.every((m) => m.region === 'ams1')).toBe(true)
    const a4000 = await call('GET', '/machines?machineType=A4000&limit=120')
    expect(a4000.body.items.every((m: Item) => m.machineType === 'A4000')).toBe(true)
    expect((await call('GET', '/machines?region=mars')).body).toEqual({ items: [], hasMore: false })
  })
})

describe('event lists', () => {
  it('pages through all events, newest first', async () => {
    const { call, sim } = testApi()
    const { items } = await walk(call, '/machine-events', 13)
    expect(items.map((e) => e.id)).toEqual(sim.store.events.map((e) => e.id))
    expect(new Set(items.map((e) => e.id)).size).toBe(items.length)
  })

  it('adds new events on top and filters by machine', async () => {
    const { call, sim } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'ready')!
    await call('PATCH', `/machines/${machine.id}/stop`)
    const latest = await call('GET', '/machine-events?limit=1')
    expect(latest.body.items[0]).toMatchObject({ machineId: machine.id, type: 'stop', state: 'in progress' })
    const own = await walk(call, `/machine-events?machineId=${machine.id}`, 2)
    expect(own.items.length).toBe(sim.store.eventsFor(machine.id!).length)
    expect(own.items.every((e) => e.machineId === machine.id)).toBe(true)
    expect((await call('GET', '/machine-events?machineId=psnothere000')).body).toEqual({ items: [], hasMore: false })
  })

  it('validates limit and cursor', async () => {
    const { call } = testApi()
    expect((await call('GET', '/machine-events?limit=500')).status).toBe(400)
    expect((await call('GET', '/machine-events?after=nope!')).status).toBe(400)
    expect((await call('GET', `/machine-events?after=${Buffer.from('{"s":-1}').toString('base64url')}`)).status).toBe(
      400,
    )
  })

  it('gets one event by id, 404 otherwise', async () => {
    const { call, sim } = testApi()
    const event = sim.store.events[3]!
    expect((await call('GET', `/machine-events/${event.id}`)).body).toEqual(event)
    expect((await call('GET', '/machine-events/evmissing000')).status).toBe(404)
  })
})
