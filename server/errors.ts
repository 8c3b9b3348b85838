import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { API_HEADERS } from './security-headers'

/** The API's security headers, as raw header lines. */
const RAW_SECURITY_HEADERS = Object.entries(API_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('')

/** Every error this server produces itself leaves as `{ code, message }` with one of these codes. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'BAD_PATH'
  | 'BAD_HOST'
  | 'BAD_JSON'
  | 'CSRF'
  | 'SIGNED_OUT'
  | 'INVALID_KEY'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL'
  | 'STORE_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNREACHABLE'
  | 'UPSTREAM_BAD_RESPONSE'

declare module 'fastify' {
  interface FastifyRequest {
    /** The code of the error this server answered with, if any; shown on the request's log line. */
    errorCode: ErrorCode | null
  }
}

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  reply.request.errorCode = code
  return reply.code(status).type('application/json; charset=utf-8').send({ code, message })
}

/**
 * Fastify's own errors (body parsing, limits, bad URLs) mapped to our codes with fixed messages. Unknown errors
 * become a 500 whose message says nothing about the cause; the cause goes to the log line only.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(reply, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as Content-Type: application/json.')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendError(reply, 400, 'BAD_JSON', 'The request body is not valid JSON.')
    // @fastify/rate-limit's refusal of a sign-in, with the message built in session.ts; Retry-After is already set.
    case 'RATE_LIMITED':
      return sendError(reply, 429, 'RATE_LIMITED', error.message)
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return sendError(reply, status, 'BAD_REQUEST', STATUS_CODES[status] ?? 'Bad request')
  }
  request.log.error({ err: error }, 'unexpected error')
  return sendError(reply, 500, 'INTERNAL', 'The server failed to handle this request.')
}

/**
 * Answers requests that Node's HTTP parser rejects before Fastify sees them (malformed request line, control
 * characters, unknown methods, oversized headers), in the same `{ code, message }` shape as everything else.
 */
export function handleClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large.']
        : [400, 'The request is not valid HTTP.']
  writeRawError(socket, status, 'BAD_REQUEST', message)
}

/** Writes a complete JSON error response on a socket that Fastify does not handle, then closes it. */
export function writeRawError(socket: Duplex, status: number, code: ErrorCode, message: string, extra = ''): void {
  if (socket.writable) {
    const body = JSON.stringify({ code, message })
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${RAW_SECURITY_HEADERS}${extra}\r\n${body}`,
    )
  }
  socket.destroy()
}
