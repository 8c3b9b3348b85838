import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
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
}

/** The path part of a raw request target, without the query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

export function createRequestGuard({ extraOrigins = [] }: GuardOptions = {}) {
  const trustedOrigins = new Set(extraOrigins)

  return function requestGuard(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const url = request.raw.url ?? ''
    const path = pathOf(url)
    const isApi = path.startsWith('/api/')
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
    }
    done()
  }
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
  if (origin !== undefined && !isOwnOrigin(origin, headers.host) && !trustedOrigins.has(origin)) {
    return 'The request comes from another origin.'
  }
  const site = headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'The request comes from another site.'
  }
  return null
}

/**
 * The server's own origin is the Host the browser addressed. Both schemes are accepted for that host because
 * the server itself only speaks http: behind a TLS-terminating proxy the browser's origin is https.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  return origin === `https://${host}` || origin === `http://${host}`
}
