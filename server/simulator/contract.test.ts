// Drives every operation of the contract through the simulator and checks each answer against the contract's
// own schemas, made strict (no properties beyond the listed ones).
import { describe, expect, it } from 'vitest'
import { ajv, responseValidator, specOperations, validateError } from './contract-schema'
import { ORDER_BY_FIELDS } from './machines'
import { OPERATIONS } from './operations'
import { type Reply, SECOND, testApi } from './test-support'

describe('contract', () => {
  it('routes exactly the contract’s operations', () => {
    const fromSpec = specOperations.map((o) => `${o.operation.operationId} ${o.method} ${o.path}`).sort()
    const routed = OPERATIONS.map((o) => `${o.id} ${o.method} ${o.path.replace(/:(\w+)/g, '{$1}')}`).sort()
    expect(routed).toEqual(fromSpec)
  })

  it('answers every operation with bodies that match the contract', async () => {
    const { call, sim, clock } = testApi()
    const exercised = new Set<string>()
    const checked: string[] = []

    async function op(operationId: string, method: string, path: string, body?: unknown): Promise<Reply> {
      exercised.add(operationId)
      const reply = await call(method, path, body)
      const label = `${operationId} ${method} ${path} → ${reply.status}`
      checked.push(label)
      if (reply.status >= 200 && reply.status < 300) {
        const validate = responseValidator(operationId, reply.status)
        if (validate) {
          expect(reply.headers.get('content-type'), label).toMatch(/^application\/json/)
          expect(validate(reply.body), `${label}: ${ajv.errorsText(validate.errors)}`).toBe(true)
        } else {
          expect(reply.text, label).toBe('')
        }
      } else {
        expect(validateError(reply.body), `${label}: ${ajv.errorsText(validateError.errors)}`).toBe(true)
      }
      return reply
    }

    // Lists, with every ordering and the error paths.
    let page = await op('listMachines', 'GET', '/machines?limit=15')
    expect(page.status).toBe(200)
    page = await op('listMachines', 'GET', `/machines?limit=15&after=${page.body.nextPage}`)
    expect(page.status).toBe(200)
    await op('listMachines', 'GET', '/machines?limit=120')
    for (const orderBy of ORDER_BY_FIELDS) {
      expect((await op('listMachines', 'GET', `/machines?orderBy=${orderBy}&order=asc&limit=5`)).status).toBe(200)
    }
    expect((await op('listMachines', 'GET', '/machines?limit=0')).status).toBe(400)
    expect((await op('listMachines', 'GET', '/machines?after=%25')).status).toBe(400)
    expect((await op('listMachines', 'GET', '/machines?orderBy=nope')).status).toBe(400)
    expect((await op('listMachines', 'GET', '/machines?order=sideways')).status).toBe(400)

    // Every machine of the fleet, one by one.
    for (const machine of sim.store.machines) {
      expect((await op('getMachine', 'GET', `/machines/${machine.id}`)).status).toBe(200)
    }
    expect((await op('getMachine', 'GET', '/machines/psnothere000')).status).toBe(404)

    // Create a GPU machine where there is capacity, then watch it through provisioning.
    let gpuType = ''
    for (const candidate of ['A4000', 'P4000', 'RTX4000', 'P5000', 'A5000', 'A6000']) {
      const reply = await op(
        'getMachineAvailability',
        'GET',
        `/machine-availability?machineType=${candidate}&region=ny2`,
      )
      if (reply.body.available) {
        gpuType = candidate
        break
      }
    }
    const created = await op('createMachine', 'POST', '/machines', {
      name: 'contract-box',
      machineType: gpuType,
      region: 'ny2',
      templateId: 'tvimtol9',
      diskSize: 100,
      publicIp: 'static',
      autoShutdownTimeoutHours: 2,
    })
    expect(created.status).toBe(201)
    const id: string = created.body.id
    await op('createMachine', 'POST', '/machines', {
      name: 'cpu-box',
      machineType: 'C5',
      region: 'ams1',
      templateId: 'tnr2oh1m',
      startOnCreate: false,
    })
    expect((await op('createMachine', 'POST', '/machines', { name: 'x' })).status).toBe(400)
    expect((await op('createMachine', 'POST', '/machines', '{oops')).status).toBe(400)
    expect((await op('startMachine', 'PATCH', `/machines/${id}/start`)).status).toBe(409)
    expect((await op('getMachineDesktop', 'GET', `/machines/${id}/desktop`)).status).toBe(409)
    expect((await op('deleteMachine', 'DELETE', `/machines/${id}`)).status).toBe(409)
    clock.advance(150 * SECOND)
    expect((await op('getMachine', 'GET', `/machines/${id}`)).body.state).toBe('ready')

    // Desktop, lifecycle actions and their conflicts.
    expect((await op('getMachineDesktop', 'GET', `/machines/${id}/desktop`)).status).toBe(200)
    expect((await op('getMachineDesktop', 'GET', '/machines/psnothere000/desktop')).status).toBe(404)
    expect((await op('startMachine', 'PATCH', `/machines/${id}/start`)).status).toBe(409)
    expect((await op('restartMachine', 'PATCH', `/machines/${id}/restart`)).status).toBe(200)
    expect((await op('stopMachine', 'PATCH', `/machines/${id}/stop`)).status).toBe(409)
    clock.advance(40 * SECOND)
    expect((await op('stopMachine', 'PATCH', `/machines/${id}/stop`)).status).toBe(200)
    expect((await op('restartMachine', 'PATCH', `/machines/${id}/restart`)).status).toBe(409)
    clock.advance(20 * SECOND)
    expect((await op('stopMachine', 'PATCH', `/machines/${id}/stop`)).status).toBe(409)
    expect((await op('startMachine', 'PATCH', `/machines/${id}/start`)).status).toBe(200)
    expect((await op('restartMachine', 'PATCH', '/machines/psnothere000/restart')).status).toBe(404)
    expect((await op('stopMachine', 'PATCH', '/machines/psnothere000/stop')).status).toBe(404)
    clock.advance(30 * SECOND)

    // Update.
    const updated = await op('updateMachine', 'PUT', `/machines/${id}`, {
      name: 'contract-box-2',
      autoShutdownTimeoutHours: 0,
      autoSnapshotFrequency: 'hourly',
    })
    expect(updated.status).toBe(200)
    expect((await op('updateMachine', 'PUT', `/machines/${id}`, { machineType: 'A5000' })).status).toBe(409)
    expect((await op('updateMachine', 'PUT', `/machines/${id}`, {})).status).toBe(400)

    // Accessors.
    const [owner, guest] = [sim.store.currentUserId, sim.store.users.at(-1)!.id]
    expect((await op('listMachineAccessors', 'GET', `/machines/${id}/accessors`)).body).toHaveLength(1)
    expect((await op('grantMachineAccess', 'POST', `/machines/${id}/accessors`, { userId: guest })).status).toBe(201)
    expect((await op('grantMachineAccess', 'POST', `/machines/${id}/accessors`, { userId: guest })).status).toBe(409)
    expect((await op('grantMachineAccess', 'POST', `/machines/${id}/accessors`, { userId: 'unone0000' })).status).toBe(
      404,
    )
    expect((await op('grantMachineAccess', 'POST', `/machines/${id}/accessors`, {})).status).toBe(400)
    expect((await op('listMachineAccessors', 'GET', `/machines/${id}/accessors`)).body).toHaveLength(2)
    expect((await op('getMachineAccessor', 'GET', `/machines/${id}/accessors/${owner}`)).status).toBe(200)
    expect((await op('revokeMachineAccess', 'DELETE', `/machines/${id}/accessors/${guest}`)).status).toBe(204)
    expect((await op('getMachineAccessor', 'GET', `/machines/${id}/accessors/${guest}`)).status).toBe(404)
    expect((await op('revokeMachineAccess', 'DELETE', `/machines/${id}/accessors/${guest}`)).status).toBe(404)
    expect((await op('listMachineAccessors', 'GET', '/machines/psnothere000/accessors')).status).toBe(404)

    // Events.
    let events = await op('listMachineEvents', 'GET', '/machine-events?limit=50')
    while (events.body.hasMore) {
      events = await op('listMachineEvents', 'GET', `/machine-events?limit=50&after=${events.body.nextPage}`)
    }
    await op('listMachineEvents', 'GET', `/machine-events?machineId=${id}`)
    expect((await op('listMachineEvents', 'GET', '/machine-events?limit=121')).status).toBe(400)
    const event = sim.store.eventsFor(id)[0]!
    expect((await op('getMachineEvent', 'GET', `/machine-events/${event.id}`)).status).toBe(200)
    expect((await op('getMachineEvent', 'GET', '/machine-events/evnothere000')).status).toBe(404)

    // Availability.
    expect(
      (await op('getMachineAvailability', 'GET', '/machine-availability?machineType=A100&region=ny2')).status,
    ).toBe(200)
    expect((await op('getMachineAvailability', 'GET', '/machine-availability?machineType=A100')).status).toBe(400)

    // Delete.
    clock.advance(30 * SECOND)
    expect((await op('stopMachine', 'PATCH', `/machines/${id}/stop`)).status).toBe(200)
    clock.advance(20 * SECOND)
    expect((await op('deleteMachine', 'DELETE', `/machines/${id}`)).status).toBe(204)
    expect((await op('deleteMachine', 'DELETE', `/machines/${id}`)).status).toBe(404)
    expect((await op('getMachine', 'GET', `/machines/${id}`)).status).toBe(404)

    const inSpec = specOperations.map((o) => o.operation.operationId).sort()
    expect([...exercised].sort()).toEqual(inSpec)
    expect(inSpec).toHaveLength(16)
    expect(checked.length).toBeGreaterThan(100)
  })

  it('sends contract-shaped errors for auth, routing and faults', async () => {
    const { call, sim } = testApi()
    const replies = [
      await call('GET', '/machines', undefined, {}),
      await call('GET', '/unknown'),
      await call('PATCH', '/machines'),
    ]
    sim.setFaults([{ kind: 'rate-limit' }])
    replies.push(await call('GET', '/machines'))
    sim.setFaults([{ kind: 'error', status: 503 }])
    replies.push(await call('GET', '/machines'))
    expect(replies.map((r) => r.status)).toEqual([401, 404, 405, 429, 503])
    for (const reply of replies) expect(validateError(reply.body), ajv.errorsText(validateError.errors)).toBe(true)
  })
})
