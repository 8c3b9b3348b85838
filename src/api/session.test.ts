import { describe, expect, it } from 'vitest'
import { safeRedirect } from './session'

describe('safeRedirect', () => {
  it('keeps a path of this app, with its search and hash', () => {
    expect(safeRedirect('/machines/abc?tab=access#events')).toBe('/machines/abc?tab=access#events')
    expect(safeRedirect('/events')).toBe('/events')
  })

  it('never leads to another site, nor back to the sign-in page', () => {
    for (const value of [
      undefined,
      '',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      'machines',
      '/sign-in',
      '/sign-in?redirect=/machines',
    ]) {
      expect(safeRedirect(value)).toBe('/machines')
    }
  })
})
