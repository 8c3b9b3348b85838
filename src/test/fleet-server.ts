/**
 * Mounts the server's own store-backed API (`/api/account*`, `/api/audit*`: openapi/fleet-api.yml) behind MSW for
 * component tests: the real route handlers and queries over an in-memory SQLite store, acting as the owner of the
 * simulator's key (demo mode). Audit entries are seeded through the store's own functions.
 */
import Fastify from 'fastify'
import { HttpResponse, http } from 'msw'
import { afterEach } from 'vitest'
import { registerFleetApi } from '../../server/fleet-api'
import { parseKeyOwner } from '../../server/identity'
import type { FakeClock, Simulator } from '../../server/simulator/simulator'
import { type AuditResult, type AuditStart, recordAudit } from '../../server/store/audit'
import { openStore } from '../../server/store/open'
import { mswServer } from './msw-server'

const mounted: MountedFleetServer[] = []
afterEach(async () => {
  await Promise.all(mounted.splice(0).map((server) => server.close()))
})

/** A signed-in admin, for seeded audit entries. */
export const ADA = { id: 'u-ada', email: 'ada@example.com', name: 'Ada Lovelace', via: 'signin' } as const

/** An audit entry `secondsAgo` before the clock's time, by Ada unless told otherwise. */
export function entryAt(clock: FakeClock, secondsAgo: number, patch: Partial<AuditStart> = {}): AuditStart {
  return {
    at: new Date(clock.now() - secondsAgo * 1000),
    actor: { ...ADA },
    action: 'start',
    machineId: null,
    machineName: null,
    summary: 'Start the machine',
    ...patch,
  }
}

export interface MountedFleetServer {
  /** Writes an audit entry as the server would have (time, actor, outcome...). */
  seedAudit(start: AuditStart, result?: Partial<AuditResult>): Promise<string>
  /** Requests the app made to the server's own API, as "METHOD /path?query". */
  requests: string[]
  close(): Promise<void>
}

export async function mountFleetServer(simulator: Simulator, clock: FakeClock): Promise<MountedFleetServer> {
  const store = await openStore({ engine: 'sqlite', memory: true })
  const app = Fastify()
  const keyOwner = async () => {
    const answer = await simulator.fetch(
      new Request('http://simulator.test/v1/auth/session', { headers: { Authorization: 'Bearer test-key' } }),
    )
    return answer.ok ? parseKeyOwner(await answer.json()) : null
  }
  await registerFleetApi(app, {
    mode: 'demo',
    store,
    now: () => clock.now(),
    credentialFor: () => 'test-key',
    keyOwner,
  })
  await app.ready()
  const requests: string[] = []
  const forward = async ({ request }: { request: Request }) => {
    const url = new URL(request.url)
    requests.push(`${request.method} ${url.pathname}${url.search}`)
    const answer = await app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers.set(name, String(value))
    }
    return new HttpResponse(answer.statusCode === 204 ? null : answer.body, { status: answer.statusCode, headers })
  }
  mswServer.use(
    http.all('*/api/account', forward),
    http.all('*/api/account/*', forward),
    http.all('*/api/audit*', forward),
  )
  const server: MountedFleetServer = {
    requests,
    seedAudit: (start, result = {}) =>
      recordAudit(store.db, start, { at: start.at, outcome: 'ok', status: 200, message: null, ...result }),
    async close() {
      await app.close()
      await store.close()
    },
  }
  mounted.push(server)
  return server
}
