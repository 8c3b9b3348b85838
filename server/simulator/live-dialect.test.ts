// The live dialect: every operation answers in the live service's shapes, held against the JSON Schema written from
// the notes (openapi/live-shapes.json, every object closed), and the live service's habits (429s, refusals, filters)
// hold.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { EMPTY_JSON_BODY_MESSAGE, LIVE_RETRY_AFTER_SECONDS, liveQuirks, READ_OPERATIONS } from './live-dialect'
import { OPERATIONS } from './operations'
import { simulatorOptionsFromEnv } from './simulator'
import { type Reply, SECOND, testApi } from './test-support'

const LIVE_SHAPES = JSON.parse(readFileSync(new URL('../../openapi/live-shapes.json', import.meta.url), 'utf8'))

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
addFormats(ajv)
ajv.addSchema(LIVE_SHAPES)
const shape = (name: string): ValidateFunction => {
  const validate = ajv.getSchema(`live-shapes.json#/definitions/${name}`)
  if (!validate) throw new Error(`openapi/live-shapes.json has no definition ${name}`)
  return validate
}
const validateError = shape('error')

/** The live success answer of each operation: status and the definition of its body (null: no body). */
const LIVE: Record<string, { status: number; schema: ValidateFunction | null }> = {
  listMachines: { status: 200, schema: shape('machinePage') },
  createMachine: { status: 200, schema: shape('envelope') },
  getMachine: { status: 200, schema: shape('machine') },
  updateMachine: { status: 200, schema: shape('envelope') },
  deleteMachine: { status: 200, schema: shape('envelope') },
  startMachine: { status: 200, schema: shape('envelope') },
  stopMachine: { status: 200, schema: shape('envelope') },
  restartMachine: { status: 200, schema: shape('envelope') },
  listMachineAccessors: { status: 200, schema: shape('accessorPage') },
  grantMachineAccess: { status: 200, schema: shape('accessor') },
  getMachineAccessor: { status: 200, schema: shape('accessor') },
  revokeMachineAccess: { status: 204, schema: null },
  getMachineDesktop: { status: 200, schema: shape('desktop') },
  listMachineEvents: { status: 200, schema: shape('eventPage') },
  getMachineEvent: { status: 200, schema: shape('event') },
  getMachineAvailability: { status: 200, schema: shape('availability') },
}

const live = (options: Parameters<typeof testApi>[0] = {}) => testApi({ dialect: 'live', live429Rate: 0, ...options })

