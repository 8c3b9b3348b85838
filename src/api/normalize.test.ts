// Every difference listed in openapi/REAL-API-NOTES.md, checked on recorded answers shaped like the live service
// (fixtures/live) next to answers of the contract (fixtures/contract), which must come through unchanged.
import { describe, expect, it } from 'vitest'
import { ApiError, unwrap } from './client'
import contractAccessors from './fixtures/contract/accessors.json'
import contractAvailability from './fixtures/contract/availability.json'
import contractDesktop from './fixtures/contract/desktop.json'
import contractEventList from './fixtures/contract/event-list.json'
import contractMachineList from './fixtures/contract/machine-list.json'
import contractLastPage from './fixtures/contract/machine-list-last-page.json'
import contractStart from './fixtures/contract/machine-start.json'
import liveAccessor from './fixtures/live/accessor.json'
import liveAccessors from './fixtures/live/accessors.json'
import liveAccessorsPage from './fixtures/live/accessors-page.json'
import liveAvailability from './fixtures/live/availability.json'
import liveVnc from './fixtures/live/desktop-vnc.json'
import liveWindows from './fixtures/live/desktop-windows.json'
import liveConflict from './fixtures/live/error-conflict.json'
import liveValidation from './fixtures/live/error-validation.json'
import liveEvent from './fixtures/live/event.json'
import liveEventList from './fixtures/live/event-list.json'
import liveEventLastPage from './fixtures/live/event-list-last-page.json'
import liveMachine from './fixtures/live/machine.json'
import liveCreate from './fixtures/live/machine-create.json'
import liveDelete from './fixtures/live/machine-delete.json'
import liveMachineList from './fixtures/live/machine-list.json'
import liveFirstPage from './fixtures/live/machine-list-first-page.json'
import liveStart from './fixtures/live/machine-start.json'
import {
  type CallContext,
  normalizeAccessor,
  normalizeAccessorList,
  normalizeAvailability,
  normalizeBody,
  normalizeDesktop,
  normalizeEvent,
  normalizeEventList,
  normalizeMachine,
  normalizeMachineList,
  normalizeResponse,
} from './normalize'

const GIB = 1024 ** 3
const call = (method: string, schemaPath: string, path: Record<string, string> = {}): CallContext => ({
  method,
  schemaPath,
  params: { path },
})

