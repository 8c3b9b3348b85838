import { describe, expect, it } from 'vitest'
import { type AccountLike, identityLabel, personLabel } from './identity'

const account = (patch: Partial<AccountLike>): AccountLike => ({
  via: 'signin',
  user: { id: 'u-1', email: 'ada@example.com', name: 'Ada Lovelace' },
  team: { id: 't-1', name: 'acme-ml' },
  ...patch,
})

describe('identityLabel', () => {
  it('names the person and the team', () => {
    expect(identityLabel(account({}))).toBe('Ada Lovelace · acme-ml')
  })

  it('falls back to the email, and to the team id only when its name is unknown', () => {
    expect(identityLabel(account({ user: { id: 'u-1', email: 'ada@example.com', name: null } }))).toBe(
      'ada@example.com · acme-ml',
    )
    expect(identityLabel(account({ user: { id: 'u-1', email: 'ada@example.com', name: '  ' } }))).toBe(
      'ada@example.com · acme-ml',
    )
    expect(identityLabel(account({ team: { id: 't-1', name: null } }))).toBe('Ada Lovelace · t-1')
    expect(identityLabel(account({ team: null }))).toBe('Ada Lovelace')
  })

  it('says how the server knows an unnamed person rather than show an id, where it can', () => {
    expect(identityLabel(account({ via: 'server-key', user: null }))).toBe('Server key · acme-ml')
    expect(identityLabel(account({ via: 'server-key', user: { id: 'u-9', email: null, name: null } }))).toBe(
      'Server key · acme-ml',
    )
    expect(personLabel(account({ via: 'signin', user: { id: 'u-9', email: null, name: null } }))).toBe('u-9')
    expect(personLabel(account({ via: 'signin', user: null }))).toBe('Signed in')
  })
})
