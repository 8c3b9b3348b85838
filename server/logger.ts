import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import type { LogLevel } from './config'
import { pathOf } from './request-guard'

/** Where log lines go; defaults to stdout. Tests pass a collector. */
export interface LogStream {
  write(line: string): void
}

/** Options for Fastify's pino logger. Nothing ever logs request headers, so neither cookies nor keys can leak. */
export function loggerOptions(level: LogLevel, stream?: LogStream) {
  return { level, base: null, ...(stream ? { stream } : {}) }
}

/** pino's numbers for the levels; a logger writes the lines of its level and above. */
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
}

function isEnabled(log: FastifyBaseLogger, level: 'info' | 'warn'): boolean {
  return (LEVEL_VALUES[log.level] ?? 0) <= (LEVEL_VALUES[level] as number)
}

/**
 * Replaces Fastify's two lines per request ("incoming request", "request completed", both with headers) by one
 * line when the response is done: method, path without the query string, status, duration and, when the
 * server answered with its own error, that error's code. 5xx lines are warnings.
 *
 * Written by the root logger (`attach`), not the request's: the proxy routes keep their request logger for errors
 * only, so that an upstream failure is one line.
 */
export class AccessLog extends LogController {
  #log: FastifyBaseLogger | undefined

  constructor() {
    super({ disableRequestLogging: true })
  }

  attach(log: FastifyBaseLogger): void {
    this.#log = log
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const log = this.#log ?? reply.log
    const status = reply.statusCode
    const warning = status >= 500 || Boolean(error)
    // Nothing is built for a line the level leaves out (LOG_LEVEL=warn under load, for one).
    if (!isEnabled(log, warning ? 'warn' : 'info')) return
    const method = request.method
    const path = pathOf(request.raw.url ?? '').slice(0, 512)
    const ms = Math.round(reply.elapsedTime * 10) / 10
    const line = {
      method,
      path,
      status,
      ms,
      ...(request.errorCode ? { code: request.errorCode } : {}),
      ...(error ? { err: error.message } : {}),
    }
    const message = `${method} ${path} ${status} ${ms}ms`
    if (warning) log.warn(line, message)
    else log.info(line, message)
  }
}
