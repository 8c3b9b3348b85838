import { hkdfSync, randomBytes } from 'node:crypto'
import fastifyRateLimit from '@fastify/rate-limit'
import secureSession from '@fastify/secure-session'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SessionConfig } from './config'
import { sendError } from './errors'
import { actorOf, fetchKeyOwner, type Person, type TeamInfo } from './identity'
import { type Actor, recordAudit } from './store/audit'
import type { Store } from './store/open'
import {
  createSession,
  getSession,
  isOpen,
  revokeAllSessions,
  revokeSession,
  type SessionPerson,
  type StoredSession,
  touchSession,
} from './store/sessions'

// Sign-in mode: each admin signs in with their own Paperspace API key. The key is checked against the API once,
// then kept in a cookie sealed by @fastify/secure-session (libsodium secretbox: encrypted and authenticated),
// HttpOnly, SameSite=Strict, Path=/, Secure over https, beside the id of the session's row in the store. The row
// says who signed in and whether the session was ended: signing out revokes it server-side, so a replayed cookie
// is refused, by every replica on the same database within SESSION_CHECK_MS. The key is never stored, and never
// goes back to the browser in clear.

declare module '@fastify/secure-session' {
  /** What a sealed session cookie holds: the session's id, the admin's key and when it ends (ms since the epoch). */
  interface SessionData {
    sid: string
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

/**
 * The API key to call Paperspace with for this request, or null when it has no valid, unexpired session. Answered
 * at once when the session was checked in the last SESSION_CHECK_MS, else after a look-up in the store.
 */
export type CredentialFor = (request: FastifyRequest) => string | null | Promise<string | null>

/** How long a session's state read from the store is trusted: a revocation reaches every replica within this. */
export const SESSION_CHECK_MS = 2_000
/** `last_seen_at` is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000
/** Sessions whose state is remembered; past this the memory starts again (a few hundred admins at most). */
const MAX_REMEMBERED_SESSIONS = 10_000

/** The signed-in person's session, once `credentialFor` has accepted the request. */
const SESSION_OF = Symbol('session of the request')
interface WithSession {
  [SESSION_OF]?: StoredSession | null
}

/** What sign-in mode tells the rest of the server. */
export interface Sessions {
  credentialFor: CredentialFor
  /** The session `credentialFor` accepted for this request (call it first). */
  sessionOf(request: FastifyRequest): StoredSession | null
  /** Who acts: the signed-in person (call `credentialFor` first). */
  actorFor(request: FastifyRequest): Actor
  /** Ends a session of `userId` (or of nobody known, for sessions with no user); whether one was ended. */
  revoke(id: string, userId: string | null): Promise<boolean>
  /** Ends every session of a person ("sign out everywhere"). */
  revokeAll(userId: string): Promise<void>
}

export interface SessionOptions {
  /** Base URL of the API, without a trailing slash; `GET <url>/machines?limit=1` checks a key. */
  upstreamUrl: string
  session: SessionConfig
  timeoutMs: number
  /** Current time in ms (tests move it to expire sessions). */
  now: () => number
  store: Store
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
export async function registerSessions(app: FastifyInstance, options: SessionOptions): Promise<Sessions> {
  const { upstreamUrl, timeoutMs, now, store } = options
  const { ttlMs } = options.session
  const ttlSeconds = Math.max(1, Math.ceil(ttlMs / 1000))
  await app.register(secureSession, {
    key: sessionKey(options.session.secret.reveal()),
    cookieName: SESSION_COOKIE,
    // The plugin's own age limit (from the moment of sealing); the `expires` field below is checked first.
    expiry: ttlSeconds,
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', maxAge: ttlSeconds },
  })

  // What the store said of each session lately: `checkedAt` is when (ms), `session` undefined for no such row.
  const known = new Map<string, { checkedAt: number; session: StoredSession | undefined }>()
  const decide = (request: FastifyRequest, key: string, session: StoredSession | undefined): string | null => {
    const at = now()
    const open = session !== undefined && isOpen(session, new Date(at))
    ;(request as WithSession)[SESSION_OF] = open ? session : null
    if (!open) return null
    if (at - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
      session.lastSeenAt = new Date(at).toISOString()
      touchSession(store.db, session.id, new Date(at)).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not record a session as seen'),
      )
    }
    return key
  }
  const credentialFor: CredentialFor = (request) => {
    const session = request.session
    const sid: unknown = session.get('sid')
    const key: unknown = session.get('key')
    const expires: unknown = session.get('expires')
    if (typeof sid !== 'string' || typeof key !== 'string' || typeof expires !== 'number' || !(expires > now())) {
      ;(request as WithSession)[SESSION_OF] = null
      return null
    }
    const memory = known.get(sid)
    if (memory !== undefined && now() - memory.checkedAt < SESSION_CHECK_MS) return decide(request, key, memory.session)
    const checkedAt = now()
    return getSession(store.db, sid).then((stored) => {
      if (known.size >= MAX_REMEMBERED_SESSIONS) known.clear()
      known.set(sid, { checkedAt, session: stored })
      return decide(request, key, stored)
    })
  }
  const sessionOf = (request: FastifyRequest) => (request as WithSession)[SESSION_OF] ?? null
  const actorFor = (request: FastifyRequest): Actor => {
    const session = sessionOf(request)
    return actorOf(session && { id: session.userId, email: session.email, name: session.name }, 'signin')
  }
  const revoke = async (id: string, userId: string | null) => {
    const ended = await revokeSession(store.db, id, new Date(now()), userId)
    known.delete(id)
    return ended
  }
  const revokeAll = async (userId: string) => {
    await revokeAllSessions(store.db, userId, new Date(now()))
    for (const [id, memory] of known) if (memory.session?.userId === userId) known.delete(id)
  }
  app.decorateRequest(SESSION_OF, null)