describe('machines', () => {
  it('turns numeric strings into numbers and long region names into short ids', () => {
    const machine = normalizeMachine(liveMachine)
    expect(machine).toMatchObject({ ram: 90 * GIB, storageTotal: 100 * GIB, cpus: 12, region: 'ny2' })
    const [east, europe, unknown, hibernating] = normalizeMachineList(liveMachineList).items ?? []
    expect(east?.region).toBe('ny2')
    expect(europe?.region).toBe('ams1')
    expect(hibernating?.region).toBe('ca1')
    expect(hibernating?.ram).toBe(30 * GIB)
    // Unknown regions, machine types and states are shown as they come.
    expect(unknown).toMatchObject({ region: 'Asia Pacific (SGP1)', machineType: 'L40S', state: 'serviceready' })
    expect(hibernating?.state).toBe('hibernating')
    expect(normalizeMachine(liveFirstPage.items[0]).cpus).toBe(12)
  })

  it('spells machine types as the catalog does', () => {
    expect(normalizeMachineList(liveMachineList).items?.[1]?.machineType).toBe('C8')
    expect(normalizeMachine({ machineType: 'a100-80g' }).machineType).toBe('A100-80G')
  })

  it('leaves out what the live service sends as null, where the contract has no null', () => {
    const [, cpu] = normalizeMachineList(liveMachineList).items ?? []
    expect(cpu).not.toHaveProperty('gpu')
    expect(cpu).not.toHaveProperty('accelerators')
    expect(cpu).not.toHaveProperty('reservation')
    expect(cpu).not.toHaveProperty('dtDeleted')
    expect(cpu?.publicIp).toBeNull()
  })

  it('takes the GPU from the accelerators, and makes up no last run and no owner', () => {
    const machine = normalizeMachine(liveMachine)
    expect(machine.gpu).toBe('NVIDIA A100 80GB')
    expect(machine.accelerators).toEqual([{ name: 'NVIDIA A100 80GB', count: 1, memory: 80 * GIB }])
    for (const absent of ['dtLastRun', 'userId', 'teamId']) expect(machine).not.toHaveProperty(absent)
    const eight = normalizeMachine({ accelerators: [{ name: 'NVIDIA H100', count: '8', memory: null }] })
    expect(eight).toEqual({ gpu: 'NVIDIA H100', accelerators: [{ name: 'NVIDIA H100', count: 8 }] })
    // A gpu the service does send is kept.
    expect(normalizeMachine({ gpu: 'A100', accelerators: [{ name: 'x', count: 1 }] }).gpu).toBe('A100')
    expect(normalizeMachine({ accelerators: [{ count: 2 }, 'junk'] })).toEqual({ accelerators: [] })
  })

  it('reads the live extras as numbers and switches', () => {
    const machine = normalizeMachine({
      storageUsed: '1073741824',
      usageRate: '3.09',
      storageRate: 0.0096,
      autoSnapshotSaveCount: 3,
      updatesPending: true,
      restorePointEnabled: true,
      restorePointFrequency: 'shutdown',
      restorePointSnapshotId: 'ss1234',
      reservation: { id: 'rsv1', name: 'A100 reservation', isActive: true, dtStarted: '2026-01-01T00:00:00Z' },
      networkId: null,
    })
    expect(machine).toEqual({
      storageUsed: GIB,
      usageRate: 3.09,
      storageRate: 0.0096,
      autoSnapshotSaveCount: 3,
      updatesPending: true,
      restorePointEnabled: true,
      restorePointFrequency: 'shutdown',
      restorePointSnapshotId: 'ss1234',
      reservation: { id: 'rsv1', name: 'A100 reservation', isActive: true, dtStarted: '2026-01-01T00:00:00Z' },
    })
  })

  it('keeps the live extra fields harmlessly', () => {
    const machine = normalizeMachine(liveMachine) as Record<string, unknown>
    for (const extra of [
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
      'updatesPending',
      'restorePointEnabled',
      'restorePointFrequency',
      'restorePointSnapshotId',
      'autoSnapshotSaveCount',
    ]) {
      expect(machine, extra).toHaveProperty(extra)
    }
    expect(machine.accelerators).toEqual([{ name: 'NVIDIA A100 80GB', memory: 80 * GIB, count: 1 }])
  })

  it('derives the contract’s switches when only the live settings are given', () => {
    expect(normalizeMachine({ autoShutdownTimeout: 8, autoSnapshotFrequency: 'hourly' })).toMatchObject({
      autoShutdownEnabled: true,
      autoSnapshotEnabled: true,
    })
    expect(normalizeMachine({ autoShutdownTimeout: 0, autoSnapshotFrequency: 'off' })).toMatchObject({
      autoShutdownEnabled: false,
      autoSnapshotEnabled: false,
    })
  })

  it('unwraps { event, data } of create, update, delete, start, stop and restart', () => {
    for (const schemaPath of ['/machines/{id}/start', '/machines/{id}/stop', '/machines/{id}/restart']) {
      const machine = normalizeBody(call('PATCH', schemaPath, { id: 'psjeeoiatqn8' }), liveStart)
      expect(machine).toMatchObject({ id: 'psjeeoiatqn8', state: 'starting', ram: 90 * GIB, region: 'ny2' })
      expect(machine).not.toHaveProperty('event')
    }
    expect(normalizeBody(call('POST', '/machines'), liveCreate)).toMatchObject({
      id: 'psr4nd0mz9x1',
      state: 'provisioning',
      region: 'ams1',
      ram: 45 * GIB,
      privateIp: null,
    })
    expect(normalizeBody(call('PUT', '/machines/{id}', { id: 'psjeeoiatqn8' }), liveStart)).toMatchObject({
      id: 'psjeeoiatqn8',
    })
    expect(normalizeBody(call('DELETE', '/machines/{id}', { id: 'psi60q5p3qm1' }), liveDelete)).toBeUndefined()
  })

  it('ends the last page without a cursor instead of nextPage: null', () => {
    const last = normalizeMachineList(liveMachineList)
    expect(last.hasMore).toBe(false)
    expect(last).not.toHaveProperty('nextPage')
    expect(normalizeMachineList(liveFirstPage)).toMatchObject({ hasMore: true, nextPage: liveFirstPage.nextPage })
    expect(normalizeMachineList({ items: [], nextPage: 'abc' })).toEqual({ items: [], hasMore: true, nextPage: 'abc' })
  })
})

