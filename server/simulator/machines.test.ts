import { describe, expect, it } from 'vitest'
import { catalog } from './catalog'
import { SECOND, testApi } from './test-support'

const valid = { name: 'lab-box', machineType: 'C5', region: 'ny2', templateId: 't0nspur5' }
const GIB = 1024 ** 3

describe('create', () => {
  it('answers 201 with the machine in provisioning, specs from the catalog', async () => {
    const { call, sim } = testApi()
    const reply = await call('POST', '/machines', {
      ...valid,
      machineType: 'C7',
      diskSize: 250,
      autoShutdownTimeoutHours: 8,
      publicIp: 'dynamic',
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({
      name: 'lab-box',
      state: 'provisioning',
      machineType: 'C7',
      region: 'ny2',
      os: 'Ubuntu 22.04',
      cpus: 12,
      ram: 30 * GIB,
      storageTotal: 250 * GIB,
      autoShutdownEnabled: true,
      autoSnapshotEnabled: false,
      userId: sim.store.currentUserId,
      teamId: sim.store.teamId,
    })
    expect(reply.body.id).toMatch(/^ps[a-z0-9]{10}$/)
    expect(reply.body.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    expect(reply.body).not.toHaveProperty('gpu')
    expect(reply.body).not.toHaveProperty('dtLastRun')
    expect(sim.store.accessors(reply.body.id)).toEqual([
      { userId: sim.store.currentUserId, email: expect.any(String), machineId: reply.body.id, access: 'admin' },
    ])
  })

  it('defaults to a 50 GB disk, no public IP and a start after provisioning', async () => {
    const { call, clock } = testApi()
    const { body } = await call('POST', '/machines', valid)
    expect(body).toMatchObject({ storageTotal: 50 * GIB, publicIp: null, autoShutdownEnabled: false })
    clock.advance(150 * SECOND)
    expect((await call('GET', `/machines/${body.id}`)).body).toMatchObject({ state: 'ready' })
  })

  it.each([
    [{}, 'name is required.'],
    [{ ...valid, name: '   ' }, 'name must not be empty.'],
    [{ ...valid, name: 'x'.repeat(65) }, 'name must be at most 64 characters.'],
    [{ ...valid, name: 42 }, 'name must be a string.'],
    [{ ...valid, machineType: 'Z9' }, 'machineType Z9 is not a known machine type.'],
    [{ ...valid, region: 'mars' }, 'region mars is not a known region. Use ny2, ca1 or ams1.'],
    [
      { ...valid, machineType: 'H100', region: 'ams1' },
      'machineType H100 is not offered in region ams1. It is offered in ny2.',
    ],
    [{ ...valid, templateId: 'tnope' }, 'templateId tnope is not a known template.'],
    [{ ...valid, diskSize: 49 }, 'diskSize must be an integer between 50 and 2000 (GB).'],
    [{ ...valid, diskSize: 100.5 }, 'diskSize must be an integer between 50 and 2000 (GB).'],
    [{ ...valid, autoShutdownTimeoutHours: 169 }, 'autoShutdownTimeoutHours must be an integer between 1 and 168.'],
    [{ ...valid, startOnCreate: 'yes' }, 'startOnCreate must be true or false.'],
    [{ ...valid, publicIp: 'maybe' }, "publicIp must be 'dynamic', 'static', 'none' or an IPv4 address."],
    [[], 'The request body must be a JSON object.'],
  ])('refuses %j with 400', async (body, message) => {
    const { call } = testApi()
    expect(await call('POST', '/machines', body)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message } })
  })

  it('answers 409 when the type is out of capacity in the region', async () => {
    const { call } = testApi()
    const cells = catalog.machineTypes.flatMap((type) => type.regions.map((region) => ({ type: type.name, region })))
    let unavailable: { type: string; region: string } | undefined
    for (const cell of cells) {
      const reply = await call('GET', `/machine-availability?machineType=${cell.type}&region=${cell.region}`)
      if (!reply.body.available) {
        unavailable = cell
        break
      }
    }
    expect(unavailable).toBeDefined()
    const { type, region } = unavailable!
    const reply = await call('POST', '/machines', { ...valid, machineType: type, region })
    expect(reply).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', message: `${type} is not available in ${region} right now.` },
    })
  })
})

