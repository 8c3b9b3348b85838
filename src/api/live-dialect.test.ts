// End to end through the app's one client: the simulator speaking the live service's dialect, every operation,
// and what reaches callers must pass the contract's own schemas (as published: extra properties allowed, and only
// the live service's known extras present).
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { responseValidator, successStatus } from '../../server/simulator/contract-schema'
import { createSimulator, FakeClock } from '../../server/simulator/simulator'
import { mswServer } from '../test/msw-server'
import { fetchAllAccessors } from './access'
import { client, unwrap } from './client'
import { fetchEventPage } from './events'
import { fetchAllMachines, fetchLastStart } from './machines'
import type { AccessorList } from './normalize'

const KEY = 'live-key'
const SECOND = 1_000

/** The live simulator behind MSW, forwarding method, body and content type exactly as the app sent them. */
function mountLive(options: { live429Rate?: number } = {}) {
  const clock = new FakeClock(Date.parse('2026-11-28T12:00:00Z'))
  const simulator = createSimulator({
    clock,
    seed: 5,
    machines: 150,
    apiKey: KEY,
    dialect: 'live',
    live429Rate: 0,
    ...options,
  })
  const sent: Array<{ method: string; contentType: string | null }> = []
  mswServer.use(
    http.get('*/api/meta', () => HttpResponse.json({ mode: 'demo' })),
    http.all('*/api/v1/*', async ({ request }) => {
      const url = new URL(request.url)
      const headers = new Headers({ Authorization: `Bearer ${KEY}` })
      const contentType = request.headers.get('content-type')
      sent.push({ method: request.method, contentType })
      if (contentType) headers.set('Content-Type', contentType)
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text()
      return simulator.fetch(
        new Request(`http://simulator.test${url.pathname.replace(/^\/api\/v1/, '/v1')}${url.search}`, {
          method: request.method,
          headers,
          ...(body === undefined ? {} : { body }),
        }),
      )
    }),
  )
  return { simulator, clock, sent }
}

/** Every property a normalised answer may hold: the contract's, then the live service's extras, kept as they came. */
const KNOWN: ReadonlySet<string> = new Set([
  // contract: pages, Machine, MachineEvent, Accessor, DesktopConfig, availability
  'items',
  'hasMore',
  'nextPage',
  'id',
  'name',
  'state',
  'machineType',
  'region',
  'os',
  'cpus',
  'ram',
  'gpu',
  'storageTotal',
  'publicIp',
  'privateIp',
  'autoShutdownEnabled',
  'autoSnapshotEnabled',
  'teamId',
  'userId',
  'dtCreated',
  'dtLastRun',
  'machineId',
  'type',
  'email',
  'access',
  'host',
  'port',
  'protocol',
  'token',
  'available',
  // live extras
  'agentType',
  'storageUsed',
  'accelerators',
  'publicIpType',
  'autoShutdownTimeout',
  'autoSnapshotFrequency',
  'usageRate',
  'storageRate',
  'dtModified',
  'reservation',
  'autoShutdownForce',
  'autoSnapshotSaveCount',
  'restorePointEnabled',
  'restorePointFrequency',
  'restorePointSnapshotId',
  'networkId',
  'updatesPending',
  'dtDeleted',
  'dtStarted',
  'dtFinished',
  'error',
  'user',
  'vnc',
  'windows',
])

/** Properties of an answer (and of the items of a page or list) that are not in KNOWN. */
function unknownProperties(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(unknownProperties)
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  const nested = Array.isArray(record.items) ? unknownProperties(record.items) : []
  return [...Object.keys(record).filter((key) => !KNOWN.has(key)), ...nested]
}

