import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, client, unwrap } from './client'
import { parseRetryAfter } from './read-retry'

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

describe('client', () => {
  const sent: Request[] = []
  function answer(response: () => Response) {
    sent.length = 0
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      sent.push(input as Request)
      return response()
    })
  }
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('fills in the path, leaves out empty query values and asks for JSON with the CSRF header', async () => {
    answer(() => json({ items: [], hasMore: false }))
    await client.GET('/machines', { params: { query: { limit: 5, after: undefined } } })
    await client.GET('/machines/{id}/accessors/{userId}', { params: { path: { id: 'ps 1', userId: 'a/b' } } })
    const [list, accessor] = sent
    expect(new URL(list?.url ?? '').pathname + new URL(list?.url ?? '').search).toBe('/api/v1/machines?limit=5')
    expect(new URL(accessor?.url ?? '').pathname).toBe('/api/v1/machines/ps%201/accessors/a%2Fb')
    expect(list?.method).toBe('GET')
    expect(list?.headers.get('X-CSRF')).toBe('1')
    expect(list?.headers.get('Accept')).toBe('application/json')
    expect(list?.headers.get('Content-Type')).toBeNull()
  })

  it('sends a body as JSON', async () => {
    answer(() => json({ id: 'ps1', name: 'train' }))
    const { data } = await client.PUT('/machines/{id}', { params: { path: { id: 'ps1' } }, body: { name: 'train' } })
    expect(data).toEqual({ id: 'ps1', name: 'train' })
    expect(sent[0]?.method).toBe('PUT')
    expect(sent[0]?.headers.get('Content-Type')).toBe('application/json')
    expect(await sent[0]?.json()).toEqual({ name: 'train' })
  })

  it("answers in the contract's shape whichever dialect the API speaks", async () => {
    answer(() =>
      json({ event: { id: 'ev1', name: 'start' }, data: { id: 'ps1', ram: '1024', region: 'Europe (AMS1)' } }),
    )
    const { data } = await client.PATCH('/machines/{id}/start', { params: { path: { id: 'ps1' } } })
    expect(data).toEqual({ id: 'ps1', ram: 1024, region: 'ams1' })
  })

  it('has no data for an empty answer', async () => {
    answer(() => new Response(null, { status: 204 }))
    const result = await client.DELETE('/machines/{id}', { params: { path: { id: 'ps1' } } })
    expect(result.data).toBeUndefined()
    expect(result.response.status).toBe(204)
  })

  it('reads an error body as JSON when it is, as text otherwise, for unwrap() to judge', async () => {
    answer(() => json({ code: 'CONFLICT', message: 'The machine is busy.' }, 409))
    const conflict = await client.PATCH('/machines/{id}/stop', { params: { path: { id: 'ps1' } } })
    expect(conflict.error).toEqual({ code: 'CONFLICT', message: 'The machine is busy.' })
    answer(() => new Response('<html>bad gateway</html>', { status: 502 }))
    const gateway = client.GET('/machines', {})
    expect((await gateway).error).toBe('<html>bad gateway</html>')
    await expect(unwrap(client.GET('/machines', {}))).rejects.toMatchObject({ status: 502, code: 'HTTP_502' })
  })
})
