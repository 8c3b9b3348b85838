import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { isLoopback } from './config'
import { type ErrorCode, sendError } from './errors'
import { KNOWN_METHODS } from './operations'
import { API_HEADERS, HSTS, PERMISSIONS_POLICY } from './security-headers'

// Runs first for every request (a global onRequest hook), before any route handler, body parsing or upstream
// call. Hand-written because these are our rules: Fastify has no plugin for "refuse suspicious raw paths" or
// for this CSRF scheme, and @fastify/helmet sets neither Permissions-Policy nor HSTS only over https.

/**
 * Raw path fragments that have no business in a request for this app: dot segments, encoded dots, slashes
 * and backslashes (which could change the upstream path once decoded), doubled slashes, encoded or raw control
 * characters. Checked on the raw, undecoded path only: the query string is forwarded as it is and opaque
 * pagination cursors may legitimately contain `%2F`.
 */
const SUSPICIOUS_PATH = /\.\.|\/\/|\\|%(?:2e|2f|5c|[01][0-9a-f]|7f)|\p{Cc}/iu

const KNOWN = new Set(KNOWN_METHODS)
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface GuardOptions {
  /** Origins besides the server's own that may send state-changing requests (the Vite dev server). */
  extraOrigins?: readonly string[]
  /**
   * Answer only requests addressed to a loopback name (localhost, 127.x.x.x, [::1]) or to an extra origin's host.
   * On for a server listening on loopback without a proxy in front: a page on another site whose name the
   * attacker points at 127.0.0.1 (DNS rebinding) is then same-origin to the browser, CSRF header included, but
   * its requests still carry the attacker's Host.
   */
  loopbackOnly?: boolean
}

/** The path part of a raw request target, without the query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

export function createRequestGuard({ extraOrigins = [], loopbackOnly = false }: GuardOptions = {}) {
  const trustedOrigins = new Set(extraOrigins)
  const extraHosts = new Set(extraOrigins.map((origin) => new URL(origin).host))

  return function requestGuard(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const url = request.raw.url ?? ''
    const path = pathOf(url)
    // `/api` and `/auth` answer JSON and hold the state-changing routes.
    const isApi = path.startsWith('/api/') || path.startsWith('/auth/')
    // Pages get their security headers from @fastify/helmet (registered with them, see app.ts); API answers
    // and refusals get the same policy from a constant.
    if (isApi) reply.headers(API_HEADERS)
    else reply.header('permissions-policy', PERMISSIONS_POLICY)
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS)

    // Absolute-form (`GET http://evil.example/ HTTP/1.1`) and asterisk-form targets are for proxies, not for us.
    if (url.charCodeAt(0) !== 47 /* '/' */) {
      refuse(reply, isApi, 400, 'BAD_PATH', 'The request target must be a path.')
      return
    }
    const framing = framingProblem(request)
    if (framing !== null) {
      refuse(reply, isApi, 400, 'BAD_REQUEST', framing)
      return
    }
    // No Host at all (HTTP/1.0) is not a browser, so not a rebinding attack.
    if (loopbackOnly && request.host !== '' && !isLoopback(request.hostname) && !extraHosts.has(request.host)) {
      refuse(reply, isApi, 421, 'BAD_HOST', 'This server only answers requests addressed to localhost.')
      return
    }
    if (SUSPICIOUS_PATH.test(path)) {
      refuse(reply, isApi, 400, 'BAD_PATH', 'The request path contains a forbidden sequence.')
      return
    }

    const method = request.method
    if (!KNOWN.has(method)) {
      const allow = (request.routeOptions.config as { allow?: string }).allow ?? (isApi ? undefined : 'GET, HEAD')
      if (allow !== undefined) reply.header('allow', allow)
      refuse(reply, isApi, 405, 'METHOD_NOT_ALLOWED', `${method} is not supported.`)
      return
    }

    if (isApi && UNSAFE.has(method)) {
      const problem = csrfProblem(request, trustedOrigins)
      if (problem !== null) {
        sendError(reply, 403, 'CSRF', problem)
        return
      }
    } else if (isApi) {
      // Reads too: another site's page must not make this server read with the team's key, even if it cannot see
      // the answer (a timing or cache probe). Browsers say where a request comes from; scripts send nothing.
      const site = request.headers['sec-fetch-site']
      if (site === 'cross-site' || site === 'same-site') {
        sendError(reply, 403, 'CSRF', 'The request comes from another site.')
        return
      }
    }
    done()
  }
}

