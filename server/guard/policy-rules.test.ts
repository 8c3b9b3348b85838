import { describe, expect, it } from 'vitest'
import type { PolicyFields } from '../store/policies'
import { parsePolicyFields } from './policy-rules'

const valid = { name: ' GPUs four hours ', maxRunningMinutes: 240, machineTypes: ['A4000', 'A4000', 'A100'] }

describe('policy fields', () => {
  it('takes a new policy with a 30-minute warning by default', () => {
    expect(parsePolicyFields(valid)).toEqual({
      name: 'GPUs four hours',
      maxRunningMinutes: 240,
      warnMinutes: 30,
      machineTypes: ['A4000', 'A100'],
      tags: null,
      exemptTag: null,
      paused: false,
    })
    expect(
      parsePolicyFields({ ...valid, tags: ['team-b', 'team-a'], exemptTag: 'long-job', warnMinutes: 0 }),
    ).toMatchObject({
      tags: ['team-a', 'team-b'],
      exemptTag: 'long-job',
      warnMinutes: 0,
    })
    expect(parsePolicyFields({ name: 'short', maxRunningMinutes: 20 })).toMatchObject({ warnMinutes: 20 })
  })

  it('refuses what is wrong with a message naming the field', () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ ...valid, name: undefined }, /^name is required/],
      [{ ...valid, maxRunningMinutes: undefined }, /^maxRunningMinutes is required/],
      [{ ...valid, maxRunningMinutes: 0 }, /^maxRunningMinutes is a whole number/],
      [{ ...valid, maxRunningMinutes: 1.5 }, /^maxRunningMinutes is a whole number/],
      [{ ...valid, maxRunningMinutes: '60' }, /^maxRunningMinutes is a whole number/],
      [{ ...valid, warnMinutes: -1 }, /^warnMinutes is a whole number/],
      [{ ...valid, warnMinutes: 300 }, /^warnMinutes \(300\) cannot be more than maxRunningMinutes \(240\)/],
      [{ ...valid, machineTypes: ['A4000', 'has space'] }, /^machineTypes: "has space" is not a machine type/],
      [{ ...valid, tags: ['Team'] }, /^tags: The tag "Team" is not valid/],
      [{ ...valid, exemptTag: 'x y' }, /^exemptTag: The tag "x y" is not valid/],
      [{ ...valid, paused: 1 }, /^paused is true or false/],
      [{ ...valid, limit: 5 }, /^Unknown field "limit"/],
    ]
    for (const [body, message] of refusals) expect(parsePolicyFields(body)).toMatch(message)
  })

  it('applies an edit over the current fields; null clears a list', () => {
    const current = parsePolicyFields({ ...valid, tags: ['gpu'], exemptTag: 'long-job' }) as PolicyFields
    expect(parsePolicyFields({ machineTypes: null, exemptTag: null, paused: true }, current)).toEqual({
      ...current,
      machineTypes: null,
      exemptTag: null,
      paused: true,
    })
    expect(parsePolicyFields({ maxRunningMinutes: 20 }, current)).toMatch(/warnMinutes \(30\) cannot be more/)
    expect(parsePolicyFields({ maxRunningMinutes: 20, warnMinutes: 5 }, current)).toMatchObject({ warnMinutes: 5 })
  })
})
