import { describe, expect, it } from 'vitest'
import { createSimulator, type SimulatorOptions } from '../../server/simulator/simulator'
import { MAX_READ_RETRIES, retryRateLimitedReads } from './read-retry'

function setup(options: SimulatorOptions = {}) {
  const simulator = createSimulator({ seed: 2, machines: 10, ...options })
  const fetch = retryRateLimitedReads((request) => simulator.fetch(request))
  const request = (path: string, init: RequestInit = {}) =>
    new Request(`http://simulator.test/v1${path}`, { ...init, headers: { Authorization: 'Bearer k' } })
  return { simulator, fetch, request }
}

describe('retryRateLimitedReads', () => {
  it('waits the live service’s Retry-After between tries', async () => {
    const { simulator, fetch, request } = setup({ dialect: 'live', live429Rate: 1 })
    const started = Date.now()
    const response = await fetch(request('/machines'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_READ_RETRIES * 1000 - 50)
    expect(simulator.requestCount).toBe(1 + MAX_READ_RETRIES)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
  })

  it('recovers once the API lets up', async () => {
    const { simulator, fetch, request } = setup()
    simulator.setFaults([{ kind: 'rate-limit', retryAfter: 1, operations: ['listMachines'] }])
    const pending = fetch(request('/machines'))
    await new Promise((resolve) => setTimeout(resolve, 200))
    simulator.clearFaults()
    const response = await pending
    expect(response.status).toBe(200)
    expect(simulator.requestCount).toBe(2)
  })

  it(`gives up after ${MAX_READ_RETRIES} more tries and hands over the 429`, async () => {
    const { simulator, fetch, request } = setup()
    simulator.setFaults([{ kind: 'rate-limit', retryAfter: 0 }])
    const response = await fetch(request('/machines'))
    expect(response.status).toBe(429)
    expect(await response.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect(simulator.requestCount).toBe(1 + MAX_READ_RETRIES)
  })

  it('does not wait for a long Retry-After: the 429 goes to the caller at once', async () => {
    const { simulator, fetch, request } = setup()
    simulator.setFaults([{ kind: 'rate-limit', retryAfter: 10 }])
    const started = Date.now()
    expect((await fetch(request('/machines'))).status).toBe(429)
    expect(Date.now() - started).toBeLessThan(500)
    expect(simulator.requestCount).toBe(1)
  })

  it('never repeats a write', async () => {
    const { simulator, fetch, request } = setup()
    simulator.setFaults([{ kind: 'rate-limit', retryAfter: 0 }])
    const id = simulator.store.machines[0]?.id ?? ''
    expect((await fetch(request(`/machines/${id}/stop`, { method: 'PATCH' }))).status).toBe(429)
    expect(simulator.requestCount).toBe(1)
  })

  it('stops waiting when the read is cancelled', async () => {
    const { simulator, fetch } = setup()
    simulator.setFaults([{ kind: 'rate-limit', retryAfter: 2 }])
    const controller = new AbortController()
    const pending = fetch(
      new Request('http://simulator.test/v1/machines', {
        headers: { Authorization: 'Bearer k' },
        signal: controller.signal,
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    expect(simulator.requestCount).toBe(1)
  })
})
