import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { type Dispatcher, Pool } from 'undici'
import type { AuditTrail } from './audit-trail'
import { credentialId } from './credentials'
import { type ErrorCode, sendError } from './errors'
import { methodsByPattern, type Operation, operations, toRoutePath } from './operations'
import { type CachedResponse, UpstreamCache } from './upstream-cache'

export const API_PREFIX = '/api/v1'
export const BODY_LIMIT = 64 * 1024
const USER_AGENT = 'paperspace-fleet/0.1 (+proxy)'
/**
 * Log level of the proxy routes' request logger: the access line (logger.ts) already records every outcome, so
 * these routes log only what goes wrong inside the server (an audit entry that cannot be written, say).
 */
const PROXY_ROUTE_LOG_LEVEL = 'error'

/** Upstream response headers that reach the browser; everything else (set-cookie, location, server...) stays. */
const PASSED_RESPONSE_HEADERS = ['content-type', 'content-length', 'content-encoding', 'retry-after'] as const
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

export interface ProxyOptions {
  /** Base URL of the API, e.g. `https://api.paperspace.com/v1`, without a trailing slash. */
  upstreamUrl: string
  /**
   * The API key for this request: the server's, or the signed-in admin's (session.ts); null when signed out,
   * which answers 401 SIGNED_OUT before the body is read.
   */
  credentialFor(request: FastifyRequest): string | null | Promise<string | null>
  /** Every proxied call is answered within this time: 504 when the upstream has not answered by then. */
  timeoutMs: number
  /** How long a successful GET answer is reused for identical GETs with the same key (default 1000; 0: never). */
  cacheMs?: number
  /** Records mutations and credential reads before they go upstream, and their outcome after. */
  audit?: AuditTrail
}

/**
 * Where `authorize` keeps the request's API key: a property declared on every request of the proxy (so that
 * requests keep one shape), under a symbol, so that neither a log serializer nor JSON ever shows it. A WeakMap did
 * the same but its table holds an entry per request until a full garbage collection clears it.
 */
const UPSTREAM_KEY = Symbol('upstream API key')
interface KeyedRequest {
  [UPSTREAM_KEY]?: string | null
}

/**
 * Registers `/api/v1/<path>` → `<upstreamUrl>/<path>` for exactly the allowed operations, with the request's key,
 * over one undici pool to the upstream origin (kept alive). Known paths called with another method answer 405 with
 * `Allow`; every other `/api` path answers 404. Neither reaches upstream. GET operations are read whole and shared
 * (`createCachedReads`); mutations are read whole too, so that their outcome can be audited and a cut or oversized
 * answer becomes a 502 rather than a broken 200.
 */
