/**
 * The processes a proxy benchmark talks to, each run on its own (`node --import tsx bench/support/endpoints.ts
 * <kind> …`) so that none shares an event loop with another or with the load generator. Each listens on a free
 * loopback port and prints `{"port": N}` as its first line of output.
 *
 *   upstream [delayMs] [machines]   a fixed JSON answer to every request (the same bytes every time)
 *   plain <upstreamUrl> <key>       @fastify/http-proxy: /api/v1/* → <upstreamUrl>/v1/*, adding the key
 *
 * This project's server is not one of them: benchmarks start it as users do (`startServer` in server.ts).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import httpProxy from '@fastify/http-proxy'
import Fastify from 'fastify'

/** About 5 kB: a page of machines in the contract's shape. */
function fixedListBody(count = 12): string {
  const items = Array.from({ length: count }, (_, index) => ({
    id: `psbench${String(index).padStart(5, '0')}`,
    name: `bench-machine-${index}`,
    state: index % 3 === 0 ? 'off' : 'ready',
    machineType: 'A100-80G',
    region: 'ny2',
    os: 'Ubuntu 22.04',
    cpus: 12,
    ram: '96636764160',
    gpu: 'NVIDIA A100 80GB',
    storageTotal: '107374182400',
    storageUsed: '21474836480',
    publicIp: `203.0.113.${index + 10}`,
    privateIp: `10.0.0.${index + 10}`,
    autoShutdownEnabled: true,
    dtCreated: '2026-11-01T10:00:00.000Z',
    dtLastRun: '2026-11-28T09:00:00.000Z',
    teamId: 'tebench01',
    userId: 'ubench01',
  }))
  return JSON.stringify({ items, hasMore: false, nextPage: null })
}

function announce(port: number): void {
  process.stdout.write(`${JSON.stringify({ port })}\n`)
}

async function upstream(delayMs: number): Promise<void> {
  const body = Buffer.from(fixedListBody())
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) }
  const server = createServer((request, response) => {
    request.resume()
    const answer = () => {
      response.writeHead(200, headers)
      response.end(body)
    }
    if (delayMs > 0) setTimeout(answer, delayMs)
    else answer()
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  announce((server.address() as AddressInfo).port)
}

async function plain(upstreamUrl: string, key: string): Promise<void> {
  const app = Fastify({ logger: false })
  await app.register(httpProxy, {
    upstream: upstreamUrl,
    prefix: '/api/v1',
    rewritePrefix: '/v1',
    replyOptions: {
      rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization: `Bearer ${key}` }),
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  announce((app.server.address() as AddressInfo).port)
}

const [kind, first = '', second = ''] = process.argv.slice(2)
const started =
  kind === 'upstream'
    ? upstream(Number(first || 0))
    : kind === 'plain'
      ? plain(first, second)
      : Promise.reject(new Error(`unknown endpoint kind: ${kind}`))
started.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