describe('live dialect', () => {
  it('answers every operation in the live service’s shapes', async () => {
    const { call, sim, clock } = live({ machines: 60 })
    const exercised = new Set<string>()

    async function op(operationId: string, method: string, path: string, body?: unknown): Promise<Reply> {
      exercised.add(operationId)
      const reply = await call(method, path, body)
      const label = `${operationId} ${method} ${path} → ${reply.status}`
      const expected = LIVE[operationId]
      if (!expected) throw new Error(`no live shape for ${operationId}`)
      if (reply.status < 300) {
        expect(reply.status, label).toBe(expected.status)
        if (expected.schema) {
          expect(reply.headers.get('content-type'), label).toMatch(/^application\/json/)
          expect(expected.schema(reply.body), `${label}: ${ajv.errorsText(expected.schema.errors)}`).toBe(true)
        } else {
          expect(reply.text, label).toBe('')
        }
      } else {
        expect(validateError(reply.body), `${label}: ${ajv.errorsText(validateError.errors)}`).toBe(true)
      }
      return reply
    }

    const first = await op('listMachines', 'GET', '/machines?limit=25')
    expect(first.body.nextPage).toEqual(expect.any(String))
    let last = first
    while (last.body.hasMore) last = await op('listMachines', 'GET', `/machines?limit=25&after=${last.body.nextPage}`)
    expect(last.body.nextPage).toBeNull()
    for (const machine of sim.store.machines) {
      await op('getMachine', 'GET', `/machines/${machine.id}`)
      let accessors = await op('listMachineAccessors', 'GET', `/machines/${machine.id}/accessors`)
      while (accessors.body.hasMore) {
        accessors = await op(
          'listMachineAccessors',
          'GET',
          `/machines/${machine.id}/accessors?after=${accessors.body.nextPage}`,
        )
      }
    }

    const [firstGuest, secondGuest] = sim.store.users.slice(3, 5)
    const created = await op('createMachine', 'POST', '/machines', {
      name: 'live-box',
      machineType: 'C5',
      region: 'ny2',
      templateId: 't0nspur5',
      diskSize: 100,
      startOnCreate: true,
      accessorIds: [firstGuest?.id, secondGuest?.id],
      takeInitialSnapshot: true,
      restorePointEnabled: true,
      restorePointFrequency: 'shutdown',
      publicIpType: 'static',
      autoShutdownEnabled: true,
      autoShutdownTimeout: 8,
      autoShutdownForce: true,
      autoSnapshotEnabled: true,
      autoSnapshotFrequency: 'daily',
      autoSnapshotSaveCount: 3,
    })
    const id: string = created.body.data.id
    expect(created.body.event).toMatchObject({ name: 'create', machineId: id, state: 'new' })
    expect(created.body.data).toMatchObject({
      state: 'provisioning',
      publicIpType: 'static',
      autoShutdownForce: true,
      autoShutdownTimeout: 8,
      autoSnapshotFrequency: 'daily',
      autoSnapshotSaveCount: 3,
      restorePointEnabled: true,
      restorePointFrequency: 'shutdown',
      restorePointSnapshotId: expect.stringMatching(/^ss/),
    })
    const withAccess = (await op('listMachineAccessors', 'GET', `/machines/${id}/accessors`)).body.items
    expect(withAccess.map((item: { user: { id: string } }) => item.user.id)).toEqual([
      sim.store.currentUserId,
      firstGuest?.id,
      secondGuest?.id,
    ])
    expect((await op('startMachine', 'PATCH', `/machines/${id}/start`)).body.message).toBe(
      'This machine is currently provisioning.',
    )
    clock.advance(150 * SECOND)
    expect((await op('getMachine', 'GET', `/machines/${id}`)).body.state).toBe('ready')
    expect((await op('getMachineDesktop', 'GET', `/machines/${id}/desktop`)).body).toHaveProperty('vnc')
    const restarted = await op('restartMachine', 'PATCH', `/machines/${id}/restart`)
    expect(restarted.body.event).toMatchObject({ name: 'restart', state: 'new' })
    clock.advance(40 * SECOND)
    expect((await op('stopMachine', 'PATCH', `/machines/${id}/stop`)).body.data.state).toBe('stopping')
    clock.advance(20 * SECOND)
    expect((await op('startMachine', 'PATCH', `/machines/${id}/start`)).body.data.state).toBe('starting')
    clock.advance(30 * SECOND)
    const updated = await op('updateMachine', 'PUT', `/machines/${id}`, { name: 'live-box-2', diskSize: 250 })
    expect(updated.body.data).toMatchObject({ name: 'live-box-2', storageTotal: expect.anything() })
    expect(Number(updated.body.data.storageTotal)).toBe(250 * 1024 ** 3)
    expect(updated.body.event).toMatchObject({ name: 'update', state: 'done' })
    const shrunk = await op('updateMachine', 'PUT', `/machines/${id}`, { diskSize: 100 })
    expect(shrunk.status).toBe(400)
    expect(shrunk.body.message).toBe('diskSize can only grow: the disk has 250 GB.')
    const settings = await op('updateMachine', 'PUT', `/machines/${id}`, {
      publicIpType: 'none',
      networkId: 'nwabc1234',
      autoShutdownEnabled: false,
      autoSnapshotEnabled: false,
      restorePointEnabled: false,
    })
    expect(settings.body.data).toMatchObject({
      publicIp: null,
      publicIpType: 'none',
      networkId: 'nwabc1234',
      autoShutdownEnabled: false,
      autoShutdownForce: null,
      autoShutdownTimeout: null,
      autoSnapshotEnabled: false,
      autoSnapshotFrequency: null,
      autoSnapshotSaveCount: null,
      restorePointEnabled: false,
      restorePointFrequency: null,
    })

    const guest = sim.store.users.at(-1)!
    const granted = await op('grantMachineAccess', 'POST', `/machines/${id}/accessors`, { userId: guest.id })
    expect(granted.body.user).toEqual({
      id: guest.id,
      email: guest.email,
      firstName: guest.firstName,
      lastName: guest.lastName,
    })
    expect((await op('listMachineAccessors', 'GET', `/machines/${id}/accessors`)).body.items).toHaveLength(4)
    expect((await op('getMachineAccessor', 'GET', `/machines/${id}/accessors/${guest.id}`)).body.user.id).toBe(guest.id)
    await op('revokeMachineAccess', 'DELETE', `/machines/${id}/accessors/${guest.id}`)

    let events = await op('listMachineEvents', 'GET', '/machine-events?limit=100')
    while (events.body.hasMore) {
      events = await op('listMachineEvents', 'GET', `/machine-events?limit=100&after=${events.body.nextPage}`)
    }
    expect(events.body.nextPage).toBeNull()
    const mine = await op('listMachineEvents', 'GET', `/machine-events?machineId=${id}`)
    expect(mine.body.items.every((e: { machineId: string }) => e.machineId === id)).toBe(true)
    await op('getMachineEvent', 'GET', `/machine-events/${mine.body.items[0].id}`)
    const availability = await op('getMachineAvailability', 'GET', '/machine-availability?machineType=C5&region=ny2')
    expect(availability.body).toEqual({ available: true })

    clock.advance(30 * SECOND)
    await op('stopMachine', 'PATCH', `/machines/${id}/stop`)
    clock.advance(20 * SECOND)
    const deleted = await op('deleteMachine', 'DELETE', `/machines/${id}`)
    expect(deleted.body.event.name).toBe('delete')
    expect(deleted.body.data.dtDeleted).toBe(deleted.body.event.dtCreated)
    expect((await op('getMachine', 'GET', `/machines/${id}`)).status).toBe(404)

    const windows = sim.store.machines.find((m) => m.state === 'ready' && m.os?.startsWith('Windows'))
    expect(windows, 'a running Windows machine').toBeDefined()
    const desktop = await op('getMachineDesktop', 'GET', `/machines/${windows?.id}/desktop`)
    expect(desktop.body.windows).toMatchObject({ port: 443, publicIp: windows?.publicIp ?? null })
    expect([...exercised].sort()).toEqual(OPERATIONS.map((o) => o.id).sort())
  })

  it('sends no gpu, dtLastRun or owner: accelerators instead, and a schema that refuses anything else', async () => {
    const { call, sim } = live({ machines: 60 })
    const { items } = (await call('GET', '/machines?limit=60')).body
    for (const machine of items) {
      for (const field of ['gpu', 'dtLastRun', 'userId', 'teamId']) expect(machine).not.toHaveProperty(field)
    }
    const gpu = items.find((m: { machineType: string }) => m.machineType === 'A100-80G')
    expect(gpu.accelerators).toEqual([{ name: 'NVIDIA A100 80GB', count: 1, memory: 80 * 1024 ** 3 }])
    expect(items.find((m: { machineType: string }) => m.machineType.startsWith('C')).accelerators).toBeNull()
    expect(items.some((m: { updatesPending: boolean }) => m.updatesPending)).toBe(true)
    expect(items.some((m: { reservation: unknown }) => m.reservation !== null)).toBe(true)
    expect(items.some((m: { restorePointEnabled: boolean }) => m.restorePointEnabled)).toBe(true)
    const machine = shape('machine')
    expect(machine(items[0])).toBe(true)
    const contractMachine = sim.store.machines[0]
    expect(machine({ ...items[0], gpu: contractMachine?.gpu ?? 'NVIDIA A100' })).toBe(false)
    expect(machine({ ...items[0], dtLastRun: items[0].dtCreated })).toBe(false)
    const { dtDeleted: _, ...missingOne } = items[0]
    expect(machine(missingOne)).toBe(false)
    expect(shape('availability')({ available: true, region: 'ny2' })).toBe(false)
    expect(shape('accessorPage')([])).toBe(false)
  })

  it('pages accessor lists; the team’s oldest machine is shared with everyone, past one page', async () => {
    const { call, sim } = live({ machines: 40 })
    const oldest = [...sim.store.machines].sort((a, b) => Date.parse(a.dtCreated!) - Date.parse(b.dtCreated!))[0]!
    const first = (await call('GET', `/machines/${oldest.id}/accessors`)).body
    expect(first.items).toHaveLength(20)
    expect(first.hasMore).toBe(true)
    const second = (await call('GET', `/machines/${oldest.id}/accessors?after=${first.nextPage}`)).body
    expect(second.hasMore).toBe(false)
    expect(second.nextPage).toBeNull()
    const ids = [...first.items, ...second.items].map((item: { user: { id: string } }) => item.user.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThan(30)
    expect(ids.sort()).toEqual(
      sim.store
        .accessors(oldest.id!)
        .map((accessor) => accessor.userId)
        .sort(),
    )
    const small = (await call('GET', `/machines/${oldest.id}/accessors?limit=120`)).body
    expect(small).toMatchObject({ hasMore: false, nextPage: null })
    expect((await call('GET', `/machines/${oldest.id}/accessors?after=nonsense!`)).status).toBe(400)
  })

  it('shows ram and storage as numeric strings, and long region names, for some machines, always the same way', async () => {
    const { call } = live({ machines: 120 })
    const { items } = (await call('GET', '/machines?limit=120')).body
    const stringy = items.filter((m: { ram: unknown }) => typeof m.ram === 'string')
    const long = items.filter((m: { region: string }) => m.region.includes('('))
    expect(stringy.length).toBeGreaterThan(10)
    expect(stringy.length).toBeLessThan(60)
    expect(long.length).toBeGreaterThan(20)
    expect(long.length).toBeLessThan(80)
    for (const machine of [...stringy, ...long].slice(0, 20)) {
      const again = (await call('GET', `/machines/${machine.id}`)).body
      expect(again.ram).toEqual(machine.ram)
      expect(again.region).toEqual(machine.region)
      expect(liveQuirks(machine.id).stringSizes).toBe(typeof machine.ram === 'string')
      if (typeof machine.ram === 'string') expect(typeof machine.storageTotal).toBe('string')
    }
  })

  it('knows no failed state: those machines are off, their failed start an error event', async () => {
    const contract = testApi({ machines: 100 })
    const failed = contract.sim.store.machines.filter((m) => m.state === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    const { call } = live({ machines: 100 })
    const { items } = (await call('GET', '/machines?limit=120')).body
    expect(items.some((m: { state: string }) => m.state === 'failed')).toBe(false)
    for (const machine of failed) {
      expect((await call('GET', `/machines/${machine.id}`)).body.state).toBe('off')
      const events = (await call('GET', `/machine-events?machineId=${machine.id}`)).body.items
      const failure = events.find((e: { state: string }) => e.state === 'error')
      expect(failure).toMatchObject({ name: 'start', error: 'The machine failed to start.' })
      expect(failure.dtFinished).toEqual(expect.any(String))
    }
    expect((await call('PATCH', `/machines/${failed[0]!.id}/start`)).status).toBe(200)
  })

  it('tells an event new, in progress, then done', async () => {
    const { call, clock } = live()
    const off = (await call('GET', '/machines?limit=40')).body.items.find((m: { state: string }) => m.state === 'off')
    const { event } = (await call('PATCH', `/machines/${off.id}/start`)).body
    expect(event).toMatchObject({ state: 'new', dtFinished: null, error: null })
    clock.advance(1)
    expect((await call('GET', `/machine-events/${event.id}`)).body.state).toBe('in progress')
    clock.advance(30 * SECOND)
    const done = (await call('GET', `/machine-events/${event.id}`)).body
    expect(done.state).toBe('done')
    expect(Date.parse(done.dtFinished) - Date.parse(done.dtStarted)).toBe(30 * SECOND)
  })

  it('refuses start, stop and restart sent with a JSON content type and an empty body', async () => {
    const { call, sim } = live()
    const ready = sim.store.machines.find((m) => m.state === 'ready')!
    const off = sim.store.machines.find((m) => m.state === 'off')!
    for (const action of ['start', 'stop', 'restart']) {
      const reply = await call('PATCH', `/machines/${ready.id}/${action}`, '', {
        authorization: 'Bearer k',
        'content-type': 'application/json',
      })
      expect(reply.status, action).toBe(400)
      expect(reply.body).toEqual({ code: 'BAD_REQUEST', message: EMPTY_JSON_BODY_MESSAGE })
    }
    expect(sim.store.machine(ready.id ?? '')?.state).toBe('ready')
    // `{}` or no body at all is fine.
    expect((await call('PATCH', `/machines/${ready.id}/stop`, {})).status).toBe(200)
    expect((await call('PATCH', `/machines/${off.id}/start`)).status).toBe(200)
    // The contract dialect does not mind.
    const contract = testApi()
    const machine = contract.sim.store.machines.find((m) => m.state === 'ready')!
    const reply = await contract.call('PATCH', `/machines/${machine.id}/stop`, '', {
      authorization: 'Bearer k',
      'content-type': 'application/json',
    })
    expect(reply.status).toBe(200)
  })

  it('honours the list filters name, region (short or long) and machineType', async () => {
    const { call, sim } = live({ machines: 80 })
    const all = sim.store.machines
    const sample = all[0]!
    const byRegion = all.filter((m) => m.region === 'ams1').map((m) => m.id)
    for (const region of ['ams1', 'Europe (AMS1)', 'europe (ams1)']) {
      const reply = await call('GET', `/machines?limit=120&region=${encodeURIComponent(region)}`)
      expect(reply.body.items.map((m: { id: string }) => m.id).sort(), region).toEqual([...byRegion].sort())
    }
    const byType = await call('GET', `/machines?limit=120&machineType=${sample.machineType}`)
    expect(byType.body.items.length).toBe(all.filter((m) => m.machineType === sample.machineType).length)
    const fragment = sample.name!.slice(0, 4).toUpperCase()
    const byName = await call('GET', `/machines?limit=120&name=${fragment}`)
    expect(byName.body.items.length).toBe(all.filter((m) => m.name!.toUpperCase().includes(fragment)).length)
    expect(byName.body.items.length).toBeLessThan(all.length)
  })

  it('orders by dtCreated, name or state only', async () => {
    const { call } = live()
    for (const orderBy of ['dtCreated', 'name', 'state']) {
      expect((await call('GET', `/machines?orderBy=${orderBy}&order=asc`)).status).toBe(200)
    }
    const refused = await call('GET', '/machines?orderBy=cpus')
    expect(refused.status).toBe(400)
    expect(refused.body.message).toBe('orderBy must be one of: dtCreated, name, state.')
  })

  it('answers a few reads 429 by default, the same ones on every run, and never a write', async () => {
    const run = async () => {
      const { call, sim } = testApi({ dialect: 'live', machines: 40 })
      const statuses: number[] = []
      for (let i = 0; i < 600; i++) statuses.push((await call('GET', '/machines?limit=1')).status)
      const limited = await call('GET', '/machines/x')
      const writes: number[] = []
      for (const machine of sim.store.machines.filter((m) => m.state === 'ready').slice(0, 20)) {
        writes.push((await call('PATCH', `/machines/${machine.id}/stop`)).status)
      }
      return { statuses, writes, limited }
    }
    const a = await run()
    const b = await run()
    expect(a.statuses).toEqual(b.statuses)
    const limited = a.statuses.filter((status) => status === 429).length
    expect(limited).toBeGreaterThan(0)
    expect(limited).toBeLessThan(20)
    expect(a.statuses.every((status) => status === 200 || status === 429)).toBe(true)
    expect(a.writes.every((status) => status === 200)).toBe(true)
    expect(READ_OPERATIONS).not.toContain('stopMachine')
  })

  it('sends the 429 as { code, message } with a short Retry-After', async () => {
    const { call } = testApi({ dialect: 'live', live429Rate: 1 })
    const reply = await call('GET', '/machines')
    expect(reply.status).toBe(429)
    expect(reply.headers.get('retry-after')).toBe(String(LIVE_RETRY_AFTER_SECONDS))
    expect(validateError(reply.body)).toBe(true)
    expect((await call('POST', '/machines', { name: 'x' })).status).toBe(400)
  })

  it('keeps its 429s when fault rules are replaced, and drops them at rate 0', async () => {
    const { call, sim } = testApi({ dialect: 'live', live429Rate: 1 })
    sim.clearFaults()
    expect((await call('GET', '/machines')).status).toBe(429)
    const quiet = live()
    for (let i = 0; i < 300; i++) expect((await quiet.call('GET', '/machines?limit=1')).status).toBe(200)
  })

  it('leaves the contract dialect as it was: no 429s, contract shapes', async () => {
    const { call } = testApi({ live429Rate: 1 })
    const reply = await call('GET', '/machines?limit=1')
    expect(reply.status).toBe(200)
    expect(reply.body).not.toHaveProperty('nextPage', null)
    expect(reply.body.items[0]).not.toHaveProperty('agentType')
  })
})

describe('configuration', () => {
  it('reads SIM_DIALECT and SIM_LIVE_429_RATE', () => {
    expect(simulatorOptionsFromEnv({ SIM_DIALECT: 'live', SIM_LIVE_429_RATE: '0' })).toMatchObject({
      dialect: 'live',
      live429Rate: 0,
    })
    expect(simulatorOptionsFromEnv({ SIM_DIALECT: ' Contract ' }).dialect).toBe('contract')
    expect(simulatorOptionsFromEnv({})).not.toHaveProperty('dialect')
    expect(() => simulatorOptionsFromEnv({ SIM_DIALECT: 'v2' })).toThrow(/SIM_DIALECT must be one of contract, live/)
    expect(() => simulatorOptionsFromEnv({ SIM_LIVE_429_RATE: '2' })).toThrow(/SIM_LIVE_429_RATE/)
    expect(() => simulatorOptionsFromEnv({ SIM_LIVE_429_RATE: 'often' })).toThrow(/SIM_LIVE_429_RATE/)
  })

  it('refuses bad options in code', async () => {
    const { createSimulator } = await import('./simulator')
    expect(() => createSimulator({ dialect: 'v2' as never })).toThrow(/dialect/)
    expect(() => createSimulator({ live429Rate: -1 })).toThrow(/live429Rate/)
  })
})
