import { describe, expect, it } from 'vitest'
import { FaultInjector, parseFaults } from './faults'
import { testApi } from './test-support'

describe('parseFaults', () => {
  it('reads the documented example', () => {
    expect(
      parseFaults(
        'latency:ms=300;error:status=500,rate=0.1,ops=listMachines|getMachine;rate-limit:retryAfter=5,rate=0.05;html:rate=0.1',
      ),
    ).toEqual([
      { kind: 'latency', ms: 300 },
      { kind: 'error', status: 500, rate: 0.1, operations: ['listMachines', 'getMachine'] },
      { kind: 'rate-limit', retryAfter: 5, rate: 0.05 },
      { kind: 'html', rate: 0.1 },
    ])
  })

  it('accepts bare kinds, spaces and empty text', () => {
    expect(parseFaults(' html ; rate-limit ')).toEqual([{ kind: 'html' }, { kind: 'rate-limit' }])
    expect(parseFaults('')).toEqual([])
  })

  it.each([
    ['boom', /kind must be one of latency, error, rate-limit, html/],
    ['error:rate=2', /rate must be a number between 0 and 1/],
    ['error:rate=lots', /rate must be a number/],
    ['error:status=200', /status must be an integer between 400 and 599/],
    ['latency:ms=-5', /ms must be an integer between 0 and 120000/],
    ['latency:status=500', /latency takes rate, ops, ms, not "status"/],
    ['html:ops=listMachines|getMachin', /unknown operation getMachin/],
    ['error:status', /expected key=value/],
  ])('refuses %s with a clear error', (text, message) => {
    expect(() => parseFaults(text)).toThrow(message)
  })
})

describe('FaultInjector', () => {
  it('draws the same way for the same seed, and again after the rules are set anew', () => {
    const rules = [{ kind: 'error' as const, rate: 0.3 }]
    const run = (injector: FaultInjector) =>
      Array.from({ length: 200 }, () => injector.decide('listMachines').outcome !== null)
    const first = new FaultInjector(1, rules)
    const a = run(first)
    expect(run(new FaultInjector(1, rules))).toEqual(a)
    first.set(rules)
    expect(run(first)).toEqual(a)
    expect(run(new FaultInjector(2, rules))).not.toEqual(a)
    const share = a.filter(Boolean).length / a.length
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.4)
  })

  it('applies a rule only to the listed operations', () => {
    const injector = new FaultInjector(1, [{ kind: 'error', status: 503, operations: ['getMachine'] }])
    expect(injector.decide('listMachines').outcome).toBeNull()
    expect(injector.decide('getMachine').outcome).toEqual({ kind: 'error', status: 503 })
  })

  it('adds latencies up and lets the first failing rule decide', () => {
    const injector = new FaultInjector(1, [
      { kind: 'latency', ms: 100 },
      { kind: 'latency', ms: 50 },
      { kind: 'rate-limit' },
      { kind: 'html' },
    ])
    expect(injector.decide('listMachines')).toEqual({ delayMs: 150, outcome: { kind: 'rate-limit', retryAfter: 10 } })
  })

  it('refuses invalid rules given in code', () => {
    expect(() => new FaultInjector(1, [{ kind: 'error', rate: -1 }])).toThrow(/rate/)
    expect(() => new FaultInjector(1, [{ kind: 'error', operations: ['nope'] }])).toThrow(/unknown operation nope/)
  })
})

describe('faults over HTTP', () => {
  it('answers a WAF-style HTML page with 502', async () => {
    const { call, sim } = testApi({ faults: [{ kind: 'html' }] })
    const reply = await call('GET', '/machines')
    expect(reply.status).toBe(502)
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/)
    expect(reply.text).toMatch(/<html>/)
    sim.clearFaults()
    expect((await call('GET', '/machines')).status).toBe(200)
  })

  it('rate-limits with a Retry-After header', async () => {
    const { call, sim } = testApi()
    sim.setFaults([{ kind: 'rate-limit', retryAfter: 5, operations: ['listMachines'] }])
    const reply = await call('GET', '/machines')
    expect(reply.status).toBe(429)
    expect(reply.headers.get('retry-after')).toBe('5')
    expect(reply.body).toEqual({ code: 'RATE_LIMITED', message: 'Too many requests. Retry after 5 seconds.' })
    expect((await call('GET', '/machine-events')).status).toBe(200)
  })

  it('fails with the chosen status and a JSON error', async () => {
    const { call, sim } = testApi()
    sim.setFaults([{ kind: 'error', status: 503 }])
    expect(await call('GET', '/machines')).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' } })
    sim.setFaults([{ kind: 'error' }])
    expect(await call('GET', '/machines')).toMatchObject({ status: 500, body: { code: 'INTERNAL' } })
  })

  it('does not change state when an action fails by fault', async () => {
    const { call, sim } = testApi()
    const machine = sim.store.machines.find((m) => m.state === 'off')!
    sim.setFaults([{ kind: 'error', operations: ['startMachine'] }])
    expect((await call('PATCH', `/machines/${machine.id}/start`)).status).toBe(500)
    expect(sim.store.machine(machine.id!)?.state).toBe('off')
  })

  it('waits in real time for latency faults', async () => {
    const { call } = testApi({ faults: [{ kind: 'latency', ms: 40 }] })
    const started = performance.now()
    expect((await call('GET', '/machines?limit=1')).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(35)
  })

  it('hits about the configured share of requests, the same ones each run', async () => {
    const run = async () => {
      const { call } = testApi({ faults: parseFaults('error:rate=0.25,ops=getMachineEvent') })
      const statuses: number[] = []
      for (let i = 0; i < 80; i++) statuses.push((await call('GET', '/machine-events/evmissing000')).status)
      return statuses
    }
    const first = await run()
    expect(await run()).toEqual(first)
    const failures = first.filter((status) => status === 500).length
    expect(failures).toBeGreaterThan(8)
    expect(failures).toBeLessThan(35)
  })
})