export async function registerProxy(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  const upstream = new URL(options.upstreamUrl)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  const { timeoutMs, audit } = options

  const pool = new Pool(upstream.origin, {
    connections: 128,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // An API key must only ever go to the real host.
    connect: { rejectUnauthorized: true, timeout: Math.min(timeoutMs, 10_000) },
  })
  app.addHook('onClose', async () => pool.destroy())

  const requestHeaders = {
    accept: 'application/json',
    // Plain bodies, so that a non-JSON answer can be recognised and replaced.
    'accept-encoding': 'identity',
    'user-agent': USER_AGENT,
  }
  // The key found for each request by `authorize`, for the upstream call's Authorization header.
  app.decorateRequest(UPSTREAM_KEY, null)
  const keyOf = (request: FastifyRequest) => (request as KeyedRequest)[UPSTREAM_KEY] ?? undefined

  const sourceOf = (url: string): string => {
    const query = url.indexOf('?')
    return basePath + (query === -1 ? url.slice(API_PREFIX.length) : url.slice(API_PREFIX.length, query))
  }

  // GET operations are answered through the upstream cache; mutations clear it for their key.
  const reads = createCachedReads({
    pool,
    basePath,
    timeoutMs,
    cacheMs: options.cacheMs ?? DEFAULT_CACHE_MS,
    requestHeaders,
    keyFor: keyOf,
  })

  // Hooks of the allowed operations only (the 404/405 fallbacks need no key). Before the body is read: the
  // request's key, or 401.
  const authorize = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const accept = (key: string | null) => {
      if (key === null) {
        sendError(reply, 401, 'SIGNED_OUT', 'Sign in with your Paperspace API key.')
        return
      }
      ;(request as KeyedRequest)[UPSTREAM_KEY] = key
      done()
    }
    const key = options.credentialFor(request)
    if (key instanceof Promise) key.then(accept, done)
    else accept(key)
  }

  /**
   * Writes the audit entry (nothing goes upstream when the store cannot record it), then the upstream call, then
   * its outcome, then the answer.
   */
  const forward = async (request: FastifyRequest, reply: FastifyReply, operation: Operation) => {
    const handle = await beginAudit(request, reply, operation)
    if (handle === false) return reply
    reads.mutating(request, reply)
    const key = keyOf(request)
    const body = operation.hasBody ? JSON.stringify(request.body) : undefined
    const answer = await callUpstream(pool, {
      method: operation.method,
      path: sourceOf(request.raw.url ?? '') + queryOf(request.raw.url ?? ''),
      headers: {
        ...requestHeaders,
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
      timeoutMs,
    })
    await handle?.complete(answer)
    sendAnswer(reply, answer)
    return reply
  }
  const beginAudit = async (request: FastifyRequest, reply: FastifyReply, operation: Operation) => {
    if (audit === undefined) return null
    try {
      return await audit.begin(request, operation.operationId)
    } catch (error) {
      request.log.error({ err: error }, 'could not write an audit entry')
      sendError(
        reply,
        503,
        'STORE_UNAVAILABLE',
        "The audit trail can't be written right now, so nothing was sent to Paperspace. Try again shortly.",
      )
      return false
    }
  }

  // Bodies are parsed only where the contract has one: strictly JSON, at most 64 KiB.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('text/plain')
    for (const operation of operations.filter((candidate) => candidate.hasBody)) {
      scope.route({
        method: operation.method,
        url: API_PREFIX + toRoutePath(operation.pattern),
        bodyLimit: BODY_LIMIT,
        logLevel: PROXY_ROUTE_LOG_LEVEL,
        onRequest: authorize,
        handler(request, reply) {
          const body = request.body
          if (body === undefined) {
            return sendError(
              reply,
              415,
              'UNSUPPORTED_MEDIA_TYPE',
              'Send the request body as Content-Type: application/json.',
            )
          }
          if (typeof body !== 'object' || body === null || Array.isArray(body)) {
            return sendError(reply, 400, 'BAD_JSON', 'The request body must be a JSON object.')
          }
          return forward(request, reply, operation)
        },
      })
    }
  })

  // Everything else takes no body: whatever the browser sends is drained and dropped, never forwarded.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, ignoreBody)
    for (const operation of operations.filter((candidate) => !candidate.hasBody)) {
      const audited = audit !== undefined && operation.method === 'GET' && operation.operationId in AUDITED_READS
      scope.route({
        method: operation.method,
        url: API_PREFIX + toRoutePath(operation.pattern),
        exposeHeadRoute: false,
        logLevel: PROXY_ROUTE_LOG_LEVEL,
        onRequest: authorize,
        handler:
          operation.method !== 'GET'
            ? (request: FastifyRequest, reply: FastifyReply) => forward(request, reply, operation)
            : audited
              ? async (request: FastifyRequest, reply: FastifyReply) => {
                  const handle = await beginAudit(request, reply, operation)
                  if (handle === false) return reply
                  reads.read(request, reply, (answer) => void handle?.complete(answer))
                  return reply
                }
              : reads.read,
      })
    }
    for (const [pattern, methods] of methodsByPattern()) {
      const allow = methods.join(', ')
      const others = app.supportedMethods.filter((method) => !(methods as string[]).includes(method))
      scope.route({
        method: others,
        url: API_PREFIX + toRoutePath(pattern),
        exposeHeadRoute: false,
        config: { allow },
        handler(_request, reply) {
          reply.header('allow', allow)
          sendError(reply, 405, 'METHOD_NOT_ALLOWED', `Use ${allow} for this path.`)
        },
      })
    }
    scope.route({
      method: app.supportedMethods,
      url: '/api/*',
      exposeHeadRoute: false,
      handler(_request, reply) {
        sendError(reply, 404, 'NOT_FOUND', 'No such API endpoint.')
      },
    })
  })
}

