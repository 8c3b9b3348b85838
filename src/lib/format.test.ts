import { describe, expect, it } from 'vitest'
import { formatBytes, formatExact, formatRelative } from './format'

describe('formatBytes', () => {
  it('uses binary multiples and accepts numeric strings', () => {
    expect(formatBytes(34_359_738_368)).toBe('32 GB')
    expect(formatBytes('1610612736')).toBe('1.5 GB')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes('lots')).toBe('—')
  })
})

describe('formatRelative', () => {
  const now = Date.parse('2026-11-28T12:00:00Z')
  it('says how long ago, in the largest fitting unit', () => {
    expect(formatRelative('2026-11-28T11:57:00Z', now)).toBe('3 minutes ago')
    expect(formatRelative('2026-11-27T12:00:00Z', now)).toBe('yesterday')
    expect(formatRelative('2026-11-28T14:00:00Z', now)).toBe('in 2 hours')
    expect(formatRelative(undefined, now)).toBe('—')
    expect(formatRelative('not a date', now)).toBe('—')
    expect(formatExact('not a date')).toBe('—')
  })
})
