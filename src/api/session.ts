/**
 * Sign-in mode (PAPERSPACE_AUTH=signin): an admin's own API key is exchanged for a sealed, HttpOnly session cookie
 * (POST /auth/session) and dropped again (DELETE /auth/session). The key is sent once and kept nowhere here.
 */
import type { QueryClient } from '@tanstack/react-query'
import { ApiError } from './client'
import { metaKey, setSignedIn } from './meta'

const SESSION_URL = '/auth/session'

function sessionUrl(): string {
  return new URL(SESSION_URL, window.location.origin).href
}

async function failure(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`
  let message = ''
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown }
    if (typeof body.code === 'string') code = body.code
    if (typeof body.message === 'string') message = body.message
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (!message) {
    message =
      response.status === 401
        ? 'Paperspace did not accept this API key.'
        : response.status === 429
          ? 'Too many sign-in attempts. Wait a moment and try again.'
          : response.status >= 500
            ? "Can't reach Paperspace to check the key. Try again in a moment."
            : `Sign-in failed (HTTP ${response.status}).`
  }
  return new ApiError(response.status, code, message)
}

async function send(method: 'POST' | 'DELETE', body?: string): Promise<void> {
  let response: Response
  try {
    response = await globalThis.fetch(sessionUrl(), {
      method,
      credentials: 'same-origin',
      // The server refuses state-changing requests without X-CSRF (a cross-site form cannot set it).
      headers: body === undefined ? { 'X-CSRF': '1' } : { 'X-CSRF': '1', 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    })
  } catch {
    throw new ApiError(0, 'NETWORK', "Can't reach the server. Check your connection.")
  }
  if (!response.ok) throw await failure(response)
}

/** Exchanges the key for a session cookie; throws an ApiError with a message fit to show when it is refused. */
export function signIn(apiKey: string): Promise<void> {
  return send('POST', JSON.stringify({ apiKey: apiKey.trim() }))
}

export function signOut(): Promise<void> {
  return send('DELETE')
}

/**
 * Forgets every answer fetched under the previous session (another admin may sign in next) and records the new
 * state. The server's status stays, so the header does not flicker.
 */
export function resetForSession(queryClient: QueryClient, signedIn: boolean): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== metaKey[0] })
  setSignedIn(queryClient, signedIn)
}

/** Where to go after signing in: a path of this app, never another site or the sign-in page itself. */
export function safeRedirect(value: string | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/machines'
  if (/^\/sign-in(?:[/?#]|$)/.test(value)) return '/machines'
  return value
}