/** Reads that hand out credentials: audited like the mutations. */
const AUDITED_READS: Readonly<Record<string, true>> = { getMachineDesktop: true }

function queryOf(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? '' : url.slice(query)
}

/** Drops a body the operation does not take; read by Fastify, so that more than 64 KiB still answers 413. */
function ignoreBody(_request: FastifyRequest, _body: Buffer, done: (error: Error | null, body?: unknown) => void) {
  done(null, undefined)
}

// GET operations: answered from the upstream cache, or by one upstream request shared by every identical read
// in flight (upstream-cache.ts). The body is read whole (API answers are small), so that it can be sent again.

/** Cached reads are kept this long by default (`UPSTREAM_CACHE_MS`). */
export const DEFAULT_CACHE_MS = 1_000
/** Upstream bodies above this are refused with 502: the API's largest answers are a few hundred KiB. */
export const MAX_READ_BYTES = 8 * 1024 * 1024
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])
/** Keys whose cache id and upstream headers are remembered (an HMAC is otherwise computed for every read). */
const MAX_REMEMBERED_CREDENTIALS = 256

/** What a read answers: an upstream answer as it will be sent, or one of ours (`error`), which is never stored. */
interface ReadAnswer extends CachedResponse {
  readonly error?: { readonly code: ErrorCode; readonly message: string }
}

interface CachedReadsOptions {
  pool: Pool
  basePath: string
  timeoutMs: number
  cacheMs: number
  /** Sent with every upstream read, besides Authorization. */
  requestHeaders: Readonly<Record<string, string>>
  /** The API key the request acts with; set for every contract operation before its handler runs. */
  keyFor(request: FastifyRequest): string | undefined
}

export interface CachedReads {
  /** Handler of the GET operations; `onAnswer` sees the answer just before it is sent. */
  read(request: FastifyRequest, reply: FastifyReply, onAnswer?: (answer: ReadAnswer) => void): void
  /**
   * Called as a mutation is forwarded: drops its key's cached reads now, so that no read started after it can
   * join an older one, and again when it is over, so that no read that raced it stays cached.
   */
  mutating(request: FastifyRequest, reply: FastifyReply): void
}

export function createCachedReads(options: CachedReadsOptions): CachedReads {
  const { pool, basePath, timeoutMs, requestHeaders, keyFor } = options
  const cache = new UpstreamCache<ReadAnswer>({ ttlMs: options.cacheMs })
  // Per key: its cache id (an HMAC) and the upstream headers, made once rather than for every read.
  const credentials = new Map<string, Credential>()
  const credentialOf = (request: FastifyRequest): Credential => {
    const key = keyFor(request)
    if (key === undefined) throw new Error('a proxied request has no API key')
    let credential = credentials.get(key)
    if (credential === undefined) {
      if (credentials.size >= MAX_REMEMBERED_CREDENTIALS) credentials.clear()
      credential = { id: credentialId(key), headers: { ...requestHeaders, authorization: `Bearer ${key}` } }
      credentials.set(key, credential)
    }
    return credential
  }

  return {
    read(request, reply, onAnswer) {
      const { id, headers } = credentialOf(request)
      const url = request.raw.url ?? ''
      const answer = cache.answer(id, 'GET', url, () =>
        fetchRead(pool, basePath + url.slice(API_PREFIX.length), headers, timeoutMs),
      )
      if (answer instanceof Promise) {
        answer.then(
          (settled) => {
            onAnswer?.(settled)
            sendAnswer(reply, settled)
          },
          (error: unknown) => reply.send(error),
        )
      } else {
        onAnswer?.(answer)
        sendAnswer(reply, answer)
      }
    },
    mutating(request, reply) {
      const { id } = credentialOf(request)
      cache.invalidate(id)
      reply.raw.once('close', () => cache.invalidate(id))
    },
  }
}

interface Credential {
  readonly id: string
  readonly headers: Readonly<Record<string, string>>
}

