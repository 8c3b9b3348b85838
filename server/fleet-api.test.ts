// The store-backed parts of the server, end to end over HTTP against the simulator, on every store engine: who
// acts, the audit trail of the proxy's mutations, sessions that end server-side, and two replicas on one database.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { keepStore } from './app'
import { loadConfig } from './config'
import { SESSION_CHECK_MS, SESSION_COOKIE } from './session'
import { getAudit, listAudit } from './store/audit'
import type { Store } from './store/open'
import { reportPostgresSkip, testEngines } from './store/test-engines'
import {
  type CallOptions,
  call,
  type RawResponse,
  sameOrigin,
  startApp,
  startUpstream,
  TEST_KEY,
  type TestApp,
  type TestUpstream,
} from './test-support'

const SECRET = 'y0wM1c9Pq7TgLxAe3Vn8KdRfZs2HbJ6uWo4iYpXlNtQvEk5G'
const json = { 'content-type': 'application/json' }

let upstream: TestUpstream
beforeAll(async () => {
  upstream = await startUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => upstream.simulator.clearFaults())

const owner = () => {
  const { store } = upstream.simulator
  const user = store.users.find((candidate) => candidate.id === store.currentUserId)
  if (user === undefined) throw new Error('the simulator has no current user')
  return user
}
const machineIn = (state: string) => {
  const machine = upstream.simulator.store.machines.find((candidate) => candidate.state === state)
  if (machine === undefined) throw new Error(`no ${state} machine in the simulated fleet`)
  return machine
}

function send(app: TestApp, path: string, options: CallOptions = {}): Promise<RawResponse> {
  return call(app.origin, path, options)
}
function change(app: TestApp, method: string, path: string, cookie?: string, body?: unknown): Promise<RawResponse> {
  return send(app, path, {
    method,
    headers: sameOrigin(app.origin, {
      ...(body === undefined ? {} : json),
      ...(cookie === undefined ? {} : { cookie }),
    }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}
async function signIn(app: TestApp, userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0'): Promise<string> {
  const response = await send(app, '/auth/session', {
    method: 'POST',
    headers: sameOrigin(app.origin, { ...json, 'user-agent': userAgent }),
    body: JSON.stringify({ apiKey: TEST_KEY }),
  })
  expect(response.status).toBe(204)
  const line = response.headers['set-cookie']?.find((candidate) => candidate.startsWith(`${SESSION_COOKIE}=`))
  return line?.split(';')[0] ?? ''
}

describe.each(testEngines)('with the store on $name', (engine) => {
  let store: Store
  let clock = Date.parse('2026-11-28T12:00:00Z')
  const now = () => clock
  const apps: TestApp[] = []
  const start = async (env: Record<string, string>) => {
    const app = await startApp({ PAPERSPACE_API_URL: upstream.url, UPSTREAM_CACHE_MS: '0', ...env }, { store, now })
    apps.push(app)
    return app
  }
  const keyed = () => start({ PAPERSPACE_API_KEY: TEST_KEY })
  const signin = () => start({ PAPERSPACE_AUTH: 'signin', SESSION_SECRET: SECRET, SIGN_IN_ATTEMPTS_PER_MINUTE: '0' })
  /** Two servers as two processes would run them: each with its own connections to one database. */
  const replicas = async (): Promise<[TestApp, TestApp, Store]> => {
    const [first, second] = await engine.openReplicas()
    const env = { PAPERSPACE_API_URL: upstream.url, UPSTREAM_CACHE_MS: '0' }
    const signinEnv = { ...env, PAPERSPACE_AUTH: 'signin', SESSION_SECRET: SECRET, SIGN_IN_ATTEMPTS_PER_MINUTE: '0' }
    const one = await startApp(signinEnv, { store: first, now })
    const two = await startApp(signinEnv, { store: second, now })
    apps.push(one, two)
    stores.push(second, first)
    return [one, two, first]
  }
  const stores: Store[] = []

  beforeAll(async () => {
    store = await engine.open()
  })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
    for (const opened of stores.splice(0)) await opened.close()
  })
  afterAll(async () => {
    await store?.close()
  })

  describe('server-key mode', () => {
    it("names the key's owner and team in /api/account", async () => {
      const app = await keyed()
      const account = await send(app, '/api/account')
      expect(account.status).toBe(200)
      const { firstName, lastName, email, id } = owner()
      expect(account.json()).toEqual({
        mode: 'live',
        via: 'server-key',
        user: { id, email, name: `${firstName} ${lastName}` },
        team: { id: upstream.simulator.store.teamId, name: expect.any(String) },
        sessionId: null,
      })
      expect((account.json().team as { name: string }).name).not.toBe(upstream.simulator.store.teamId)
    })

    it('records a stop: actor, machine, summary, outcome; a refused start with the upstream message', async () => {
      const app = await keyed()
      const ready = machineIn('ready')
      const stopped = await change(app, 'PATCH', `/api/v1/machines/${ready.id}/stop`)
      expect(stopped.status).toBe(200)
      const { items } = await listAudit(store.db, { machineId: ready.id, action: 'stop' }, { limit: 5 })
      expect(items[0]).toMatchObject({
        actor: { email: owner().email, via: 'server-key' },
        action: 'stop',
        machineId: ready.id,
        machineName: ready.name,
        summary: 'Stop the machine',
        outcome: 'ok',
        status: 200,
        at: new Date(clock).toISOString(),
      })

      const refused = await change(app, 'PATCH', `/api/v1/machines/${ready.id}/start`)
      expect(refused.status).toBe(409)
      const page = await send(app, `/api/audit?machineId=${ready.id}&outcome=failed`)
      expect(page.status).toBe(200)
      const [failed] = page.json().items as Record<string, unknown>[]
      expect(failed).toMatchObject({
        action: 'start',
        outcome: 'failed',
        status: 409,
        message: (refused.json() as { message: string }).message,
        machineName: ready.name,
      })
    })

    it('records a read of desktop credentials, and not plain reads', async () => {
      const app = await keyed()
      const machine = machineIn('ready')
      expect((await send(app, `/api/v1/machines/${machine.id}`)).status).toBe(200)
      expect((await send(app, `/api/v1/machines/${machine.id}/desktop`)).status).toBe(200)
      await expect
        .poll(async () => (await listAudit(store.db, { machineId: machine.id }, { limit: 10 })).items)
        .toEqual([expect.objectContaining({ action: 'desktop-read', outcome: 'ok', status: 200 })])
    })

    it('names the person behind a trusted SSO proxy', async () => {
      const app = await start({
        PAPERSPACE_API_KEY: TEST_KEY,
        TRUST_PROXY: 'true',
        TRUSTED_USER_HEADER: 'X-Forwarded-Email',
      })
      const sso = { 'x-forwarded-email': 'grace@example.com' }
      expect((await send(app, '/api/account', { headers: sso })).json()).toMatchObject({
        via: 'sso',
        user: { id: null, email: 'grace@example.com', name: null },
        team: { id: upstream.simulator.store.teamId },
      })
      const machine = machineIn('ready')
      const response = await send(app, `/api/v1/machines/${machine.id}/desktop`, { headers: sso })
      expect(response.status).toBe(200)
      await expect
        .poll(async () => (await listAudit(store.db, { machineId: machine.id, actor: 'grace@' }, { limit: 5 })).items)
        .toEqual([expect.objectContaining({ actor: expect.objectContaining({ via: 'sso' }) })])
    })

    it('writes the entry before the call goes upstream; an entry left pending becomes "outcome unknown"', async () => {
      const app = await keyed()
      const machine = machineIn('off')
      upstream.simulator.setFaults([{ kind: 'latency', ms: 300, operations: ['startMachine'] }])
      const answer = change(app, 'PATCH', `/api/v1/machines/${machine.id}/start`)
      await expect
        .poll(async () => (await listAudit(store.db, { machineId: machine.id, action: 'start' }, { limit: 1 })).items)
        .toEqual([expect.objectContaining({ outcome: 'pending', status: null })])
      const [pending] = (await listAudit(store.db, { machineId: machine.id, action: 'start' }, { limit: 1 })).items
      expect((await answer).status).toBe(200)
      expect(await getAudit(store.db, pending?.id ?? '')).toMatchObject({ outcome: 'ok', status: 200 })

      // A process that died mid-call: its entry is still pending at the next start.
      const config = loadConfig({ PAPERSPACE_API_KEY: TEST_KEY, PAPERSPACE_API_URL: upstream.url })
      const { beginAudit } = await import('./store/audit')
      const orphan = await beginAudit(store.db, {
        at: new Date(clock),
        actor: { id: null, email: 'x@example.com', name: null, via: 'server-key' },
        action: 'stop',
        machineId: machine.id ?? null,
        machineName: machine.name ?? null,
        summary: 'Stop the machine',
      })
      await keepStore(store, config, clock + 1_000)
      expect(await getAudit(store.db, orphan)).toMatchObject({ outcome: 'pending' })
      await keepStore(store, config, clock + config.upstreamTimeoutMs + 61_000)
      expect(await getAudit(store.db, orphan)).toMatchObject({ outcome: 'unknown' })
      expect((await send(app, `/api/audit?machineId=${machine.id}&outcome=unknown`)).json().items).toHaveLength(1)
    })

    it('refuses bad audit queries with the parameter named, and exports CSV', async () => {
      const app = await keyed()
      for (const [query, message] of [
        ['action=explode', /action must be one of/],
        ['outcome=maybe', /outcome must be one of/],
        ['from=yesterday', /from must be a date/],
        ['limit=0', /limit is a whole number/],
        ['after=bm9wZQ', /cursor/],
        ['colour=red', /Unknown query parameter "colour"/],
        ['from=2026-11-29&to=2026-11-28', /from must be before to/],
      ] as const) {
        const response = await send(app, `/api/audit?${query}`)
        expect(response.status, query).toBe(400)
        expect(response.json()).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(message) })
      }
      const machine = machineIn('off')
      await change(app, 'PUT', `/api/v1/machines/${machine.id}`, undefined, { name: '=cmd|calc' })
      const csv = await send(app, `/api/audit/export?machineId=${machine.id}&action=update`)
      expect(csv.status).toBe(200)
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/)
      const [header, row, ...rest] = csv.text.trimEnd().split('\r\n')
      expect(header).toBe(
        'time,actor,actor email,via,on behalf of,action,machine id,machine name,summary,outcome,status,message,event id',
      )
      expect(rest).toEqual([])
      expect(row).toContain(`,update,${machine.id},`)
      // A name that a spreadsheet would run as a formula is written as text.
      expect(row).toContain(`"Change name ""'=cmd|calc"""`.replace(`""'=`, `""=`))
    })

    it('sends nothing upstream when the audit cannot be written', async () => {
      const broken = await engine.open()
      const app = await startApp(
        { PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY },
        { store: broken, now },
      )
      apps.push(app)
      await broken.close()
      const before = upstream.seen.length
      const response = await change(app, 'PATCH', `/api/v1/machines/${machineIn('off').id}/start`)
      expect(response.status).toBe(503)
      expect(response.json()).toEqual({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/nothing was sent/) })
      expect(upstream.seen.length).toBe(before)
    })
  })

  describe('sign-in mode', () => {
    it('keeps sessions in the store: listed, one revoked, a replayed cookie refused, everywhere ended', async () => {
      const app = await signin()
      const first = await signIn(app)
      const second = await signIn(app, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Firefox/133.0')
      const account = (await send(app, '/api/account', { headers: { cookie: first } })).json()
      expect(account).toMatchObject({ mode: 'signin', via: 'signin', user: { email: owner().email } })
      const listed = await send(app, '/api/account/sessions', { headers: { cookie: first } })
      const items = listed.json().items as { id: string; current: boolean; userAgent: string }[]
      expect(items.filter((item) => item.current)).toEqual([expect.objectContaining({ id: account.sessionId })])
      const other = items.find((item) => item.userAgent.includes('Firefox'))
      expect(other).toBeDefined()

      // Revoke the other browser's session from this one: its cookie stops working at once on this server.
      expect((await change(app, 'DELETE', `/api/account/sessions/${other?.id}`, first)).status).toBe(204)
      expect((await send(app, '/api/v1/machines?limit=1', { headers: { cookie: second } })).status).toBe(401)
      expect((await change(app, 'DELETE', '/api/account/sessions/nope', first)).status).toBe(404)

      // Sign out, then replay the same cookie: refused.
      expect((await change(app, 'DELETE', '/auth/session', first)).status).toBe(204)
      const replayed = await send(app, '/api/v1/machines?limit=1', { headers: { cookie: first } })
      expect(replayed.status).toBe(401)
      expect(replayed.json()).toMatchObject({ code: 'SIGNED_OUT' })

      // Sign out everywhere ends every session of the person.
      const third = await signIn(app)
      const fourth = await signIn(app)
      expect((await change(app, 'DELETE', '/api/account/sessions', third)).status).toBe(204)
      for (const cookie of [third, fourth]) {
        expect((await send(app, '/api/account', { headers: { cookie } })).status).toBe(401)
      }
      const signIns = await listAudit(store.db, { action: 'sign-in', actor: owner().email }, { limit: 10 })
      expect(signIns.items.length).toBeGreaterThanOrEqual(4)
      expect(signIns.items.map((entry) => entry.summary)).toEqual(
        expect.arrayContaining(['Sign in from Chrome on Linux', 'Sign in from Firefox on macOS']),
      )
      const signOuts = await listAudit(store.db, { action: 'sign-out' }, { limit: 10 })
      expect(signOuts.items.length).toBeGreaterThanOrEqual(1)
    })

    it('two replicas on one database: a sign-out on one is honoured by the other within the check interval', async () => {
      const [one, two] = await replicas()
      const cookie = await signIn(one)
      expect((await send(two, '/api/v1/machines?limit=1', { headers: { cookie } })).status).toBe(200)
      expect((await change(one, 'DELETE', '/auth/session', cookie)).status).toBe(204)
      // Replica two checked this session a moment ago; past the check interval it asks the store again.
      clock += SESSION_CHECK_MS
      expect((await send(two, '/api/v1/machines?limit=1', { headers: { cookie } })).status).toBe(401)
    })

    it('two replicas on one database: each audit entry once, whichever replica wrote it', async () => {
      const [one, two, shared] = await replicas()
      const cookie = await signIn(one)
      const machine = machineIn('off')
      const before = (await listAudit(shared.db, { machineId: machine.id }, { limit: 200 })).items.length
      expect((await change(one, 'PUT', `/api/v1/machines/${machine.id}`, cookie, { name: 'from-one' })).status).toBe(
        200,
      )
      expect((await change(two, 'PUT', `/api/v1/machines/${machine.id}`, cookie, { name: 'from-two' })).status).toBe(
        200,
      )
      const { items } = await listAudit(shared.db, { machineId: machine.id }, { limit: 200 })
      expect(items.length - before).toBe(2)
      expect(items.slice(0, 2).map((entry) => entry.summary)).toEqual(
        expect.arrayContaining(['Change name "from-one"', 'Change name "from-two"']),
      )
      for (const app of [one, two]) {
        const page = (await send(app, `/api/audit?machineId=${machine.id}&limit=2`, { headers: { cookie } })).json()
        expect((page.items as { summary: string }[]).map((entry) => entry.summary).sort()).toEqual([
          'Change name "from-one"',
          'Change name "from-two"',
        ])
      }
    })

    it('counts sign-in attempts by the address the trusted proxy saw, not one the client made up', async () => {
      const app = await start({
        PAPERSPACE_AUTH: 'signin',
        SESSION_SECRET: SECRET,
        TRUST_PROXY: 'true',
        SIGN_IN_ATTEMPTS_PER_MINUTE: '3',
      })
      const statuses: number[] = []
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await send(app, '/auth/session', {
          method: 'POST',
          // The client invents a new first address each time; the proxy appends the one it saw.
          headers: sameOrigin(app.origin, { ...json, 'x-forwarded-for': `10.0.0.${attempt}, 203.0.113.7` }),
          body: JSON.stringify({ apiKey: 'wrong-key' }),
        })
        statuses.push(response.status)
      }
      expect(statuses).toEqual([401, 401, 401, 429])
    })
  })
})

