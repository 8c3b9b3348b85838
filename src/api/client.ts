/**
 * The one HTTP client for the Paperspace API, through our server's /api/v1 proxy (the server adds the key).
 * Every call goes through `unwrap()`, which returns the data or throws an ApiError.
 *
 * Calls are typed by openapi-fetch's `Client` against the contract (`schema.d.ts`), but sent by the few lines below
 * rather than openapi-fetch's runtime: the API takes JSON bodies, path parameters and flat query parameters only, and
 * this client loads with the first page, where openapi-fetch's general serializers and middleware cost 2 kB gzip
 * (docs/decisions/007-first-load-budget.md). `client.test.ts` pins the behaviour both share.
 */
import type { Client } from 'openapi-fetch'
import { normalizeResponse } from './normalize'
import { parseRetryAfter, retryRateLimitedReads } from './read-retry'
import type { paths } from './schema'

export const API_BASE = '/api/v1'

function baseUrl(): string {
  // A Request needs an absolute URL outside a browser (tests run under jsdom + Node).
  return typeof window === 'undefined' ? `http://localhost${API_BASE}` : new URL(API_BASE, window.location.origin).href
}

/** What a call may carry, as openapi-fetch's typed methods pass it. */
interface CallOptions {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown> }
  body?: unknown
  signal?: AbortSignal
}

// Look fetch up on every call rather than capturing it now, so test interceptors installed later still apply.
// Reads the API rate-limits with a short Retry-After are sent again (read-retry.ts).
const send = retryRateLimitedReads((request) => globalThis.fetch(request))

/** `/machines/{id}` with `{ id: 'ps 1' }` → `/machines/ps%201`; query values left out when undefined or null. */
function callUrl(schemaPath: string, params: CallOptions['params'] = {}): string {
  const path = schemaPath.replace(/\{([^{}]+)\}/g, (slot, name: string) => {
    const value = params.path?.[name]
    return value === undefined || value === null ? slot : encodeURIComponent(String(value))
  })
  const query = Object.entries(params.query ?? {})
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join('&')
  return `${baseUrl()}${path}${query ? `?${query}` : ''}`
}

async function call(method: string, schemaPath: string, { params, body, signal }: CallOptions = {}) {
  const request = new Request(callUrl(schemaPath, params), {
    method,
    // The server refuses state-changing requests without X-CSRF (CSRF defence).
    headers: {
      'X-CSRF': '1',
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  })
  let response = await send(request)
  // Every successful answer, from the contract-shaped simulator or the live service, reaches callers in the
  // contract's shape (normalize.ts): the one place where the two dialects meet.
  response = (await normalizeResponse({ method, schemaPath, params, response })) ?? response
  const text = response.status === 204 ? '' : await response.text()
  if (response.ok) return { data: text ? JSON.parse(text) : undefined, response }
  let error: unknown = text
  try {
    error = JSON.parse(text)
  } catch {
    // Not JSON (a proxy's error page): `unwrap()` describes the status instead.
  }
  return { error, response }
}

type ApiClient = Pick<Client<paths>, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>

export const client = {
  GET: (path: string, options?: CallOptions) => call('GET', path, options),
  POST: (path: string, options?: CallOptions) => call('POST', path, options),
  PUT: (path: string, options?: CallOptions) => call('PUT', path, options),
  PATCH: (path: string, options?: CallOptions) => call('PATCH', path, options),
  DELETE: (path: string, options?: CallOptions) => call('DELETE', path, options),
} as ApiClient

/** An error answered by the API (or the proxy in front of it), or a network failure (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  readonly code: string
  /** Seconds to wait before trying again, from Retry-After. */
  readonly retryAfter: number | undefined

  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(message)
    this.status = status
    this.code = code
    this.retryAfter = retryAfter
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

function describeStatus(status: number): string {
  if (status === 401) return 'Not signed in to Paperspace.'
  if (status === 403) return 'Paperspace refused this request.'
  if (status === 404) return 'Not found.'
  if (status === 429) return 'Rate limited by Paperspace.'
  if (status >= 500) return 'Paperspace is having trouble answering.'
  return `The request failed (HTTP ${status}).`
}

function errorFromResponse(response: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'))
  if (body && typeof body === 'object') {
    const { code, message } = body as { code?: unknown; message?: unknown }
    if (typeof message === 'string' && message.trim()) {
      return new ApiError(
        response.status,
        typeof code === 'string' || typeof code === 'number' ? String(code) : `HTTP_${response.status}`,
        message,
        retryAfter,
      )
    }
  }
  return new ApiError(response.status, `HTTP_${response.status}`, describeStatus(response.status), retryAfter)
}

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Turns a call's `{data, error, response}` into the data, or throws an ApiError. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await call
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'NETWORK', "Can't reach the server. Check your connection.")
  }
  if (!result.response.ok) throw errorFromResponse(result.response, result.error)
  return result.data as T
}