function sendAnswer(reply: FastifyReply, answer: ReadAnswer): void {
  // Already answered 504 by the deadline.
  if (reply.sent) return
  const { error } = answer
  if (error !== undefined) {
    sendError(reply, answer.status, error.code, error.message)
  } else {
    reply.code(answer.status).headers(answer.headers)
    if (answer.body.length === 0) reply.send()
    else reply.send(answer.body)
  }
}

/**
 * One upstream GET, whole, as the answer to send. Never rejects: failures become our own 502/504 answers. It
 * settles after `timeoutMs` at the latest (undici checks its own timeouts only about once a second), so that no
 * later read can join one that is already too late; the upstream request itself ends at undici's timeout.
 */
function fetchRead(
  pool: Pool,
  path: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<ReadAnswer> {
  return new Promise((resolve) => {
    const read = new UpstreamRead(pool, path, headers, timeoutMs, resolve)
    read.send()
  })
}

/**
 * undici's dispatcher API, which hands over the body as it arrives, with no stream and no promise in between.
 * JSON answers (successes and the API's own JSON errors) keep their status and the passed headers; a body that
 * is not JSON (a WAF or load-balancer HTML page) or is too large becomes a 502 the app can understand.
 */
class UpstreamRead implements Dispatcher.DispatchHandler {
  #status = 0
  #headers: UndiciHeaders = {}
  #chunks: Buffer[] = []
  #size = 0
  #retried = false
  #settled = false
  readonly #timer: NodeJS.Timeout

  constructor(
    private readonly pool: Pool,
    private readonly path: string,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly timeoutMs: number,
    private readonly resolve: (answer: ReadAnswer) => void,
  ) {
    this.#timer = setTimeout(() => this.#settle(timeoutAnswer(timeoutMs)), timeoutMs)
  }

  send(): void {
    try {
      this.pool.dispatch({ method: 'GET', path: this.path, headers: this.headers }, this)
    } catch {
      // A request undici refuses to send (a closed pool).
      this.#settle(UNREACHABLE)
    }
  }

  /** Present so that undici treats this as a handler of its current API. */
  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: UndiciHeaders): void {
    this.#status = statusCode
    this.#headers = headers
    this.#chunks = []
    this.#size = 0
    if (Number(headers['content-length']) > MAX_READ_BYTES) this.#tooLarge(controller)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length
    if (this.#size > MAX_READ_BYTES) this.#tooLarge(controller)
    else this.#chunks.push(chunk)
  }

  onResponseEnd(): void {
    // A single chunk is a view of the socket's own read buffer, which nothing else reuses.
    const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#size)
    this.#settle(answerOf(this.#status, this.#headers, body, keyOfHeaders(this.headers)))
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#settled) return
    const code = (error as { code?: unknown }).code
    // One quick retry of a kept-alive connection the upstream had just closed, as for the other calls.
    if (code === 'UND_ERR_SOCKET' && !this.#retried) {
      this.#retried = true
      this.send()
      return
    }
    this.#settle(typeof code === 'string' && TIMEOUT_CODES.has(code) ? timeoutAnswer(this.timeoutMs) : UNREACHABLE)
  }

  #tooLarge(controller: Dispatcher.DispatchController): void {
    this.#settle(TOO_LARGE)
    controller.abort(new Error('The upstream body is over the size limit.'))
  }

  #settle(answer: ReadAnswer): void {
    if (this.#settled) return
    this.#settled = true
    clearTimeout(this.#timer)
    this.resolve(answer)
  }
}

type UndiciHeaders = Record<string, string | string[] | undefined>
const EMPTY = Buffer.alloc(0)

/**
 * An upstream answer as it will be sent: JSON answers (successes and the API's own JSON errors) keep their status
 * and the passed headers; a body that is not JSON (a WAF or load-balancer HTML page) becomes a 502.
 */
function answerOf(status: number, headers: UndiciHeaders, body: Buffer, key: string | undefined): ReadAnswer {
  if (status === 204 || status === 304) return { status, headers: {}, body: EMPTY }
  body = scrubbed(body, key)
  const type = headers['content-type']
  if (body.length > 0 && !(typeof type === 'string' && JSON_TYPE.test(type))) {
    return failure(502, 'UPSTREAM_BAD_RESPONSE', `The Paperspace API answered ${status} without a JSON body.`)
  }
  const passed: Record<string, string> = {}
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = headers[name]
    if (typeof value === 'string' && (key === undefined || !value.includes(key))) passed[name] = value
  }
  passed['content-length'] = String(body.length)
  return { status, headers: passed, body }
}

