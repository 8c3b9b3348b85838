import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from './open'
import {
  claimScheduleRun,
  finishScheduleRun,
  lastScheduleRuns,
  listScheduleRuns,
  markAbandonedRuns,
  pruneScheduleRuns,
} from './schedule-runs'
import { openPostgresSchema, reportPostgresSkip, type TestEngine, testEngines } from './test-engines'

const t0 = Date.parse('2026-11-30T20:00:00Z')
const at = (minutes: number) => new Date(t0 + minutes * 60_000)
const iso = (minutes: number) => at(minutes).toISOString()

/** Two stores on one database, as two replicas of the server would have: separate connections, shared rows. */
async function openReplicas(engine: TestEngine): Promise<{ stores: [Store, Store]; close(): Promise<void> }> {
  if (engine.name === 'postgres') {
    const url = process.env.TEST_DATABASE_URL ?? ''
    const schema = `t_runs_${randomBytes(4).toString('hex')}`
    const first = await openPostgresSchema(url, schema)
    const second = await openStore({ engine: 'postgres', url, schema })
    return {
      stores: [first, second],
      async close() {
        await second.close()
        await first.close()
      },
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'fleet-runs-'))
  const file = join(dir, 'fleet.sqlite')
  const first = await openStore({ engine: 'sqlite', file })
  const second = await openStore({ engine: 'sqlite', file })
  return {
    stores: [first, second],
    async close() {
      await Promise.all([first.close(), second.close()])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

describe.each(testEngines)('schedule runs on $name', (engine) => {
  let store: Store
  beforeAll(async () => {
    store = await engine.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  const claim = (scheduleId: string, minutes: number, claimedBy = 'replica-a', kind: 'run' | 'missed' = 'run') =>
    claimScheduleRun(store.db, { scheduleId, scheduledFor: iso(minutes), kind, claimedBy, at: at(minutes) })

  it('gives a due run to one claim only, even when two arrive at once', async () => {
    const results = await Promise.all([claim('sch_a', 0, 'replica-a'), claim('sch_a', 0, 'replica-b')])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await claim('sch_a', 0, 'replica-c')).toBe(false)
    const [run] = await listScheduleRuns(store.db, 'sch_a')
    expect(run).toEqual({
      scheduleId: 'sch_a',
      scheduledFor: iso(0),
      outcome: 'running',
      claimedAt: iso(0),
      claimedBy: results[0] ? 'replica-a' : 'replica-b',
      finishedAt: null,
      detail: null,
    })
  })

  it('records how a run ended, once', async () => {
    const run = { scheduleId: 'sch_a', scheduledFor: iso(0) }
    expect(await finishScheduleRun(store.db, run, { at: at(1), outcome: 'ok', detail: '2 stopped' })).toBe(true)
    expect(await finishScheduleRun(store.db, run, { at: at(2), outcome: 'failed', detail: 'again' })).toBe(false)
    expect(await listScheduleRuns(store.db, 'sch_a')).toEqual([
      expect.objectContaining({ outcome: 'ok', finishedAt: iso(1), detail: '2 stopped' }),
    ])
  })

  it('records a missed run finished, and it counts as the schedule’s last run', async () => {
    expect(await claim('sch_a', 60 * 24, 'replica-a', 'missed')).toBe(true)
    expect(await claim('sch_b', 30)).toBe(true)
    expect(await listScheduleRuns(store.db, 'sch_a', 1)).toEqual([
      expect.objectContaining({ scheduledFor: iso(60 * 24), outcome: 'missed', finishedAt: iso(60 * 24) }),
    ])
    expect(Object.fromEntries(await lastScheduleRuns(store.db))).toEqual({ sch_a: iso(60 * 24), sch_b: iso(30) })
  })

  it('marks runs whose replica stopped before finishing as unknown, and never hands them out again', async () => {
    expect(await markAbandonedRuns(store.db, at(30), at(40))).toBe(0)
    expect(await markAbandonedRuns(store.db, at(31), at(40))).toBe(1)
    expect(await listScheduleRuns(store.db, 'sch_b')).toEqual([
      expect.objectContaining({ outcome: 'unknown', finishedAt: iso(40) }),
    ])
    expect(await claim('sch_b', 30, 'replica-b')).toBe(false)
  })

  it('forgets old runs but keeps each schedule’s latest', async () => {
    expect(await pruneScheduleRuns(store.db, at(60 * 24 * 400))).toBe(1)
    expect(Object.fromEntries(await lastScheduleRuns(store.db))).toEqual({ sch_a: iso(60 * 24), sch_b: iso(30) })
    expect(await listScheduleRuns(store.db, 'sch_a')).toHaveLength(1)
  })

  it('gives each due run to exactly one of two replicas on one database', async () => {
    const replicas = await openReplicas(engine)
    try {
      const [a, b] = replicas.stores
      for (let minute = 0; minute < 10; minute++) {
        const claimBy = (replica: Store, name: string) =>
          claimScheduleRun(replica.db, {
            scheduleId: 'sch_shared',
            scheduledFor: iso(minute),
            kind: 'run',
            claimedBy: name,
            at: at(minute),
          })
        const won = await Promise.all([claimBy(a, 'a'), claimBy(b, 'b'), claimBy(a, 'a2'), claimBy(b, 'b2')])
        expect(won.filter(Boolean), `the run at minute ${minute}`).toHaveLength(1)
      }
      expect(await listScheduleRuns(b.db, 'sch_shared', 100)).toHaveLength(10)
    } finally {
      await replicas.close()
    }
  })
})

reportPostgresSkip('schedule runs')
