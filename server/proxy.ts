import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from'
import type { FastifyInstance, FastifyReply, FastifyRequest, RawRequestDefaultExpression } from 'fastify'
import type { Secret } from './config'
import { sendError } from './errors'
import { methodsByPattern, type Operation, operations, toRoutePath } from './operations'

export const API_PREFIX = '/api/v1'
export const BODY_LIMIT = 64 * 1024
const USER_AGENT = 'paperspace-fleet/0.1 (+proxy)'
/**
 * Log level of the proxy routes' request logger: reply-from warns about every failed upstream call, which would
 * be a second line next to the access line (logger.ts) that already records the outcome.
 */
const PROXY_ROUTE_LOG_LEVEL = 'error'

/** Upstream response headers that reach the browser; everything else (set-cookie, location, server...) stays. */
const PASSED_RESPONSE_HEADERS = ['content-type', 'content-length', 'content-encoding', 'retry-after'] as const
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

export interface ProxyOptions {
  /** Base URL of the API, e.g. `https://api.paperspace.com/v1`, without a trailing slash. */
  upstreamUrl: string
  apiKey: Secret
  timeoutMs: number
}

/** What @fastify/reply-from hands to `onResponse` (its type declaration names the wrong type). */
interface UpstreamResponse {
  statusCode: number
  headers: IncomingHttpHeaders
  stream: Readable
}

/**
 * Registers `/api/v1/<path>` → `<upstreamUrl>/<path>` for exactly the contract's operations, with the server's
 * key, through @fastify/reply-from (one undici pool to the upstream origin, kept alive). Known paths called
 * with another method answer 405 with `Allow`; every other `/api` path answers 404. Neither reaches upstream.
 */
export async function registerProxy(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  const upstream = new URL(options.upstreamUrl)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  const { timeoutMs } = options

  await app.register(replyFrom, {
    base: upstream.origin,
    undici: {
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // reply-from turns certificate checks off by default; an API key must only ever go to the real host.
      connect: { rejectUnauthorized: true, timeout: Math.min(timeoutMs, 10_000) },
    },
    destroyAgent: true,
    disableRequestLogging: true,
  })

  const requestHeaders = {
    accept: 'application/json',
    // Plain bodies, so that a non-JSON answer can be recognised and replaced.
    'accept-encoding': 'identity',
    'user-agent': USER_AGENT,
    authorization: `Bearer ${options.apiKey.reveal()}`,
  }
  // Built from scratch: nothing the browser sent (Authorization, Cookie, Origin, Referer, X-Forwarded-*...)
  // goes upstream. `headers.host` and the body headers are the ones reply-from computed for the upstream.
  const headersWithoutBody = (_request: unknown, headers: IncomingHttpHeaders): IncomingHttpHeaders => ({
    ...requestHeaders,
    host: headers.host,
  })
  const headersWithJsonBody = (_request: unknown, headers: IncomingHttpHeaders): IncomingHttpHeaders => ({
    ...requestHeaders,
    host: headers.host,
    'content-type': 'application/json',
    'content-length': headers['content-length'],
  })

  const onError = (reply: FastifyReply, { error }: { error: Error }): void => {
    if ((error as { statusCode?: number }).statusCode === 504) {
      sendError(reply, 504, 'UPSTREAM_TIMEOUT', `The Paperspace API did not answer within ${timeoutMs} ms.`)
    } else {
      sendError(reply, 502, 'UPSTREAM_UNREACHABLE', 'The Paperspace API could not be reached.')
    }
  }

  const fromOptions = (operation: Operation): FastifyReplyFromHooks => ({
    rewriteRequestHeaders: operation.hasBody ? headersWithJsonBody : headersWithoutBody,
    rewriteHeaders: pickResponseHeaders,
    // reply-from declares these hooks for every kind of Fastify server (HTTP/2 too); this one is HTTP/1.
    onResponse: onUpstreamResponse as unknown as FastifyReplyFromHooks['onResponse'],
    onError: onError as unknown as FastifyReplyFromHooks['onError'],
    retryDelay: retryStaleConnection,
  })

  const sourceOf = (url: string): string => {
    const query = url.indexOf('?')
    return basePath + (query === -1 ? url.slice(API_PREFIX.length) : url.slice(API_PREFIX.length, query))
  }

  // Bodies are parsed only where the contract has one: strictly JSON, at most 64 KiB.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('text/plain')
    for (const operation of operations.filter((candidate) => candidate.hasBody)) {
      const forward = fromOptions(operation)
      scope.route({
        method: operation.method,
        url: API_PREFIX + toRoutePath(operation.pattern),
        bodyLimit: BODY_LIMIT,
        logLevel: PROXY_ROUTE_LOG_LEVEL,
        config: { operationId: operation.operationId },
        handler(request, reply) {
          const body = request.body
          if (body === undefined) {
            sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as Content-Type: application/json.')
          } else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
            sendError(reply, 400, 'BAD_JSON', 'The request body must be a JSON object.')
          } else {
            reply.from(sourceOf(request.raw.url ?? ''), forward)
          }
        },
      })
    }
  })

  // Everything else takes no body: whatever the browser sends is drained and dropped, never forwarded.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', ignoreBody)
    for (const operation of operations.filter((candidate) => !candidate.hasBody)) {
      const forward = fromOptions(operation)
      scope.route({
        method: operation.method,
        url: API_PREFIX + toRoutePath(operation.pattern),
        exposeHeadRoute: false,
        logLevel: PROXY_ROUTE_LOG_LEVEL,
        config: { operationId: operation.operationId },
        handler(request, reply) {
          reply.from(sourceOf(request.raw.url ?? ''), forward)
        },
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

function ignoreBody(
  _request: FastifyRequest,
  payload: RawRequestDefaultExpression,
  done: (error: Error | null, body?: unknown) => void,
): void {
  payload.resume()
  done(null, undefined)
}

function pickResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const picked: IncomingHttpHeaders = {}
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = headers[name]
    if (value !== undefined) picked[name] = value
  }
  return picked
}

/**
 * Streams JSON answers (successes and the API's own JSON errors) straight through with their status. An answer
 * with a body that is not JSON (a WAF or load-balancer HTML page) is replaced by a 502 the app can understand.
 */
function onUpstreamResponse(_request: FastifyRequest, reply: FastifyReply, response: UpstreamResponse): void {
  const { statusCode, headers, stream } = response
  if (statusCode === 204 || statusCode === 304) {
    stream.resume()
    reply.send()
    return
  }
  const type = headers['content-type']
  if ((type !== undefined && JSON_TYPE.test(type)) || headers['content-length'] === '0') {
    reply.send(stream)
    return
  }
  stream.destroy()
  reply.removeHeader('content-length')
  reply.removeHeader('content-encoding')
  sendError(reply, 502, 'UPSTREAM_BAD_RESPONSE', `The Paperspace API answered ${statusCode} without a JSON body.`)
}

/**
 * One quick retry of a GET whose kept-alive connection the upstream had just closed. Nothing else is retried:
 * reply-from would otherwise repeat GETs that got a 503 up to ten times, reading Retry-After seconds as ms.
 */
function retryStaleConnection({ err, req, attempt }: { err: Error; req: { method: string }; attempt: number }) {
  return attempt === 0 && req.method === 'GET' && (err as { code?: string } | null)?.code === 'UND_ERR_SOCKET'
    ? 1
    : null
}
