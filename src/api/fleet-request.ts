/**
 * Calls to the server's own endpoints (`openapi/fleet-api.yml`, typed by `fleet-schema.d.ts`): same-origin with the
 * session cookie, JSON, `X-CSRF: 1` (the server refuses state-changing calls without it: a cross-site form cannot
 * set it). `unwrap()` turns the answer into the data, or into an ApiError with the body's `{code, message}` (status 0
 * when there was no answer), as for the Paperspace API. Kept to a few lines: the header's account query loads it
 * with the first page.
 */
import { unwrap } from './client'

export function fleetRequest<T>(path: string, method = 'GET', signal?: AbortSignal): Promise<T> {
  return unwrap(
    globalThis
      .fetch(new URL(path, window.location.origin), {
        method,
        signal: signal ?? null,
        headers: { Accept: 'application/json', 'X-CSRF': '1' },
      })
      .then(async (response) => {
        // No body (204) or not JSON (a proxy's error page, which `unwrap()` then describes by its status).
        const body = await response.json().catch(() => undefined)
        return { data: body as T, error: body, response }
      }),
  )
}
