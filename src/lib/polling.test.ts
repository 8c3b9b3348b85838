import { describe, expect, it } from 'vitest'
import { lastAnswerAt, onTheBeat, onTheBeatOrOff } from './polling'

describe('onTheBeat', () => {
  it('waits until the next multiple of the period on the wall clock', () => {
    expect(onTheBeat(2_000, 10_050, 10_700)).toBe(1_300)
    expect(onTheBeat(30_000, 90_100, 102_000)).toBe(18_000)
  })

  it('skips a beat less than a quarter period after the last answer', () => {
    // Answered at 11.6 s: 12 s is too close, so 14 s.
    expect(onTheBeat(2_000, 11_600, 11_600)).toBe(2_400)
    expect(onTheBeat(2_000, 11_499, 11_499)).toBe(501)
  })

  it('does not move the poll when read again later in the same interval', () => {
    const answered = 10_050
    const waits = [10_100, 11_000, 11_600, 11_900].map((now) => now + onTheBeat(2_000, answered, now))
    expect(new Set(waits)).toEqual(new Set([12_000]))
  })

  it('sends clients that opened at different moments to the same instant', () => {
    const beats = [10_003, 10_480, 11_200, 11_499].map((opened) => opened + onTheBeat(2_000, opened, opened))
    expect(new Set(beats)).toEqual(new Set([12_000]))
  })

  it('without an answer yet, aims at the next beat', () => {
    expect(onTheBeat(2_000, 0, 10_500)).toBe(1_500)
  })

  it('keeps an interval that is off, off', () => {
    expect(onTheBeatOrOff(false, 10_000, 10_000)).toBe(false)
    expect(onTheBeatOrOff(2_000, 10_000, 10_500)).toBe(1_500)
  })

  it('takes the later of the last data and the last error', () => {
    expect(lastAnswerAt({ dataUpdatedAt: 5, errorUpdatedAt: 9 })).toBe(9)
    expect(lastAnswerAt({ dataUpdatedAt: 12, errorUpdatedAt: 0 })).toBe(12)
  })
})