/**
 * What Node's parser lets through but HTTP/1.1 forbids or we do not speak: versions other than 1.x (a request
 * line without one is taken as HTTP/0.9), more than one Host (RFC 9112 §3.2: 400), and transfer codings other
 * than chunked, which we would otherwise read as if they were not there.
 */
function framingProblem(request: FastifyRequest): string | null {
  const raw = request.raw
  if (raw.httpVersionMajor !== 1) return 'Only HTTP/1.0 and HTTP/1.1 are supported.'
  const transferEncoding = request.headers['transfer-encoding']
  if (transferEncoding !== undefined && transferEncoding.trim().toLowerCase() !== 'chunked') {
    return 'Transfer-Encoding other than chunked is not supported.'
  }
  let hosts = 0
  for (let index = 0; index < raw.rawHeaders.length; index += 2) {
    if (raw.rawHeaders[index]?.toLowerCase() === 'host' && ++hosts > 1) return 'A request has one Host header.'
  }
  return null
}

/** Refusals happen before helmet's hook runs, so they carry the constant headers whatever the path. */
function refuse(reply: FastifyReply, isApi: boolean, status: number, code: ErrorCode, message: string): void {
  if (!isApi) reply.headers(API_HEADERS)
  sendError(reply, status, code, message)
}

/**
 * State-changing API calls must come from this app's own pages: a custom header (which a cross-site form or
 * a simple cross-origin fetch cannot set without a CORS preflight, and we never answer preflights), plus the
 * browser's own statements of where the request comes from, when it sends them.
 */
function csrfProblem(request: FastifyRequest, trustedOrigins: ReadonlySet<string>): string | null {
  const headers = request.headers
  if (headers['x-csrf'] !== '1') return 'State-changing requests must carry the header X-CSRF: 1.'
  const origin = headers.origin
  if (origin !== undefined && !isOwnOrigin(origin, request.host) && !trustedOrigins.has(origin)) {
    return 'The request comes from another origin.'
  }
  const site = headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'The request comes from another site.'
  }
  return null
}

/**
 * The server's own origin is the Host the browser addressed (X-Forwarded-Host from a trusted proxy, see
 * TRUST_PROXY). Both schemes are accepted for that host because the server itself only speaks http: behind a
 * TLS-terminating proxy the browser's origin is https.
 */
function isOwnOrigin(origin: string, host: string): boolean {
  if (host === '') return false
  return origin === `https://${host}` || origin === `http://${host}`
}

/**
 * The deepest nesting of a JSON body that is accepted. The contract's bodies are flat; a body nested thousands of
 * levels deep parses, but overflows the stack when it is serialised again for the upstream.
 */
export const MAX_JSON_DEPTH = 32

/** A `preValidation` hook: runs once a body is parsed, before any handler sees it. */
export function bodyGuard(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (request.body !== undefined && nestedDeeperThan(request.body, MAX_JSON_DEPTH)) {
    sendError(reply, 400, 'BAD_JSON', `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`)
    return
  }
  done()
}

/** Iterative, so that the check itself cannot overflow the stack; stops at the first value past `max`. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, depth] = next
    if (typeof current !== 'object' || current === null) continue
    if (depth >= max) return true
    for (const child of Object.values(current)) stack.push([child, depth + 1])
  }
  return false
}
