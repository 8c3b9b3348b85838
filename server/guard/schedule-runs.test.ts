import { describe, expect, it } from 'vitest'
import { decideScheduleRuns, type FleetMachine, type ScheduleRunInput, type ScheduleToRun } from './schedule-runs'

const fleet: FleetMachine[] = [
  { id: 'ps-ready', state: 'ready' },
  { id: 'ps-off', state: 'off' },
  { id: 'ps-stopping', state: 'stopping' },
  { id: 'ps-starting', state: 'starting' },
  { id: 'ps-service', state: 'serviceready' },
  { id: 'ps-failed', state: 'failed' },
  { id: 'ps-gpu1', state: 'ready' },
  { id: 'ps-gpu2', state: 'off' },
]
const tags = new Map([['gpu', ['ps-gpu1', 'ps-gpu2', 'ps-ready']]])

/** Weekdays at 20:00 UTC, edited long before the times these tests look at. */
const evening: ScheduleToRun = {
  id: 'sch_evening',
  action: 'stop',
  machineIds: ['ps-ready', 'ps-off', 'ps-stopping', 'ps-failed', 'ps-gone'],
  tag: null,
  cron: '0 20 * * 1-5',
  timeZone: 'UTC',
  paused: false,
  updatedAt: '2026-11-01T00:00:00.000Z',
}

const decide = (now: string, overrides: Partial<ScheduleRunInput> = {}) =>
  decideScheduleRuns({
    schedules: [evening],
    lastRuns: new Map(),
    machines: fleet,
    tagMachines: tags,
    now: new Date(now),
    ...overrides,
  })

