import { describe, expect, it } from 'vitest'
import type { ScheduleFields } from '../store/schedules'
import { checkTimeZone, nextRuns, parseScheduleFields } from './schedule-rules'

const now = new Date('2026-11-28T12:00:00Z')
const valid = {
  name: ' Office hours ',
  action: 'start',
  machineIds: ['ps1', 'ps1', 'ps2'],
  cron: '0  8 * * 1-5',
  timeZone: 'Europe/Berlin',
}

describe('schedule fields', () => {
  it('takes a new schedule, trimming the name and the pattern and dropping repeated machines', () => {
    expect(parseScheduleFields(valid, now)).toEqual({
      name: 'Office hours',
      action: 'start',
      machineIds: ['ps1', 'ps2'],
      tag: null,
      cron: '0 8 * * 1-5',
      timeZone: 'Europe/Berlin',
      paused: false,
    })
    expect(parseScheduleFields({ ...valid, machineIds: undefined, tag: 'gpu', paused: true }, now)).toMatchObject({
      machineIds: null,
      tag: 'gpu',
      paused: true,
    })
    expect(parseScheduleFields({ ...valid, timeZone: 'utc' }, now)).toMatchObject({ timeZone: 'UTC' })
  })

  it('refuses what is wrong with a message naming the field', () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ ...valid, name: undefined }, /^name is required/],
      [{ ...valid, name: '  ' }, /^name is 1 to 100/],
      [{ ...valid, action: 'restart' }, /^action must be one of start, stop/],
      [{ ...valid, machineIds: 'ps1' }, /^machineIds must be a list/],
      [{ ...valid, machineIds: ['ok', 'not ok'] }, /^machineIds: "not ok" is not a machine id/],
      [{ ...valid, machineIds: [] }, /give machineIds, a tag, or both/],
      [{ ...valid, machineIds: null, tag: 'GPU' }, /^tag: The tag "GPU" is not valid/],
      [{ ...valid, cron: '0 8 * * * *' }, /^cron "0 8 \* \* \* \*" is not a valid pattern.*5 parts/],
      [{ ...valid, cron: '61 8 * * *' }, /^cron "61 8 \* \* \*" is not a valid pattern.*minute/],
      [{ ...valid, cron: '0 0 31 2 *' }, /never matches a date/],
      [{ ...valid, cron: 8 }, /^cron is five fields/],
      [{ ...valid, timeZone: 'Mars/Olympus_Mons' }, /^timeZone "Mars\/Olympus_Mons" is not a time zone/],
      [{ ...valid, timeZone: '+01:00' }, /^timeZone "\+01:00" is not a time zone/],
      [{ ...valid, paused: 'no' }, /^paused is true or false/],
      [{ ...valid, owner: 'me' }, /^Unknown field "owner"/],
    ]
    for (const [body, message] of refusals) expect(parseScheduleFields(body, now)).toMatch(message)
    expect(parseScheduleFields([], now)).toMatch(/JSON object/)
  })

  it('applies an edit over the current fields; null clears a target, but one must remain', () => {
    const current = parseScheduleFields({ ...valid, tag: 'gpu' }, now) as ScheduleFields
    expect(parseScheduleFields({ machineIds: null, paused: true }, now, current)).toEqual({
      ...current,
      machineIds: null,
      paused: true,
    })
    expect(parseScheduleFields({ machineIds: null, tag: null }, now, current)).toMatch(/give machineIds, a tag/)
    expect(parseScheduleFields({ timeZone: 'America/New_York' }, now, current)).toMatchObject({
      cron: '0 8 * * 1-5',
      timeZone: 'America/New_York',
    })
    expect(parseScheduleFields({}, now, current)).toEqual(current)
  })

  it('knows time zones by their IANA names', () => {
    expect(checkTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo')
    expect(checkTimeZone('Etc/GMT+1')).toBe('Etc/GMT+1')
    expect(checkTimeZone('Europe/Atlantis')).toBeInstanceOf(Error)
    expect(checkTimeZone(42)).toBeInstanceOf(Error)
  })
})

describe('next runs', () => {
  const schedule = (cron: string, timeZone: string, paused = false): ScheduleFields => ({
    name: 'n',
    action: 'stop',
    machineIds: ['ps1'],
    tag: null,
    cron,
    timeZone,
    paused,
  })

  it('are the next three times in the schedule’s time zone, as UTC instants', () => {
    expect(nextRuns(schedule('0 8 * * 1-5', 'Europe/Berlin'), now)).toEqual([
      '2026-11-30T07:00:00.000Z',
      '2026-12-01T07:00:00.000Z',
      '2026-12-02T07:00:00.000Z',
    ])
    expect(nextRuns(schedule('0 8 * * 1-5', 'America/New_York'), now)).toEqual([
      '2026-11-30T13:00:00.000Z',
      '2026-12-01T13:00:00.000Z',
      '2026-12-02T13:00:00.000Z',
    ])
  })

  it('keep the wall-clock time across daylight-saving changes in Berlin', () => {
    // Clocks go forward at 02:00 on 29 March 2026: 08:00 moves from 07:00 to 06:00 UTC, and 02:30 does not exist.
    expect(nextRuns(schedule('0 8 * * *', 'Europe/Berlin'), new Date('2026-03-27T12:00:00Z'))).toEqual([
      '2026-03-28T07:00:00.000Z',
      '2026-03-29T06:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
    ])
    expect(nextRuns(schedule('30 2 * * *', 'Europe/Berlin'), new Date('2026-03-27T12:00:00Z'))).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
    // Clocks go back at 03:00 on 25 October 2026: 02:30 happens twice and runs once.
    expect(nextRuns(schedule('30 2 * * *', 'Europe/Berlin'), new Date('2026-10-23T12:00:00Z'))).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ])
  })

  it('are none for a paused schedule', () => {
    expect(nextRuns(schedule('0 8 * * *', 'UTC', true), now)).toEqual([])
  })
})
