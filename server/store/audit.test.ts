import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Actor,
  beginAudit,
  completeAudit,
  getAudit,
  lastKnownMachineName,
  listAudit,
  markAbandoned,
  pruneAudit,
  recordAudit,
} from './audit'
import type { Store } from './open'
import { reportPostgresSkip, testEngines } from './test-engines'

const ada: Actor = { id: 'u-ada', email: 'ada@example.com', name: 'Ada Lovelace', via: 'signin' }
const grace: Actor = { id: 'u-grace', email: 'grace@example.com', name: 'Grace Hopper', via: 'sso' }
const t0 = Date.parse('2026-11-28T12:00:00Z')
const at = (seconds: number) => new Date(t0 + seconds * 1000)

describe.each(testEngines)('audit on $name', (engine) => {
  let store: Store
  beforeAll(async () => {
    store = await engine.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  it('writes an entry as pending, then completes it with the outcome and what the answer said', async () => {
    const id = await beginAudit(store.db, {
      at: at(0),
      actor: ada,
      action: 'create',
      machineId: null,
      machineName: 'train-1',
      summary: 'Create machine "train-1" (A6000, ny2)',
    })
    expect(await getAudit(store.db, id)).toMatchObject({ outcome: 'pending', status: null, finishedAt: null })
    await completeAudit(store.db, id, {
      at: at(2),
      outcome: 'ok',
      status: 200,
      message: null,
      eventId: 'ev-1',
      machineId: 'psm-new',
    })
    expect(await getAudit(store.db, id)).toEqual({
      id,
      at: at(0).toISOString(),
      actor: { ...ada, onBehalfOf: null },
      action: 'create',
      machineId: 'psm-new',
      machineName: 'train-1',
      summary: 'Create machine "train-1" (A6000, ny2)',
      outcome: 'ok',
      status: 200,
      message: null,
      eventId: 'ev-1',
      finishedAt: at(2).toISOString(),
    })
    expect(await lastKnownMachineName(store.db, 'psm-new')).toBe('train-1')
    expect(await lastKnownMachineName(store.db, 'psm-none')).toBeNull()
  })

  it('turns entries left pending by a stopped process into "unknown", and leaves recent ones alone', async () => {
    const old = await beginAudit(store.db, {
      at: at(10),
      actor: ada,
      action: 'stop',
      machineId: 'psm-1',
      machineName: 'a',
      summary: 'Stop',
    })
    const recent = await beginAudit(store.db, {
      at: at(100),
      actor: ada,
      action: 'stop',
      machineId: 'psm-2',
      machineName: 'b',
      summary: 'Stop',
    })
    expect(await markAbandoned(store.db, at(50), at(120))).toBe(1)
    expect(await getAudit(store.db, old)).toMatchObject({
      outcome: 'unknown',
      message: 'The server stopped before the answer came.',
      finishedAt: at(120).toISOString(),
    })
    expect(await getAudit(store.db, recent)).toMatchObject({ outcome: 'pending' })
    await completeAudit(store.db, recent, { at: at(101), outcome: 'ok', status: 200, message: null })
  })

  it('filters, pages newest first with a cursor, and prunes old entries', async () => {
    const base = 1_000
    for (let index = 0; index < 7; index++) {
      await recordAudit(
        store.db,
        {
          at: at(base + index),
          actor: index % 2 === 0 ? ada : grace,
          action: index % 3 === 0 ? 'start' : 'stop',
          machineId: `psm-${index % 2}`,
          machineName: null,
          summary: `entry ${index}`,
        },
        {
          at: at(base + index),
          outcome: index === 5 ? 'failed' : 'ok',
          status: index === 5 ? 409 : 200,
          message: null,
        },
      )
    }
    const range = { from: at(base), to: at(base + 100) }
    const first = await listAudit(store.db, range, { limit: 3 })
    expect(first.items.map((entry) => entry.summary)).toEqual(['entry 6', 'entry 5', 'entry 4'])
    expect(first.nextPage).not.toBeNull()
    const second = await listAudit(store.db, range, { limit: 3, after: first.nextPage ?? undefined })
    expect(second.items.map((entry) => entry.summary)).toEqual(['entry 3', 'entry 2', 'entry 1'])
    const third = await listAudit(store.db, range, { limit: 3, after: second.nextPage ?? undefined })
    expect(third).toEqual({ items: [expect.objectContaining({ summary: 'entry 0' })], nextPage: null })

    const byActor = await listAudit(store.db, { ...range, actor: 'GRACE@' }, { limit: 50 })
    expect(byActor.items.map((entry) => entry.summary)).toEqual(['entry 5', 'entry 3', 'entry 1'])
    const byActionAndMachine = await listAudit(
      store.db,
      { ...range, action: 'start', machineId: 'psm-0' },
      { limit: 50 },
    )
    expect(byActionAndMachine.items.map((entry) => entry.summary)).toEqual(['entry 6', 'entry 0'])
    const failed = await listAudit(store.db, { ...range, outcome: 'failed' }, { limit: 50 })
    expect(failed.items).toEqual([expect.objectContaining({ summary: 'entry 5', status: 409 })])
    const window = await listAudit(store.db, { from: at(base + 2), to: at(base + 4) }, { limit: 50 })
    expect(window.items.map((entry) => entry.summary)).toEqual(['entry 3', 'entry 2'])
    const wildcard = await listAudit(store.db, { ...range, actor: '%' }, { limit: 50 })
    expect(wildcard.items).toEqual([])

    expect(await pruneAudit(store.db, at(base + 3))).toBeGreaterThanOrEqual(3)
    const left = await listAudit(store.db, range, { limit: 50 })
    expect(left.items.map((entry) => entry.summary)).toEqual(['entry 6', 'entry 5', 'entry 4', 'entry 3'])
  })

  it('refuses a cursor it did not give out', async () => {
    await expect(listAudit(store.db, {}, { limit: 5, after: 'not-a-cursor' })).rejects.toThrow(/cursor/)
  })
})

reportPostgresSkip('audit')