reportPostgresSkip('the store-backed server')

describe('the guard API mounted in the server', () => {
  it('keeps tags behind the same rules as the rest of /api: CSRF on changes, JSON errors naming the field', async () => {
    const store = await testEngines[0]?.open()
    if (store === undefined) throw new Error('no store engine')
    const app = await startApp({ PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY }, { store })
    try {
      const machine = machineIn('off')
      const noCsrf = await send(app, `/api/machines/${machine.id}/tags`, {
        method: 'PUT',
        headers: json,
        body: JSON.stringify({ tags: ['gpu'] }),
      })
      expect(noCsrf.status).toBe(403)
      const bad = await change(app, 'PUT', `/api/machines/${machine.id}/tags`, undefined, { tags: ['Not OK!'] })
      expect(bad.status).toBe(400)
      expect(bad.json()).toEqual({ code: expect.any(String), message: expect.stringContaining('Not OK!') })
      const tagged = await change(app, 'PUT', `/api/machines/${machine.id}/tags`, undefined, {
        tags: ['gpu', 'team-a'],
      })
      expect(tagged.json()).toEqual({ machineId: machine.id, tags: ['gpu', 'team-a'] })
      const tags = (await send(app, '/api/tags')).json()
      expect(tags.items).toEqual(
        expect.arrayContaining([
          { tag: 'gpu', machineIds: [machine.id] },
          { tag: 'team-a', machineIds: [machine.id] },
        ]),
      )
    } finally {
      await app.close()
      await store.close()
    }
  })
})
