import { describe, expect, it } from 'vitest'
import {
  decideRuntimeLimits,
  type LifecycleEvent,
  type LimitedMachine,
  type PolicyToApply,
  type RuntimeLimitInput,
  runningSince,
} from './runtime-limits'

const now = new Date('2026-11-30T20:00:00Z')
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString()

const fourHours: PolicyToApply = {
  id: 'pol_gpu',
  name: 'GPUs four hours',
  maxRunningMinutes: 240,
  warnMinutes: 30,
  machineTypes: ['A4000', 'A100'],
  tags: null,
  exemptTag: 'long-job',
  paused: false,
}

const machine = (id: string, machineType = 'A4000', state = 'ready'): LimitedMachine => ({ id, state, machineType })

const decide = (overrides: Partial<RuntimeLimitInput>) =>
  decideRuntimeLimits({
    policies: [fourHours],
    machines: [],
    machineTags: new Map(),
    startedAt: new Map(),
    now,
    ...overrides,
  })

describe('running since', () => {
  it('is the last start not followed by a stop; a restart does not reset it', () => {
    const events: LifecycleEvent[] = [
      { machineId: 'm1', action: 'restart', at: ago(60) },
      { machineId: 'm1', action: 'start', at: ago(300) },
      { machineId: 'm1', action: 'stop', at: ago(400) },
      { machineId: 'm1', action: 'start', at: ago(500) },
      { machineId: 'm2', action: 'create', at: ago(90) },
      { machineId: 'm3', action: 'start', at: ago(90) },
      { machineId: 'm3', action: 'stop', at: ago(10) },
      { machineId: 'm4', action: 'restart', at: ago(45) },
      { machineId: 'm4', action: 'restart', at: ago(5) },
    ]
    expect(Object.fromEntries(runningSince(events))).toEqual({ m1: ago(300), m2: ago(90), m4: ago(45) })
  })
})

describe('runtime limits', () => {
  it('finds machines over their limit and those inside the warning time', () => {
    const decision = decide({
      machines: [machine('over'), machine('exactly'), machine('warn'), machine('warn-edge'), machine('fresh')],
      startedAt: new Map([
        ['over', ago(300)],
        ['exactly', ago(240)],
        ['warn', ago(215)],
        ['warn-edge', ago(210)],
        ['fresh', ago(209)],
      ]),
    })
    expect(decision.over).toEqual([
      { machineId: 'over', policyId: 'pol_gpu', runningSince: ago(300), runningMinutes: 300, limitAt: ago(60) },
      { machineId: 'exactly', policyId: 'pol_gpu', runningSince: ago(240), runningMinutes: 240, limitAt: ago(0) },
    ])
    expect(decision.warn.map((verdict) => [verdict.machineId, verdict.limitAt])).toEqual([
      ['warn', ago(-25)],
      ['warn-edge', ago(-30)],
    ])
    expect(decision.unknownStart).toEqual([])
  })

  it('counts from the last start across a restart', () => {
    const events: LifecycleEvent[] = [
      { machineId: 'm1', action: 'start', at: ago(250) },
      { machineId: 'm1', action: 'restart', at: ago(20) },
    ]
    const decision = decide({ machines: [machine('m1')], startedAt: runningSince(events) })
    expect(decision.over.map((verdict) => [verdict.machineId, verdict.runningMinutes])).toEqual([['m1', 250]])
  })

  it('leaves alone machines with the exempt tag, of other types, or not running', () => {
    const decision = decide({
      machines: [
        machine('exempt'),
        machine('cpu', 'C5'),
        machine('off', 'A4000', 'off'),
        machine('stopping', 'A4000', 'stopping'),
      ],
      machineTags: new Map([['exempt', ['long-job', 'team-a']]]),
      startedAt: new Map(['exempt', 'cpu', 'off', 'stopping'].map((id) => [id, ago(1_000)])),
    })
    expect(decision).toEqual({ over: [], warn: [], unknownStart: [] })
  })

  it('covers by tag when the policy names tags, and the strictest covering policy decides', () => {
    const teamA: PolicyToApply = {
      ...fourHours,
      id: 'pol_team_a',
      maxRunningMinutes: 60,
      warnMinutes: 10,
      machineTypes: null,
      tags: ['team-a', 'interns'],
      exemptTag: null,
    }
    const paused: PolicyToApply = { ...teamA, id: 'pol_paused', maxRunningMinutes: 1, paused: true }
    const decision = decide({
      policies: [fourHours, teamA, paused],
      machines: [machine('a-gpu'), machine('a-cpu', 'C5'), machine('b-gpu'), machine('exempt-a', 'A4000')],
      machineTags: new Map([
        ['a-gpu', ['team-a']],
        ['a-cpu', ['interns']],
        ['exempt-a', ['long-job', 'team-a']],
      ]),
      startedAt: new Map([
        ['a-gpu', ago(90)],
        ['a-cpu', ago(55)],
        ['b-gpu', ago(90)],
        ['exempt-a', ago(90)],
      ]),
    })
    // exempt-a is exempt from the GPU policy only: the team policy still limits it.
    expect(decision.over.map((verdict) => [verdict.machineId, verdict.policyId])).toEqual([
      ['a-gpu', 'pol_team_a'],
      ['exempt-a', 'pol_team_a'],
    ])
    expect(decision.warn.map((verdict) => [verdict.machineId, verdict.policyId])).toEqual([['a-cpu', 'pol_team_a']])
  })

  it('names covered running machines whose start is unknown, and does not warn with a zero warning time', () => {
    const decision = decide({
      policies: [{ ...fourHours, warnMinutes: 0 }],
      machines: [machine('mystery'), machine('near')],
      startedAt: new Map([['near', ago(239)]]),
    })
    expect(decision).toEqual({ over: [], warn: [], unknownStart: [{ machineId: 'mystery', policyId: 'pol_gpu' }] })
  })
})
