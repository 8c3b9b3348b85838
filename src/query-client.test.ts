import { describe, expect, it } from 'vitest'
import { ApiError } from './api/client'
import { createQueryClient, readRetryDelay, shouldRetryRead } from './query-client'

const error = (status: number) => new ApiError(status, `HTTP_${status}`, 'failed')

describe('read retries', () => {
  it('retry network errors, 502, 503 and 504 a bounded number of times', () => {
    for (const status of [0, 502, 503, 504]) {
      expect(shouldRetryRead(0, error(status))).toBe(true)
      expect(shouldRetryRead(1, error(status))).toBe(true)
      expect(shouldRetryRead(2, error(status))).toBe(false)
    }
  })

  it('never retry what another try will not fix, nor a rate limit (its Retry-After holds reads instead)', () => {
    for (const status of [400, 401, 403, 404, 409, 429, 500]) expect(shouldRetryRead(0, error(status))).toBe(false)
    expect(shouldRetryRead(0, new TypeError('bug'))).toBe(false)
  })

  it('back off exponentially with jitter, capped', () => {
    expect(readRetryDelay(0, () => 0)).toBe(500)
    expect(readRetryDelay(0, () => 1)).toBe(1_000)
    expect(readRetryDelay(1, () => 0.5)).toBe(1_500)
    expect(readRetryDelay(10, () => 1)).toBe(8_000)
    const draws = new Set(Array.from({ length: 20 }, () => readRetryDelay(2)))
    expect(draws.size).toBeGreaterThan(1)
    for (const delay of draws) expect(delay).toBeGreaterThanOrEqual(2_000)
  })
})

describe('createQueryClient', () => {
  it('never retries a mutation, and retries reads only outside tests', () => {
    const app = createQueryClient().getDefaultOptions()
    expect(app.mutations?.retry).toBe(false)
    expect(app.queries?.retry).toBe(shouldRetryRead)
    expect(createQueryClient({ test: true }).getDefaultOptions().queries?.retry).toBe(false)
  })
})
