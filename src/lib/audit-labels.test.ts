import { describe, expect, it } from 'vitest'
import { actorLabel, auditActionLabel, auditOutcomeLabel, auditOutcomeTone, viaLabel } from './audit-labels'

describe('audit labels', () => {
  it('words actions and outcomes, and shows unknown ones as they come', () => {
    expect(auditActionLabel('update')).toBe('Update settings')
    expect(auditActionLabel('desktop-read')).toBe('Open desktop')
    expect(auditActionLabel('snapshot')).toBe('snapshot')
    expect(auditOutcomeLabel('ok')).toBe('OK')
    expect(auditOutcomeLabel('later')).toBe('later')
  })

  it('gives every outcome a tone, so its text always has a colour beside it', () => {
    expect(auditOutcomeTone('ok')).toBe('green')
    expect(auditOutcomeTone('failed')).toBe('red')
    expect(auditOutcomeTone('pending')).toBe('amber')
    expect(auditOutcomeTone('unknown')).toBe('neutral')
  })
})

describe('actorLabel and viaLabel', () => {
  it('words actors and how they were known', () => {
    expect(actorLabel({ id: 'u-1', email: 'ada@example.com', name: 'Ada Lovelace', via: 'signin' })).toBe(
      'Ada Lovelace',
    )
    expect(actorLabel({ id: 'u-1', email: 'ada@example.com', name: null, via: 'sso' })).toBe('ada@example.com')
    expect(actorLabel({ id: 'sch-1', email: null, name: 'Nightly stop', via: 'schedule' })).toBe('Nightly stop')
    expect(actorLabel({ id: null, email: null, name: null, via: 'server-key' })).toBe('Server key')
    expect(viaLabel('signin')).toBe('Signed-in key')
    expect(viaLabel('sso')).toBe('SSO header')
    expect(viaLabel('something-new')).toBe('something-new')
  })
})