describe('create with the live service’s options', () => {
  it('grants accessorIds at once, takes an initial snapshot, and starts when asked', async () => {
    const { call, sim, clock } = testApi()
    const [first, second] = sim.store.users.slice(-2)
    const reply = await call('POST', '/machines', {
      ...valid,
      startOnCreate: true,
      accessorIds: [first?.id, second?.id, first?.id],
      takeInitialSnapshot: true,
    })
    expect(reply.status).toBe(201)
    const id = reply.body.id
    expect(sim.store.accessors(id).map((a) => [a.userId, a.access])).toEqual([
      [sim.store.currentUserId, 'admin'],
      [first?.id, 'user'],
      [second?.id, 'user'],
    ])
    expect(sim.store.eventsFor(id).map((e) => e.type)).toEqual(['snapshot-create', 'create'])
    clock.advance(150 * SECOND)
    expect(sim.store.machine(id)?.state).toBe('ready')
  })

  it.each([
    [{ accessorIds: ['unobody00'] }, 'accessorIds: user unobody00 is not a member of this team.'],
    [{ accessorIds: 'u1' }, 'accessorIds must be a list of ids.'],
    [
      { restorePointEnabled: true, restorePointFrequency: 'shutdown' },
      'restorePointEnabled needs takeInitialSnapshot true and a restorePointFrequency.',
    ],
    [{ autoSnapshotEnabled: true }, 'autoSnapshotFrequency is required when autoSnapshotEnabled is true.'],
  ])('refuses %j with 400, creating nothing', async (extra, message) => {
    const { call, sim } = testApi()
    const before = sim.store.machines.length
    expect(await call('POST', '/machines', { ...valid, ...extra })).toMatchObject({ status: 400, body: { message } })
    expect(sim.store.machines).toHaveLength(before)
  })
})

describe('update', () => {
  it('changes name, auto-shutdown and snapshots, reflected in the machine', async () => {
    const { call, sim } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'ready')!
    const reply = await call('PUT', `/machines/${machine.id}`, {
      name: ' renamed ',
      autoShutdownTimeoutHours: 0,
      autoSnapshotFrequency: 'weekly',
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ name: 'renamed', autoShutdownEnabled: false, autoSnapshotEnabled: true })
    const off = await call('PUT', `/machines/${machine.id}`, {
      autoSnapshotFrequency: 'off',
      autoShutdownTimeoutHours: 4,
    })
    expect(off.body).toMatchObject({ autoShutdownEnabled: true, autoSnapshotEnabled: false })
    expect(sim.store.eventsFor(machine.id!)[0]).toMatchObject({ type: 'update', state: 'done' })
  })

  it('changes the type only while off and only to one offered in the region', async () => {
    const { call, sim } = testApi()
    const ready = sim.store.machines.find((m) => m.state === 'ready' && m.machineType !== 'C8')!
    expect(await call('PUT', `/machines/${ready.id}`, { machineType: 'C8' })).toMatchObject({
      status: 409,
      body: { message: 'Change the machine type while the machine is off.' },
    })
    const off = sim.store.machines.find((m) => m.state === 'off' && m.region !== 'ny2')!
    expect((await call('PUT', `/machines/${off.id}`, { machineType: 'H100' })).status).toBe(400)
    expect((await call('PUT', `/machines/${off.id}`, { machineType: 'Nope' })).status).toBe(400)
    const changed = await call('PUT', `/machines/${off.id}`, { machineType: 'P4000' })
    expect(changed.body).toMatchObject({ machineType: 'P4000', gpu: 'Quadro P4000', cpus: 8, ram: 30 * GIB })
  })

  it.each([
    [{}, expect.stringMatching(/^Send at least one of name, machineType, autoShutdownTimeoutHours, .*diskSize/)],
    [{ colour: 'red' }, expect.stringMatching(/^Send at least one of name, machineType, /)],
    [{ diskSize: 20 }, 'diskSize must be an integer between 50 and 2000 (GB).'],
    [{ autoShutdownEnabled: true }, 'autoShutdownTimeout is required when autoShutdownEnabled is true.'],
    [{ autoSnapshotEnabled: true }, 'autoSnapshotFrequency is required when autoSnapshotEnabled is true.'],
    [{ publicIpType: 'elastic' }, 'publicIpType must be one of: static, dynamic, none.'],
    [{ name: '' }, 'name must not be empty.'],
    [{ autoShutdownTimeoutHours: 200 }, 'autoShutdownTimeoutHours must be an integer between 0 and 168.'],
    [{ autoSnapshotFrequency: 'yearly' }, 'autoSnapshotFrequency must be one of: hourly, daily, weekly, monthly, off.'],
    ['"text"', 'The request body must be a JSON object.'],
  ])('refuses %j with 400', async (body, message) => {
    const { call, sim } = testApi()
    const id = sim.store.machines[0]!.id
    expect(await call('PUT', `/machines/${id}`, body)).toMatchObject({ status: 400, body: { message } })
  })

  it('answers 404 for an unknown machine', async () => {
    const { call } = testApi()
    expect((await call('PUT', '/machines/psnothere000', { name: 'x' })).status).toBe(404)
  })
})

