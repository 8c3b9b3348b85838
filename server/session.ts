import { hkdfSync } from 'node:crypto'
import fastifyRateLimit from '@fastify/rate-limit'
import secureSession from '@fastify/secure-session'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SessionConfig } from './config'
import { sendError } from './errors'

// Sign-in mode: each admin signs in with their own Paperspace API key. The key is checked against the API once,
// then kept in a cookie sealed by @fastify/secure-session (libsodium secretbox: encrypted and authenticated),
// HttpOnly, SameSite=Strict, Path=/, Secure over https. The server keeps no session state: any replica with the
// same SESSION_SECRET opens any replica's cookies. The key never goes back to the browser in clear.

declare module '@fastify/secure-session' {
  /** What a sealed session cookie holds: the admin's key and when the session ends (ms since the epoch). */
  interface SessionData {
    key: string
    expires: number
  }
}

export const SESSION_COOKIE = 'fleet_session'
/** Printable ASCII without spaces, at most 512 characters: anything else cannot be a key and could corrupt a header. */
const API_KEY = /^[\x21-\x7e]{1,512}$/
const AUTH_BODY_LIMIT = 4 * 1024
const USER_AGENT = 'paperspace-fleet/0.1 (+sign-in)'
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

/** The API key to call Paperspace with for this request, or null when it has no valid, unexpired session. */
export type CredentialFor = (request: FastifyRequest) => string | null

export interface SessionOptions {
  /** Base URL of the API, without a trailing slash; `GET <url>/machines?limit=1` checks a key. */
  upstreamUrl: string
  session: SessionConfig
  timeoutMs: number
  /** Current time in ms (tests move it to expire sessions). */
  now: () => number
}

/**
 * The 32-byte secretbox key, derived from SESSION_SECRET with HKDF-SHA256. The secret is already high-entropy
 * (at least 32 bytes), so a fast KDF is right; the plugin's own `secret` option would run a password hash
 * costing 256 MiB and about a second at every start.
 */
export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', 'paperspace-fleet session cookie v1', 32))
}

/**
 * Registers the session cookie and `POST`/`DELETE /auth/session` on `app` (the API's scope: the cookie is only
 * read for `/api` and `/auth` requests) and returns how to find a request's key.
 */
export async function registerSessions(app: FastifyInstance, options: SessionOptions): Promise<CredentialFor> {
  const { upstreamUrl, timeoutMs, now } = options
  const { ttlMs } = options.session
  const ttlSeconds = Math.max(1, Math.ceil(ttlMs / 1000))
  await app.register(secureSession, {
    key: sessionKey(options.session.secret.reveal()),
    cookieName: SESSION_COOKIE,
    // The plugin's own age limit (from the moment of sealing); the `expires` field below is checked first.
    expiry: ttlSeconds,
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', maxAge: ttlSeconds },
  })

  const credentialFor: CredentialFor = (request) => {
    const session = request.session
    const key: unknown = session.get('key')
    const expires: unknown = session.get('expires')
    if (typeof key !== 'string' || typeof expires !== 'number' || !(expires > now())) return null
    return key
  }

  // A key Paperspace stops accepting (revoked, expired) ends the session: an upstream 401 on an API call made with a
  // session's key becomes our 401 SIGNED_OUT and the cookie is cleared, so the app asks for a new key instead of
  // showing errors. Our own SIGNED_OUT (no session) is left as it is.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401 || !request.url.startsWith('/api/v1/') || credentialFor(request) === null) {
      return payload
    }
    if (payload !== null && typeof payload === 'object' && 'resume' in payload) {
      ;(payload as NodeJS.ReadableStream).resume()
    }
    request.errorCode = 'SIGNED_OUT'
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' })
    reply.removeHeader('content-length')
    reply.type('application/json; charset=utf-8')
    return JSON.stringify({ code: 'SIGNED_OUT', message: 'Paperspace no longer accepts this API key. Sign in again.' })
  })

  /** Secure only when the browser talks https to us (directly, or to a trusted TLS-terminating proxy). */
  const cookieOptions = (request: FastifyRequest) => {
    if (request.protocol === 'https') request.session.options({ secure: true })
  }

  // Sign in: JSON only (text/plain, forms and other simple types answer 415), at most 4 KiB. Each attempt costs an
  // upstream call, so a client address (the proxy's X-Forwarded-For with TRUST_PROXY) gets at most
  // `attemptsPerMinute`, counted before the body is read: a script cannot use the server to try keys. Each process
  // counts on its own, so behind several replicas the limit is per replica.
  const { attemptsPerMinute } = options.session
  await app.register(async (scope) => {
    await scope.register(fastifyRateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => ({
        statusCode: context.statusCode,
        code: 'RATE_LIMITED',
        message: `Too many sign-in attempts from this address. Try again in ${context.after}.`,
      }),
    })
    scope.removeContentTypeParser('text/plain')
    const rateLimit = attemptsPerMinute > 0 && { max: attemptsPerMinute, timeWindow: 60_000 }
    scope.post('/auth/session', { bodyLimit: AUTH_BODY_LIMIT, config: { rateLimit } }, async (request, reply) => {
      const body = request.body
      if (body === undefined) {
        return sendError(
          reply,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'Send the request body as Content-Type: application/json.',
        )
      }
      const apiKey = typeof body === 'object' && body !== null ? (body as { apiKey?: unknown }).apiKey : undefined
      if (typeof apiKey !== 'string' || !API_KEY.test(apiKey)) {
        return sendError(
          reply,
          400,
          'BAD_REQUEST',
          'Send { "apiKey": "..." }: the key is 1 to 512 characters, without spaces or control characters.',
        )
      }
      const refusal = await checkKey(upstreamUrl, apiKey, timeoutMs)
      if (refusal !== null) {
        if (refusal.retryAfter !== undefined) reply.header('retry-after', refusal.retryAfter)
        return sendError(reply, refusal.status, refusal.code, refusal.message)
      }
      request.session.regenerate()
      request.session.set('key', apiKey)
      request.session.set('expires', now() + ttlMs)
      cookieOptions(request)
      return reply.code(204).send()
    })
  })

  // Sign out: always succeeds and clears the cookie; a body, if any, is ignored.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: AUTH_BODY_LIMIT }, ignoreBody)
    scope.delete('/auth/session', (request, reply) => {
      request.session.delete()
      cookieOptions(request)
      reply.code(204).send()
    })
    registerAuthFallbacks(scope, 'POST, DELETE')
  })

  return credentialFor
}