const REDACTED = Buffer.from('[redacted]')

/**
 * The body with every copy of the key replaced: an upstream that echoes the key (in an error message, say) must
 * not hand it to the browser. One search per upstream answer, not per cached answer sent.
 */
function scrubbed(body: Buffer, key: string | undefined): Buffer {
  if (key === undefined || key.length < 8 || body.indexOf(key) === -1) return body
  const parts: Buffer[] = []
  let from = 0
  for (let at = body.indexOf(key); at !== -1; at = body.indexOf(key, from)) {
    parts.push(body.subarray(from, at), REDACTED)
    from = at + Buffer.byteLength(key)
  }
  parts.push(body.subarray(from))
  return Buffer.concat(parts)
}

function keyOfHeaders(headers: Readonly<Record<string, string>>): string | undefined {
  return headers.authorization?.slice('Bearer '.length)
}

/** Mutation answers above this are refused with 502: they are one machine or one event. */
export const MAX_MUTATION_BYTES = 1024 * 1024

interface UpstreamCall {
  method: string
  path: string
  headers: Record<string, string>
  body: string | undefined
  timeoutMs: number
}

/**
 * One upstream call that changes something, read whole: never retried, never rejects. An answer that is cut off
 * (the connection drops before its declared length) or over `MAX_MUTATION_BYTES` is a 502, and one that has not
 * ended within `timeoutMs` a 504.
 */
async function callUpstream(pool: Pool, call: UpstreamCall): Promise<ReadAnswer> {
  const signal = AbortSignal.timeout(call.timeoutMs)
  try {
    const response = await pool.request({
      method: call.method as Dispatcher.HttpMethod,
      path: call.path,
      headers: call.headers,
      body: call.body ?? null,
      signal,
    })
    const declared = Number(response.headers['content-length'])
    if (declared > MAX_MUTATION_BYTES) {
      response.body.destroy()
      return MUTATION_TOO_LARGE
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length
      if (size > MAX_MUTATION_BYTES) {
        response.body.destroy()
        return MUTATION_TOO_LARGE
      }
      chunks.push(chunk as Buffer)
    }
    if (Number.isFinite(declared) && declared !== size) return CUT_OFF
    return answerOf(
      response.statusCode,
      response.headers as UndiciHeaders,
      Buffer.concat(chunks, size),
      keyOfHeaders(call.headers),
    )
  } catch (error) {
    if (signal.aborted) return timeoutAnswer(call.timeoutMs)
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return timeoutAnswer(call.timeoutMs)
    return code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_SOCKET' ? CUT_OFF : UNREACHABLE
  }
}

function failure(status: number, code: ErrorCode, message: string): ReadAnswer {
  return { status, headers: {}, body: EMPTY, error: { code, message } }
}

const TOO_LARGE = failure(
  502,
  'UPSTREAM_BAD_RESPONSE',
  `The Paperspace API answered with more than ${MAX_READ_BYTES} bytes.`,
)

const MUTATION_TOO_LARGE = failure(
  502,
  'UPSTREAM_BAD_RESPONSE',
  `The Paperspace API answered with more than ${MAX_MUTATION_BYTES} bytes.`,
)

const CUT_OFF = failure(
  502,
  'UPSTREAM_BAD_RESPONSE',
  'The Paperspace API answer was cut off; the change may or may not have been made. Refresh to see.',
)

const UNREACHABLE = failure(502, 'UPSTREAM_UNREACHABLE', 'The Paperspace API could not be reached.')

function timeoutAnswer(timeoutMs: number): ReadAnswer {
  return failure(504, 'UPSTREAM_TIMEOUT', `The Paperspace API did not answer within ${timeoutMs} ms.`)
}