describe('desktop', () => {
  it('gives a stable configuration for a running machine', async () => {
    const { call, sim } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'ready')!
    const first = await call('GET', `/machines/${machine.id}/desktop`)
    expect(first.status).toBe(200)
    expect(first.body).toEqual({
      host: `${machine.region}-${machine.id}.desktop.paperspace.com`,
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
      port: expect.any(Number),
      protocol: expect.stringMatching(/^(nice-dcv|vnc|rdp)$/),
    })
    expect((await call('GET', `/machines/${machine.id}/desktop`)).body).toEqual(first.body)
    const windows = sim.store.machines.find((m) => m.state === 'ready' && m.os!.startsWith('Windows'))
    if (windows) expect((await call('GET', `/machines/${windows.id}/desktop`)).body.protocol).toBe('rdp')
  })

  it('answers 409 unless the machine is ready', async () => {
    const { call, sim, clock } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'off')!
    const refused = { status: 409, body: { code: 'CONFLICT', message: 'This machine is not running.' } }
    expect(await call('GET', `/machines/${machine.id}/desktop`)).toMatchObject(refused)
    await call('PATCH', `/machines/${machine.id}/start`)
    expect(await call('GET', `/machines/${machine.id}/desktop`)).toMatchObject(refused)
    clock.advance(30 * SECOND)
    expect((await call('GET', `/machines/${machine.id}/desktop`)).status).toBe(200)
    expect((await call('GET', '/machines/psnothere000/desktop')).status).toBe(404)
  })
})

describe('actions over HTTP', () => {
  it('answers start, stop and restart with the machine already in its new state', async () => {
    const { call, sim, clock } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'off')!
    expect((await call('PATCH', `/machines/${machine.id}/start`)).body).toMatchObject({ state: 'starting' })
    expect(await call('PATCH', `/machines/${machine.id}/stop`)).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', message: 'This machine is currently starting.' },
    })
    clock.advance(30 * SECOND)
    expect((await call('PATCH', `/machines/${machine.id}/restart`)).body).toMatchObject({ state: 'restarting' })
    clock.advance(40 * SECOND)
    expect((await call('PATCH', `/machines/${machine.id}/stop`)).body).toMatchObject({ state: 'stopping' })
    clock.advance(20 * SECOND)
    expect((await call('DELETE', `/machines/${machine.id}`)).status).toBe(204)
    expect((await call('GET', `/machines/${machine.id}`)).status).toBe(404)
    expect((await call('PATCH', `/machines/${machine.id}/start`)).status).toBe(404)
  })

  it('accepts actions sent with a JSON content type and an empty body', async () => {
    const { sim } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'off')!
    const response = await sim.fetch(
      new Request(`http://simulator.test/v1/machines/${machine.id}/start`, {
        method: 'PATCH',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      }),
    )
    expect(response.status).toBe(200)
  })
})
