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
  seen: SeenRequest[]
  close(): Promise<void>
}

/** The simulator as a standalone service requiring `TEST_KEY`, with every request it receives recorded. */
export async function startUpstream(options: SimulatorOptions = {}): Promise<TestUpstream> {
  const simulator = createSimulator({ apiKey: TEST_KEY, ...options })
  const seen: SeenRequest[] = []
  const server = await serveFetch(async (request) => {
    const body = await request.clone().text()
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname + new URL(request.url).search,
      headers: Object.fromEntries(request.headers),
      body,
    })
    return simulator.fetch(request)
  })
  return { simulator, url: `${server.url}/v1`, seen, close: server.close }
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

/** Writes a raw HTTP/1.1 request on a socket and returns everything the server sends back. */
export function rawCall(origin: string, head: string): Promise<string> {
  const { port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head))
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
    socket.setTimeout(2_000, () => socket.destroy())
  })
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