  // A key Paperspace stops accepting (revoked, expired) ends the session: an upstream 401 on an API call made with a
  // session's key becomes our 401 SIGNED_OUT and the cookie is cleared, so the app asks for a new key instead of
  // showing errors. Our own SIGNED_OUT (no session) is left as it is.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401 || !request.url.startsWith('/api/v1/') || sessionOf(request) === null) {
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
        await audit(request, { id: null, email: null, name: null, via: 'signin' }, 'Sign-in refused', refusal)
        if (refusal.retryAfter !== undefined) reply.header('retry-after', refusal.retryAfter)
        return sendError(reply, refusal.status, refusal.code, refusal.message)
      }
      const owner = await fetchKeyOwner(upstreamUrl, apiKey, timeoutMs)
      const person = sessionPerson(owner?.user ?? null, owner?.team ?? null)
      const sid = randomBytes(18).toString('base64url')
      const startedAt = now()
      const userAgent = request.headers['user-agent'] ?? null
      await createSession(store.db, {
        id: sid,
        person,
        startedAt: new Date(startedAt),
        expiresAt: new Date(startedAt + ttlMs),
        userAgent,
      })
      await audit(request, actorOf(owner?.user ?? null, 'signin'), `Sign in from ${describeAgent(userAgent)}`, null)
      request.session.regenerate()
      request.session.set('sid', sid)
      request.session.set('key', apiKey)
      request.session.set('expires', startedAt + ttlMs)
      cookieOptions(request)
      return reply.code(204).send()
    })
  })

  // Sign out: always succeeds and clears the cookie; a body, if any, is ignored.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: AUTH_BODY_LIMIT }, ignoreBody)
    scope.delete('/auth/session', async (request, reply) => {
      if ((await credentialFor(request)) !== null) {
        const session = sessionOf(request)
        if (session !== null) {
          await revoke(session.id, session.userId)
          await audit(request, actorFor(request), 'Sign out', null)
        }
      }
      request.session.delete()
      cookieOptions(request)
      return reply.code(204).send()
    })
    registerAuthFallbacks(scope, 'POST, DELETE')
  })

  /** Sign-ins and sign-outs are in the audit trail, refused ones too (with no one named). */
  async function audit(request: FastifyRequest, actor: Actor, summary: string, refusal: Refusal | null) {
    const at = new Date(now())
    const signOut = summary === 'Sign out'
    await recordAudit(
      store.db,
      { at, actor, action: signOut ? 'sign-out' : 'sign-in', machineId: null, machineName: null, summary },
      {
        at,
        outcome: refusal === null ? 'ok' : 'failed',
        status: refusal?.status ?? 204,
        message: refusal?.message ?? null,
      },
    ).catch((error: unknown) => request.log.error({ err: error }, 'could not write the audit entry of a sign-in'))
  }

  return { credentialFor, sessionOf, actorFor, revoke, revokeAll }
}

function sessionPerson(user: Person | null, team: TeamInfo | null): SessionPerson {
  return {
    userId: user?.id ?? null,
    email: user?.email ?? null,
    name: user?.name ?? null,
    teamId: team?.id ?? null,
    teamName: team?.name ?? null,
  }
}

/** "Chrome on Linux" from a user agent, for the audit's sign-in summary. */
export function describeAgent(userAgent: string | null): string {
  if (userAgent === null) return 'an unknown client'
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(?:e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /curl|node|python|Go-http/i.test(userAgent)
            ? 'a script'
            : 'a browser'
  const system = /Windows/.test(userAgent)
    ? ' on Windows'
    : /Android/.test(userAgent)
      ? ' on Android'
      : /iPhone|iPad/.test(userAgent)
        ? ' on iOS'
        : /Mac OS X/.test(userAgent)
          ? ' on macOS'
          : /Linux/.test(userAgent)
            ? ' on Linux'
            : ''
  return browser + system
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