/** Outside sign-in mode every `/auth` path answers a JSON 404, whatever its body. */
export async function registerSignInDisabled(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: AUTH_BODY_LIMIT }, ignoreBody)
    registerAuthFallbacks(scope, null)
  })
}

/** `/auth/session` with another method answers 405, any other `/auth` path a JSON 404 (never the SPA). */
function registerAuthFallbacks(app: FastifyInstance, allow: string | null): void {
  if (allow !== null) {
    const allowed = allow.split(', ')
    app.route({
      method: app.supportedMethods.filter((method) => !allowed.includes(method)),
      url: '/auth/session',
      exposeHeadRoute: false,
      config: { allow },
      handler(_request, reply) {
        reply.header('allow', allow)
        sendError(reply, 405, 'METHOD_NOT_ALLOWED', `Use ${allow} for this path.`)
      },
    })
  }
  app.route({
    method: app.supportedMethods,
    url: '/auth/*',
    exposeHeadRoute: false,
    handler(_request, reply: FastifyReply) {
      sendError(reply, 404, 'NOT_FOUND', 'Sign-in is not enabled on this server.')
    },
  })
}

/** Drops a body the route does not take (read by Fastify, so its size limit applies). */
function ignoreBody(_request: FastifyRequest, _body: Buffer, done: (error: Error | null, body?: unknown) => void) {
  done(null, undefined)
}

interface Refusal {
  status: number
  code: 'INVALID_KEY' | 'RATE_LIMITED' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_BAD_RESPONSE'
  message: string
  retryAfter?: string
}

/**
 * Asks the API for one machine with the key: cheap, and any key that can use this dashboard can do it. Never
 * follows a redirect (the key must only go to the configured host). Null when the key works.
 */
async function checkKey(upstreamUrl: string, apiKey: string, timeoutMs: number): Promise<Refusal | null> {
  let response: Response
  try {
    response = await fetch(`${upstreamUrl}/machines?limit=1`, {
      headers: { accept: 'application/json', authorization: `Bearer ${apiKey}`, 'user-agent': USER_AGENT },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    return (error as { name?: string }).name === 'TimeoutError'
      ? { status: 504, code: 'UPSTREAM_TIMEOUT', message: `The Paperspace API did not answer within ${timeoutMs} ms.` }
      : { status: 502, code: 'UPSTREAM_UNREACHABLE', message: 'The Paperspace API could not be reached.' }
  }
  // Only the status and type matter; the body (someone's machine) is dropped unread.
  await response.body?.cancel().catch(() => {})
  const { status } = response
  if (status === 401 || status === 403) {
    return { status: 401, code: 'INVALID_KEY', message: 'Paperspace did not accept this API key.' }
  }
  if (status === 429) {
    const retryAfter = response.headers.get('retry-after') ?? ''
    return {
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Paperspace is limiting requests right now; try again shortly.',
      ...(/^\d{1,6}$/.test(retryAfter) ? { retryAfter } : {}),
    }
  }
  if (status >= 200 && status < 300 && JSON_TYPE.test(response.headers.get('content-type') ?? '')) return null
  return {
    status: 502,
    code: 'UPSTREAM_BAD_RESPONSE',
    message: `The Paperspace API could not check the key: it answered ${status} without a usable body.`,
  }
}