describe('due schedule runs', () => {
  it('runs on time, saying for each machine whether to act or why not', () => {
    expect(decide('2026-11-30T20:00:00Z')).toEqual([
      {
        kind: 'run',
        scheduleId: 'sch_evening',
        action: 'stop',
        scheduledFor: '2026-11-30T20:00:00.000Z',
        lateMs: 0,
        machines: [
          { machineId: 'ps-ready', act: 'stop' },
          { machineId: 'ps-off', act: 'skip', reason: 'already-off', state: 'off' },
          { machineId: 'ps-stopping', act: 'skip', reason: 'between-states', state: 'stopping' },
          { machineId: 'ps-failed', act: 'skip', reason: 'failed', state: 'failed' },
          { machineId: 'ps-gone', act: 'skip', reason: 'not-in-fleet', state: null },
        ],
      },
    ])
  })

  it('starts machines that are off, and leaves running or busy ones alone', () => {
    const morning: ScheduleToRun = {
      ...evening,
      id: 'sch_morning',
      action: 'start',
      machineIds: ['ps-off', 'ps-ready', 'ps-starting', 'ps-service', 'ps-gpu2'],
      tag: 'gpu',
      cron: '0 8 * * *',
    }
    const [run] = decide('2026-11-30T08:00:30Z', { schedules: [morning] })
    expect(run?.kind === 'run' && run.machines).toEqual([
      { machineId: 'ps-off', act: 'start' },
      { machineId: 'ps-ready', act: 'skip', reason: 'already-running', state: 'ready' },
      { machineId: 'ps-starting', act: 'skip', reason: 'between-states', state: 'starting' },
      { machineId: 'ps-service', act: 'skip', reason: 'between-states', state: 'serviceready' },
      { machineId: 'ps-gpu2', act: 'start' },
      { machineId: 'ps-gpu1', act: 'skip', reason: 'already-running', state: 'ready' },
    ])
  })

  it('owes nothing between times, once a run is recorded, while paused, or for a time before the last edit', () => {
    expect(
      decide('2026-11-30T19:59:59.999Z', { lastRuns: new Map([['sch_evening', '2026-11-27T20:00:00.000Z']]) }),
    ).toEqual([])
    expect(
      decide('2026-11-30T20:05:00Z', { lastRuns: new Map([['sch_evening', '2026-11-30T20:00:00.000Z']]) }),
    ).toEqual([])
    expect(decide('2026-11-30T20:00:00Z', { schedules: [{ ...evening, paused: true }] })).toEqual([])
    expect(
      decide('2026-11-30T20:05:00Z', { schedules: [{ ...evening, updatedAt: '2026-11-30T20:01:00.000Z' }] }),
    ).toEqual([])
    // Saturday: the last time the pattern gave was Friday's, already recorded.
    expect(
      decide('2026-12-05T20:00:00Z', { lastRuns: new Map([['sch_evening', '2026-12-04T20:00:00.000Z']]) }),
    ).toEqual([])
  })

  it('runs late within the 15-minute grace window and records an older run as missed', () => {
    const at = (now: string) => decide(now).map(({ kind, scheduledFor, lateMs }) => ({ kind, scheduledFor, lateMs }))
    expect(at('2026-11-30T20:14:59Z')).toEqual([
      { kind: 'run', scheduledFor: '2026-11-30T20:00:00.000Z', lateMs: 14 * 60_000 + 59_000 },
    ])
    expect(at('2026-11-30T20:15:00Z')).toEqual([
      { kind: 'run', scheduledFor: '2026-11-30T20:00:00.000Z', lateMs: 900_000 },
    ])
    expect(at('2026-11-30T20:15:00.001Z')).toEqual([
      { kind: 'missed', scheduledFor: '2026-11-30T20:00:00.000Z', lateMs: 900_001 },
    ])
    expect(decide('2026-11-30T20:15:00.001Z')[0]).not.toHaveProperty('machines')
    // Another window, from the caller.
    expect(decide('2026-11-30T20:04:00Z', { graceMs: 3 * 60_000 })[0]?.kind).toBe('missed')
  })

  it('after an outage, owes only the latest time the pattern gave, not every one missed', () => {
    const often: ScheduleToRun = { ...evening, cron: '*/10 * * * *', machineIds: ['ps-ready'] }
    const lastRuns = new Map([['sch_evening', '2026-11-30T18:00:00.000Z']])
    expect(decide('2026-11-30T19:05:00Z', { schedules: [often], lastRuns })).toEqual([
      expect.objectContaining({ kind: 'run', scheduledFor: '2026-11-30T19:00:00.000Z', lateMs: 300_000 }),
    ])
    expect(decide('2026-11-30T20:00:00Z', { schedules: [often, { ...evening, id: 'sch_other' }], lastRuns })).toEqual([
      expect.objectContaining({ scheduleId: 'sch_evening', kind: 'run', scheduledFor: '2026-11-30T20:00:00.000Z' }),
      expect.objectContaining({ scheduleId: 'sch_other', kind: 'run', scheduledFor: '2026-11-30T20:00:00.000Z' }),
    ])
  })

  describe('in Europe/Berlin across daylight-saving changes', () => {
    const berlin = (cron: string): ScheduleToRun => ({
      ...evening,
      id: 'sch_berlin',
      cron,
      timeZone: 'Europe/Berlin',
      machineIds: ['ps-ready'],
      updatedAt: '2026-01-01T00:00:00.000Z',
    })
    const runsOf = (cron: string, now: string, last: string) =>
      decide(now, { schedules: [berlin(cron)], lastRuns: new Map([['sch_berlin', last]]) }).map(
        ({ kind, scheduledFor }) => `${kind} ${scheduledFor}`,
      )

    it('on 29 March 2026 (02:00 → 03:00) keeps 08:00 local and runs 02:30, which does not exist, at 03:00', () => {
      // 08:00 is 07:00 UTC the day before and 06:00 UTC from this day on.
      expect(runsOf('0 8 * * *', '2026-03-29T06:00:00Z', '2026-03-28T07:00:00.000Z')).toEqual([
        'run 2026-03-29T06:00:00.000Z',
      ])
      expect(runsOf('0 8 * * *', '2026-03-29T05:59:59Z', '2026-03-28T07:00:00.000Z')).toEqual([])
      expect(runsOf('30 2 * * *', '2026-03-29T00:59:00Z', '2026-03-28T01:30:00.000Z')).toEqual([])
      expect(runsOf('30 2 * * *', '2026-03-29T01:00:00Z', '2026-03-28T01:30:00.000Z')).toEqual([
        'run 2026-03-29T01:00:00.000Z',
      ])
    })

    it('on 25 October 2026 (03:00 → 02:00) runs 02:30, which happens twice, once', () => {
      expect(runsOf('30 2 * * *', '2026-10-25T00:30:00Z', '2026-10-24T00:30:00.000Z')).toEqual([
        'run 2026-10-25T00:30:00.000Z',
      ])
      // An hour later the clock shows 02:30 again; that run is already recorded.
      expect(runsOf('30 2 * * *', '2026-10-25T01:30:00Z', '2026-10-25T00:30:00.000Z')).toEqual([])
      // 20:00 local is 18:00 UTC the day before and 19:00 UTC from this day on.
      expect(runsOf('0 20 * * *', '2026-10-25T18:00:00Z', '2026-10-24T18:00:00.000Z')).toEqual([])
      expect(runsOf('0 20 * * *', '2026-10-25T19:00:00Z', '2026-10-24T18:00:00.000Z')).toEqual([
        'run 2026-10-25T19:00:00.000Z',
      ])
    })

    it('counts the grace window in real time across the change', () => {
      // 01:50 CET on 29 March; 02:00 does not exist, the next minute after 01:59 is 03:00.
      expect(runsOf('50 1 * * *', '2026-03-29T01:05:00Z', '2026-03-28T00:50:00.000Z')).toEqual([
        'run 2026-03-29T00:50:00.000Z',
      ])
      expect(runsOf('50 1 * * *', '2026-03-29T01:05:00.001Z', '2026-03-28T00:50:00.000Z')).toEqual([
        'missed 2026-03-29T00:50:00.000Z',
      ])
    })
  })
})