describe('events', () => {
  it('takes the type from name and keeps the live states, times and error', () => {
    const page = normalizeEventList(liveEventList)
    expect(page.items?.map((e) => [e.type, e.state])).toEqual([
      ['start', 'new'],
      ['stop', 'in progress'],
      ['snapshot-create', 'done'],
      ['vm-upgrade', 'cancelled'],
      ['start', 'error'],
      ['deactivate', 'done'],
    ])
    expect(page).toMatchObject({ hasMore: true, nextPage: 'eyJzIjoyNn0' })
    expect(normalizeEvent(liveEvent)).toEqual({
      id: 'ev0mh3iiry1k',
      machineId: 'ps2ly1gi8w4z',
      type: 'start',
      name: 'start',
      state: 'error',
      dtCreated: '2026-11-25T04:37:33.565Z',
      dtStarted: '2026-11-25T04:37:33.565Z',
      dtFinished: '2026-11-25T04:42:33.565Z',
      error: 'The machine failed to start.',
    })
    const last = normalizeEventList(liveEventLastPage)
    expect(last.hasMore).toBe(false)
    expect(last).not.toHaveProperty('nextPage')
  })

  it('falls back to dtStarted when an event has no dtCreated', () => {
    expect(normalizeEvent({ id: 'e', name: 'stop', dtStarted: '2026-11-28T12:00:00Z' }).dtCreated).toBe(
      '2026-11-28T12:00:00Z',
    )
  })
})

describe('accessors', () => {
  it('turns { user } items into accessors of the machine, bare or in a page', () => {
    const context = { machineId: 'psi60q5p3qm1' }
    const expected = {
      userId: 'uy2vucnt4',
      email: 'edsger.dijkstra@example.com',
      machineId: 'psi60q5p3qm1',
      access: 'user',
    }
    const first = normalizeAccessorList(liveAccessors, context)
    expect(first.items[0]).toMatchObject(expected)
    expect(first.items).toHaveLength(2)
    expect(first).toMatchObject({ hasMore: true, nextPage: liveAccessors.nextPage })
    expect(normalizeAccessorList(liveAccessorsPage, context)).toEqual({
      items: [expect.objectContaining(expected)],
      hasMore: false,
    })
    // A bare list (the contract's) is one last page.
    expect(normalizeAccessorList(liveAccessors.items, context)).toMatchObject({ hasMore: false })
    expect(normalizeAccessorList(liveAccessors.items, context)).not.toHaveProperty('nextPage')
    expect(
      normalizeBody(call('GET', '/machines/{id}/accessors/{userId}', { id: 'psx', userId: 'urfjthdzr' }), liveAccessor),
    ).toMatchObject({ userId: 'urfjthdzr', email: 'grace.hopper@example.com', machineId: 'psx', access: 'user' })
    expect(normalizeBody(call('POST', '/machines/{id}/accessors', { id: 'psx' }), liveAccessor)).toMatchObject({
      userId: 'urfjthdzr',
      machineId: 'psx',
    })
    expect(normalizeBody(call('DELETE', '/machines/{id}/accessors/{userId}', { id: 'a', userId: 'b' }), {})).toBe(
      undefined,
    )
  })

  it('leaves out accessors whose access was revoked', () => {
    const page = { items: [{ user: { id: 'u1' } }, { dtDeleted: '2026-11-01T00:00:00Z', user: { id: 'u2' } }] }
    expect(normalizeAccessorList(page).items.map((accessor) => accessor.userId)).toEqual(['u1'])
  })

  it('keeps an access level the service does send', () => {
    expect(normalizeAccessor({ user: { id: 'u1' }, access: 'admin' }).access).toBe('admin')
    expect(normalizeAccessor({ user: { id: 'u1' }, role: 'Admin' }).access).toBe('admin')
  })
})

