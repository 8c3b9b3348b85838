// Shared by the server tests: the real simulator served over HTTP as the upstream (observed, never replaced),
// the real server listening on a loopback port, and raw HTTP requests that no client library normalises.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { type BuildOptions, buildServer } from './app'
import { loadConfig } from './config'
import { serveFetch } from './demo-upstream'
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator/simulator'

export const TEST_KEY = 'k-test-123'

/** What reached the upstream, as the upstream saw it. */
export interface SeenRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

export interface TestUpstream {
  simulator: Simulator
  /** Base URL to put in PAPERSPACE_API_URL. */
  url: string
  /** Requests the server made for the browser, in order. */
  seen: SeenRequest[]
  /** Requests the server made on its own behalf to learn whom a key belongs to (`GET /auth/session`). */
  lookups: SeenRequest[]
  close(): Promise<void>
}

/** The simulator as a standalone service requiring `TEST_KEY`, with every request it receives recorded. */
export async function startUpstream(options: SimulatorOptions = {}): Promise<TestUpstream> {
  const simulator = createSimulator({ apiKey: TEST_KEY, ...options })
  const seen: SeenRequest[] = []
  const lookups: SeenRequest[] = []
  const server = await serveFetch(async (request) => {
    const body = await request.clone().text()
    const identity = request.headers.get('user-agent')?.includes('(+identity)') === true
    ;(identity ? lookups : seen).push({
      method: request.method,
      path: new URL(request.url).pathname + new URL(request.url).search,
      headers: Object.fromEntries(request.headers),
      body,
    })
    return simulator.fetch(request)
  })
  return { simulator, url: `${server.url}/v1`, seen, lookups, close: server.close }
}

export interface TestApp {
  app: FastifyInstance
  origin: string
  /** Every log line written, parsed. */
  logs: Record<string, unknown>[]
  /** Raw text of every log line, for leak checks. */
  rawLogs: string[]
  close(): Promise<void>
}

/** The real server from an environment (defaults: info logs collected in memory, nothing on stdout). */
export async function startApp(env: Record<string, string>, options: BuildOptions = {}): Promise<TestApp> {
  const logs: Record<string, unknown>[] = []
  const rawLogs: string[] = []
  const config = loadConfig({ LOG_LEVEL: 'info', ...env })
  // A store of its own in memory unless the test names one: no test writes into the checkout's data folder.
  if (env.DATA_DIR === undefined && env.DATABASE_URL === undefined) config.store = { engine: 'sqlite', memory: true }
  const app = await buildServer(config, {
    ...options,
    logStream: {
      write(line) {
        rawLogs.push(line)
        logs.push(JSON.parse(line) as Record<string, unknown>)
      },
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { app, origin: `http://127.0.0.1:${port}`, logs, rawLogs, close: () => app.close() }
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json(): Record<string, unknown>
}

export interface CallOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
}

/** One HTTP request with the path sent exactly as given (`fetch` would resolve `..` and encode characters). */
export function call(origin: string, path: string, options: CallOptions = {}): Promise<RawResponse> {
  const { port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

export interface RawCallOptions {
  /** Ends the sending side once written (for bodies shorter than their Content-Length). */
  halfClose?: boolean
  /** Gives up waiting for the server to close after this long of silence (default 2 s). */
  idleMs?: number
}

/** Writes a raw HTTP/1.1 request on a socket and returns everything the server sends back. */
export function rawCall(origin: string, head: string | Buffer, options: RawCallOptions = {}): Promise<string> {
  const { port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      if (options.halfClose) socket.end(head)
      else socket.write(head)
    })
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('close', () => resolve(text))
    // The server may close while a large request is still being written.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') socket.destroy()
      else reject(error)
    })
    socket.setTimeout(options.idleMs ?? 2_000, () => socket.destroy())
  })
}

export interface RawRequest {
  method: string
  /** Sent exactly as given, spaces and control characters included. */
  target: string
  /** Name and value pairs, sent in order, as given. */
  headers?: readonly (readonly [string, string])[]
  body?: string | Buffer
  /** The Content-Length header: the body's length by default, `null` for none. */
  contentLength?: number | null
  /** HTTP version of the request line (default 1.1). */
  version?: string
}

/** The bytes of an HTTP request, with `Host: host` first (unless `host` is null) and `Connection: close` last. */
export function rawRequest(host: string | null, request: RawRequest): Buffer {
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : (request.body ?? Buffer.alloc(0))
  const lines = [`${request.method} ${request.target} HTTP/${request.version ?? '1.1'}`]
  if (host !== null) lines.push(`Host: ${host}`)
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`)
  const length = request.contentLength === undefined ? (body.length > 0 ? body.length : null) : request.contentLength
  if (length !== null) lines.push(`Content-Length: ${length}`)
  if (!(request.headers ?? []).some(([name]) => name.toLowerCase() === 'connection')) lines.push('Connection: close')
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body])
}

/** Every status line in a raw exchange (pipelined requests get one each), and the first response's head and body. */
export function parseResponses(text: string): { statuses: number[]; head: string; body: string } {
  const statuses = [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((match) => Number(match[1]))
  const end = text.indexOf('\r\n\r\n')
  const head = end === -1 ? text : text.slice(0, end)
  const rest = end === -1 ? '' : text.slice(end + 4)
  const next = rest.search(/HTTP\/1\.[01] \d{3} /)
  return { statuses, head, body: next === -1 ? rest : rest.slice(0, next) }
}

/** Status line and JSON body of a raw response. */
export function parseRaw(text: string): { status: number; body: string; head: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), body, head }
}

/** Same-origin headers a browser running the app would send with a state-changing call. */
export function sameOrigin(origin: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-csrf': '1', origin, 'sec-fetch-site': 'same-origin', ...extra }
}
