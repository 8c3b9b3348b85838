import { describe, expect, it } from 'vitest'
import { FakeClock } from './clock'
import { createSimulator, simulatorOptionsFromEnv } from './simulator'
import { send, testApi } from './test-support'

describe('auth', () => {
  it('refuses requests without a bearer token', async () => {
    const { call } = testApi()
    const variants: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer ' },
      { authorization: 'Basic abc' },
    ]
    for (const headers of variants) {
      const reply = await call('GET', '/machines', undefined, headers)
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({ code: 'UNAUTHORIZED', message: expect.stringContaining('Authorization: Bearer') })
    }
  })

  it('accepts any token without an API key, only the key when one is set', async () => {
    expect((await testApi().call('GET', '/machines', undefined, { authorization: 'Bearer anything' })).status).toBe(200)
    const { call } = testApi({ apiKey: 'sekret' })
    expect((await call('GET', '/machines', undefined, { authorization: 'Bearer sekret' })).status).toBe(200)
    expect(await call('GET', '/machines', undefined, { authorization: 'Bearer wrong' })).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'The API key is not valid.' },
    })
  })
})

describe('routing', () => {
  it('answers unknown paths with a JSON 404', async () => {
    const { call } = testApi()
    expect(await call('GET', '/nothing/here')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'No route for GET /v1/nothing/here.' },
    })
    expect((await call('GET', '/machines/a/b/c')).status).toBe(404)
  })

  it('answers a wrong method on a known path with a JSON 405 and an Allow header', async () => {
    const { call } = testApi()
    const reply = await call('DELETE', '/machines')
    expect(reply.status).toBe(405)
    expect(reply.body.code).toBe('METHOD_NOT_ALLOWED')
    expect(reply.headers.get('allow')).toBe('GET, POST')
    expect((await call('POST', '/machines/psx/start')).status).toBe(405)
    expect((await call('PUT', '/machine-events')).status).toBe(405)
  })

  it('answers a malformed or missing JSON body with 400', async () => {
    const { call } = testApi()
    expect(await call('POST', '/machines', '{"name":')).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' },
    })
    expect((await call('POST', '/machines')).body.message).toBe('The request body must be a JSON object.')
  })

  it('serves under another base path when asked', async () => {
    const sim = createSimulator({ clock: new FakeClock(), basePath: '/api/v1/' })
    const response = await sim.fetch(
      new Request('http://localhost/api/v1/machines?limit=2', { headers: { authorization: 'Bearer x' } }),
    )
    expect(response.status).toBe(200)
  })

  it('counts every request it receives', async () => {
    const { call, sim } = testApi()
    expect(sim.requestCount).toBe(0)
    await call('GET', '/machines')
    await call('GET', '/nope')
    await call('GET', '/machines', undefined, {})
    expect(sim.requestCount).toBe(3)
  })

  it('keeps the store view settled to the clock', async () => {
    const { call, sim, clock } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'off')!
    await send(sim, 'PATCH', `/machines/${machine.id}/start`)
    clock.advance(30_000)
    expect(sim.store.machine(machine.id!)?.state).toBe('ready')
    expect(sim.store.eventsFor(machine.id!)[0]).toMatchObject({ type: 'start', state: 'done' })
    expect((await call('GET', `/machines/${machine.id}`)).body.state).toBe('ready')
  })
})

describe('simulatorOptionsFromEnv', () => {
  it('reads every setting', () => {
    expect(
      simulatorOptionsFromEnv({
        SIM_SEED: '42',
        SIM_MACHINES: '20000',
        SIM_SPEED: '50',
        SIM_FAULTS: 'html:rate=0.1',
        SIM_API_KEY: 'k',
      }),
    ).toEqual({ seed: 42, machines: 20_000, speed: 50, faults: [{ kind: 'html', rate: 0.1 }], apiKey: 'k' })
    expect(simulatorOptionsFromEnv({ SIM_SEED: '', OTHER: 'x' })).toEqual({})
  })

  it.each([
    [{ SIM_SEED: 'abc' }, /SIM_SEED must be a number/],
    [{ SIM_SEED: '1.5' }, /SIM_SEED must be an integer/],
    [{ SIM_MACHINES: '20001' }, /SIM_MACHINES must be an integer between 0 and 20000/],
    [{ SIM_MACHINES: '-1' }, /SIM_MACHINES/],
    [{ SIM_SPEED: '0' }, /SIM_SPEED must be a positive number/],
    [{ SIM_FAULTS: 'explode' }, /^SIM_FAULTS: Invalid fault rule/],
  ])('refuses %j', (env, message) => {
    expect(() => simulatorOptionsFromEnv(env)).toThrow(message)
  })

  it('refuses invalid options given in code', () => {
    expect(() => createSimulator({ machines: 20_001 })).toThrow(/machines/)
    expect(() => createSimulator({ speed: -1 })).toThrow(/speed/)
    expect(() => createSimulator({ apiKey: ' ' })).toThrow(/apiKey/)
  })
})