describe('desktop', () => {
  it('turns { vnc } and { windows } into host, port, protocol and token', () => {
    expect(normalizeDesktop(liveVnc)).toMatchObject({
      host: 'ams1-psi60q5p3qm1.desktop.paperspace.com',
      port: 5900,
      protocol: 'vnc',
      token: 'a6e71cbe73decd929b702c8c13d8ad27',
    })
    const windows = normalizeDesktop(liveWindows)
    expect(windows).toMatchObject({ host: 'ca1-ps0hibern8t1.desktop.paperspace.com', port: 3389, protocol: 'rdp' })
    expect(windows).not.toHaveProperty('token')
  })
})

describe('availability', () => {
  it('takes long region names and other spellings of a type', () => {
    expect(normalizeAvailability(liveAvailability)).toEqual({ available: false })
    expect(normalizeAvailability({ available: 'true', machineType: 'a100', region: 'East Coast (NY2)' })).toEqual({
      available: true,
      machineType: 'A100',
      region: 'ny2',
    })
  })
})

describe('errors', () => {
  it('read { code, message } and ignore details', async () => {
    for (const [status, body] of [
      [409, liveConflict],
      [400, liveValidation],
    ] as const) {
      const response = new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      })
      const error = await unwrap(Promise.resolve({ error: body, response })).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({ status, code: body.code, message: body.message })
    }
  })
})

describe('contract answers', () => {
  it('come through unchanged', () => {
    expect(normalizeMachineList(contractMachineList)).toEqual(contractMachineList)
    expect(normalizeMachineList(contractLastPage)).toEqual(contractLastPage)
    expect(normalizeMachine(contractStart)).toEqual(contractStart)
    expect(normalizeEventList(contractEventList)).toEqual(contractEventList)
    const machineId = contractAccessors[0]?.machineId ?? ''
    expect(normalizeAccessorList(contractAccessors, { machineId })).toEqual({
      items: contractAccessors,
      hasMore: false,
    })
    expect(normalizeDesktop(contractDesktop)).toEqual(contractDesktop)
    expect(normalizeAvailability(contractAvailability)).toEqual(contractAvailability)
  })
})

describe('odd input', () => {
  it('never throws and yields empty shapes', () => {
    for (const body of [null, undefined, 'text', 42, [], {}, { items: 'x' }, { items: [null, 1, 'a'] }]) {
      expect(() => normalizeMachineList(body)).not.toThrow()
      expect(normalizeMachineList(body).items).toEqual([])
      expect(normalizeEventList(body).items).toEqual([])
      expect(normalizeAccessorList(body).items).toEqual([])
      expect(normalizeMachine(body)).toEqual(Array.isArray(body) || typeof body !== 'object' || !body ? {} : body)
      expect(() => normalizeDesktop(body)).not.toThrow()
      expect(() => normalizeEvent(body)).not.toThrow()
    }
    expect(normalizeMachine({ ram: '16 GB', cpus: 'many' })).toEqual({})
  })

  it('leaves paths the contract does not know alone', () => {
    const body = { anything: true }
    expect(normalizeBody(call('GET', '/elsewhere'), body)).toBe(body)
  })
})

describe('normalizeResponse', () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } })

  it('rewrites a live JSON answer into the contract’s shape', async () => {
    const response = await normalizeResponse({ ...call('PATCH', '/machines/{id}/stop'), response: json(liveStart) })
    expect(response?.status).toBe(200)
    expect(response?.headers.get('content-length')).toBeNull()
    expect(await response?.json()).toMatchObject({ id: 'psjeeoiatqn8', ram: 90 * GIB })
  })

  it('answers a deleted machine with no body, as the contract does', async () => {
    const response = await normalizeResponse({ ...call('DELETE', '/machines/{id}'), response: json(liveDelete) })
    expect(response?.status).toBe(204)
    expect(await response?.text()).toBe('')
  })

  it('leaves errors, empty answers and non-JSON bodies for unwrap() to judge', async () => {
    const get = call('GET', '/machines')
    expect(await normalizeResponse({ ...get, response: json(liveConflict, 409) })).toBeUndefined()
    expect(await normalizeResponse({ ...get, response: new Response(null, { status: 204 }) })).toBeUndefined()
    const html = new Response('<html>oops</html>', { status: 200, headers: { 'content-type': 'text/html' } })
    expect(await normalizeResponse({ ...get, response: html })).toBeUndefined()
    const broken = new Response('{"items":', { status: 200, headers: { 'content-type': 'application/json' } })
    expect(await normalizeResponse({ ...get, response: broken })).toBeUndefined()
  })
})