describe('the client against the live dialect', () => {
  it('hands every operation’s answer over in the contract’s shape', async () => {
    const { simulator, clock, sent } = mountLive()
    const checked: string[] = []
    async function check<T>(operationId: string, promise: Promise<{ data?: T; error?: unknown; response: Response }>) {
      const data = await unwrap(promise)
      const validate = responseValidator(operationId, successStatus(operationId), 'published')
      if (validate) {
        // Accessor lists come as pages in either dialect (the contract's bare list is one last page).
        const checked = operationId === 'listMachineAccessors' ? (data as { items: unknown }).items : data
        expect(validate(checked), `${operationId}: ${JSON.stringify(validate.errors)}`).toBe(true)
        expect(unknownProperties(data), operationId).toEqual([])
      } else {
        expect(data, operationId).toBeUndefined()
      }
      checked.push(operationId)
      return data as T
    }

    const list = await check('listMachines', client.GET('/machines', { params: { query: { limit: 120 } } }))
    expect(list.items).toHaveLength(120)
    expect(list.nextPage).toEqual(expect.any(String))
    const rest = await check(
      'listMachines',
      client.GET('/machines', { params: { query: { limit: 120, after: list.nextPage! } } }),
    )
    expect(rest.hasMore).toBe(false)
    expect(rest).not.toHaveProperty('nextPage')
    const all = [...(list.items ?? []), ...(rest.items ?? [])]
    // The live answers really differed: numeric strings and long region names came in, numbers and ids went out.
    const raw = (await (await simulator.fetch(rawRequest('/machines?limit=120'))).json()) as {
      items: Array<{ ram: unknown; region: string }>
    }
    expect(raw.items.some((m) => typeof m.ram === 'string')).toBe(true)
    expect(raw.items.some((m) => m.region.includes('('))).toBe(true)
    expect(all.every((m) => typeof m.ram === 'number' && typeof m.storageTotal === 'number')).toBe(true)
    expect(new Set(all.map((m) => m.region))).toEqual(new Set(['ny2', 'ca1', 'ams1']))

    for (const machine of all.slice(0, 30)) {
      await check('getMachine', client.GET('/machines/{id}', { params: { path: { id: machine.id! } } }))
    }
    const created = await check(
      'createMachine',
      client.POST('/machines', {
        body: { name: 'live-e2e', machineType: 'C5', region: 'ams1', templateId: 't0nspur5' },
      }),
    )
    const id = created.id!
    expect(created).toMatchObject({ state: 'provisioning', region: 'ams1', ram: 8 * 1024 ** 3 })
    clock.advance(150 * SECOND)
    const path = { params: { path: { id } } }
    const desktop = await check('getMachineDesktop', client.GET('/machines/{id}/desktop', path))
    expect(desktop).toMatchObject({ host: expect.any(String), port: expect.any(Number), protocol: 'vnc' })
    expect(desktop.token).toEqual(expect.any(String))
    expect((await check('restartMachine', client.PATCH('/machines/{id}/restart', path))).state).toBe('restarting')
    clock.advance(40 * SECOND)
    expect((await check('stopMachine', client.PATCH('/machines/{id}/stop', path))).state).toBe('stopping')
    clock.advance(20 * SECOND)
    expect((await check('startMachine', client.PATCH('/machines/{id}/start', path))).state).toBe('starting')
    clock.advance(30 * SECOND)
    const updated = await check(
      'updateMachine',
      client.PUT('/machines/{id}', { ...path, body: { name: 'live-e2e-2' } }),
    )
    expect(updated.name).toBe('live-e2e-2')

    const guest = simulator.store.users.at(-1)!
    const granted = await check(
      'grantMachineAccess',
      client.POST('/machines/{id}/accessors', { ...path, body: { userId: guest.id } }),
    )
    expect(granted).toMatchObject({ userId: guest.id, email: guest.email, machineId: id, access: 'user' })
    const accessors = (await check(
      'listMachineAccessors',
      client.GET('/machines/{id}/accessors', path),
    )) as unknown as AccessorList
    expect(accessors.items.map((a) => a.userId)).toEqual([simulator.store.currentUserId, guest.id])
    const userPath = { params: { path: { id, userId: guest.id } } }
    expect((await check('getMachineAccessor', client.GET('/machines/{id}/accessors/{userId}', userPath))).email).toBe(
      guest.email,
    )
    await check('revokeMachineAccess', client.DELETE('/machines/{id}/accessors/{userId}', userPath))

    const events = await check('listMachineEvents', client.GET('/machine-events', { params: { query: { limit: 50 } } }))
    expect(events.items?.[0]).toMatchObject({ machineId: id, type: 'revoke-access', state: 'done' })
    expect(events.items?.every((e) => typeof e.type === 'string' && typeof e.dtCreated === 'string')).toBe(true)
    const event = await check(
      'getMachineEvent',
      client.GET('/machine-events/{id}', { params: { path: { id: events.items![0]!.id! } } }),
    )
    expect(event.type).toBe('revoke-access')
    const availability = await check(
      'getMachineAvailability',
      client.GET('/machine-availability', { params: { query: { machineType: 'C5', region: 'ams1' } } }),
    )
    expect(availability).toEqual({ available: true })

    clock.advance(30 * SECOND)
    await check('stopMachine', client.PATCH('/machines/{id}/stop', path))
    clock.advance(20 * SECOND)
    await check('deleteMachine', client.DELETE('/machines/{id}', path))
    expect(simulator.store.machine(id)).toBeUndefined()

    expect(new Set(checked).size).toBe(16)
    // Start, stop and restart went out without a JSON content type: the live service would refuse one.
    expect(sent.filter((r) => r.method === 'PATCH').every((r) => r.contentType === null)).toBe(true)
  })

  it('feeds the app’s own readers: the whole fleet and the event pages', async () => {
    const { simulator } = mountLive()
    const fleet = await fetchAllMachines()
    expect(fleet).toHaveLength(simulator.store.machines.length)
    expect(fleet.every((m) => typeof m.ram === 'number' && ['ny2', 'ca1', 'ams1'].includes(m.region ?? ''))).toBe(true)
    expect(fleet.some((m) => m.state === 'failed')).toBe(false)
    const machineId = fleet[0]!.id!
    const page = await fetchEventPage({ machineId, limit: 5 })
    expect(page.items?.every((e) => e.machineId === machineId && typeof e.type === 'string')).toBe(true)
    expect(page).not.toHaveProperty('nextPage', null)
  })

  it('reads every page of a long accessor list, the GPUs from accelerators and the last start from events', async () => {
    const { simulator, clock } = mountLive()
    const fleet = await fetchAllMachines()
    const oldest = [...fleet].sort((a, b) => Date.parse(a.dtCreated ?? '') - Date.parse(b.dtCreated ?? ''))[0]!
    const everyone = await fetchAllAccessors(oldest.id!)
    expect(everyone.length).toBeGreaterThan(20)
    expect(everyone.map((a) => a.userId).sort()).toEqual(
      simulator.store
        .accessors(oldest.id!)
        .map((a) => a.userId)
        .sort(),
    )

    const gpu = fleet.find((m) => m.machineType === 'A100-80G')!
    expect(gpu).toMatchObject({ gpu: 'NVIDIA A100 80GB' })
    expect(gpu.accelerators).toEqual([{ name: 'NVIDIA A100 80GB', count: 1, memory: 80 * 1024 ** 3 }])
    expect(fleet.every((m) => m.dtLastRun === undefined && m.userId === undefined)).toBe(true)

    const off = fleet.find((m) => m.state === 'off')!
    const before = await fetchLastStart(off.id!)
    await unwrap(client.PATCH('/machines/{id}/start', { params: { path: { id: off.id! } } }))
    // A start still in progress is not a run yet.
    expect(await fetchLastStart(off.id!)).toBe(before)
    clock.advance(30 * SECOND)
    expect(await fetchLastStart(off.id!)).toBe(new Date(clock.now()).toISOString())
  })

  it('survives the live service’s occasional 429 on reads', async () => {
    const { simulator } = mountLive({ live429Rate: 0.02 })
    const before = simulator.requestCount
    // 150 machines at 20 a page: eight pages, some of them answered 429 first and tried again.
    for (let i = 0; i < 6; i++) {
      const fleet = await fetchAllMachinesInSmallPages()
      expect(fleet).toHaveLength(150)
    }
    expect(simulator.requestCount - before).toBeGreaterThan(6 * 8)
  }, 15_000)
})

async function fetchAllMachinesInSmallPages() {
  const machines: unknown[] = []
  let after: string | undefined
  for (;;) {
    const page = await unwrap(
      client.GET('/machines', { params: { query: { limit: 20, ...(after ? { after } : {}) } } }),
    )
    machines.push(...(page.items ?? []))
    if (!page.nextPage) return machines
    after = page.nextPage
  }
}

function rawRequest(path: string): Request {
  return new Request(`http://simulator.test/v1${path}`, { headers: { Authorization: `Bearer ${KEY}` } })
}
