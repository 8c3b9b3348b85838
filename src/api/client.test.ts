import { describe, expect, it } from 'vitest'
import { ApiError, parseRetryAfter, unwrap } from './client'

function result(status: number, body: unknown, headers: Record<string, string> = {}) {
  const response = new Response(JSON.stringify(body), { status, headers })
  return Promise.resolve(response.ok ? { data: body, response } : { error: body, response })
}

describe('unwrap', () => {
  it('returns the data of a success', async () => {
    await expect(unwrap(result(200, { id: 'ps1' }))).resolves.toEqual({ id: 'ps1' })
  })

  it('throws an ApiError with the code, message and Retry-After of the body', async () => {
    const error = await unwrap(
      result(429, { code: 'RATE_LIMITED', message: 'Slow down.' }, { 'Retry-After': '7' }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'Slow down.', retryAfter: 7 })
  })

  it('describes an error without a usable body', async () => {
    const error = await unwrap(result(503, '<html>bad gateway</html>')).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 503, code: 'HTTP_503', message: 'Paperspace is having trouble answering.' })
  })

  it('turns a network failure into status 0', async () => {
    const error = await unwrap(Promise.reject(new TypeError('fetch failed'))).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 0, code: 'NETWORK' })
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T12:00:00Z')
  it('reads seconds and HTTP dates, capped at five minutes', () => {
    expect(parseRetryAfter('12', now)).toBe(12)
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('999999', now)).toBe(300)
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})
