/**
 * The one HTTP client for the Paperspace API, through our server's /api/v1 proxy (the server adds the key).
 * Every call goes through `unwrap()`, which returns the data or throws an ApiError.
 */
import createClient from 'openapi-fetch'
import { normalizeResponse } from './normalize'
import { retryRateLimitedReads } from './read-retry'
import type { paths } from './schema'

export const API_BASE = '/api/v1'

function baseUrl(): string {
  // openapi-fetch builds a Request, which needs an absolute URL outside a browser (tests run under jsdom + Node).
  return typeof window === 'undefined' ? `http://localhost${API_BASE}` : new URL(API_BASE, window.location.origin).href
}

export const client = createClient<paths>({
  baseUrl: baseUrl(),
  // Look fetch up on every call rather than capturing it now, so test interceptors installed later still apply.
  // Reads the API rate-limits with a short Retry-After are sent again (read-retry.ts).
  fetch: retryRateLimitedReads((request) => globalThis.fetch(request)),
  // The server refuses state-changing requests without this header (CSRF defence).
  headers: { 'X-CSRF': '1', Accept: 'application/json' },
})

// Every successful answer, from the contract-shaped simulator or the live service, reaches callers in the contract's
// shape (normalize.ts): the one place where the two dialects meet.
client.use({
  onResponse: ({ request, response, schemaPath, params }) =>
    normalizeResponse({ method: request.method, schemaPath, params, response }),
})

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

const MAX_RETRY_AFTER_SECONDS = 300

/** Retry-After is either delta-seconds or an HTTP date; the result is capped so a hostile value cannot stall us. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  let seconds: number
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed)
  } else {
    const date = Date.parse(trimmed)
    if (Number.isNaN(date)) return undefined
    seconds = Math.ceil((date - now) / 1000)
  }
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS)
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

/** Turns openapi-fetch's `{data, error, response}` into the data, or throws an ApiError. */
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
