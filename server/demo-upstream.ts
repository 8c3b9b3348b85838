import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Secret } from './config'
import { createSimulator, type SimulatorOptions } from './simulator/simulator'

/** An HTTP server on a loopback port, seen by the proxy exactly like Paperspace: a base URL and a key. */
export interface LocalUpstream {
  url: string
  apiKey: Secret
  close(): Promise<void>
}

/** Serves a fetch handler on 127.0.0.1 with an ephemeral port; `url` is its origin. */
export async function serveFetch(
  fetch: (request: Request) => Promise<Response> | Response,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(created as Server)) as Server
    created.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Kept-alive proxy connections would otherwise hold the close open.
        server.closeAllConnections()
      }),
  }
}

/**
 * Demo mode: the simulator, in this process, behind its own loopback HTTP server and a random key made up for
 * this run, so the proxy path is the same one used against the real API.
 */
export async function startDemoUpstream(options: SimulatorOptions): Promise<LocalUpstream> {
  const key = randomBytes(24).toString('base64url')
  const simulator = createSimulator({ ...options, apiKey: key, basePath: '/v1' })
  const server = await serveFetch((request) => simulator.fetch(request))
  return { url: `${server.url}/v1`, apiKey: new Secret(key), close: server.close }
}
