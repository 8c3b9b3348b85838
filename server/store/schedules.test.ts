import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from './open'
import { claimScheduleRun, lastScheduleRuns } from './schedule-runs'
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  type ScheduleFields,
  updateSchedule,
} from './schedules'
import { reportPostgresSkip, testEngines } from './test-engines'

const t0 = Date.parse('2026-11-28T12:00:00Z')
const at = (minutes: number) => new Date(t0 + minutes * 60_000)
const nightly: ScheduleFields = {
  name: 'Stop the GPUs at night',
  action: 'stop',
  machineIds: ['ps1', 'ps2'],
  tag: 'gpu',
  cron: '0 20 * * 1-5',
  timeZone: 'Europe/Berlin',
  paused: false,
}

describe.each(testEngines)('schedules on $name', (engine) => {
  let store: Store
  beforeAll(async () => {
    store = await engine.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  it('creates, reads, lists, updates and deletes a schedule', async () => {
    const created = await createSchedule(store.db, nightly, at(0))
    expect(created).toEqual({
      ...nightly,
      id: expect.stringMatching(/^sch_[A-Za-z0-9_-]{12}$/),
      createdAt: at(0).toISOString(),
      updatedAt: at(0).toISOString(),
    })
    expect(await getSchedule(store.db, created.id)).toEqual(created)
    const morning = await createSchedule(
      store.db,
      { ...nightly, name: 'Morning', action: 'start', machineIds: null, cron: '0 8 * * 1-5', paused: true },
      at(1),
    )
    expect(morning).toMatchObject({ machineIds: null, tag: 'gpu', paused: true })
    expect((await listSchedules(store.db)).map((schedule) => schedule.name)).toEqual([
      'Stop the GPUs at night',
      'Morning',
    ])

    const edited = await updateSchedule(store.db, created.id, { ...created, tag: null, paused: true }, at(5))
    expect(edited).toEqual({ ...created, tag: null, paused: true, updatedAt: at(5).toISOString() })
    expect(await getSchedule(store.db, created.id)).toEqual(edited)
    expect(await updateSchedule(store.db, 'sch_missing', nightly, at(6))).toBeUndefined()

    const run = { scheduledFor: at(10).toISOString(), kind: 'run', claimedBy: 'a', at: at(10) } as const
    expect(await claimScheduleRun(store.db, { ...run, scheduleId: created.id })).toBe(true)
    expect(await claimScheduleRun(store.db, { ...run, scheduleId: morning.id })).toBe(true)
    expect(await deleteSchedule(store.db, created.id)).toBe(true)
    expect([...(await lastScheduleRuns(store.db)).keys()]).toEqual([morning.id])
    expect(await deleteSchedule(store.db, created.id)).toBe(false)
    expect(await getSchedule(store.db, created.id)).toBeUndefined()
    expect(await listSchedules(store.db)).toEqual([morning])
  })
})

reportPostgresSkip('schedules')
