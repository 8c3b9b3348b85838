import { describe, expect, it } from 'vitest'
import type { TeamMembership } from '../../../api/team'
import { filterMembers, resolveUserId } from './teammates'

const member = (id: string, email: string, firstName?: string, lastName?: string): TeamMembership => ({
  isAdmin: false,
  isOwner: false,
  user: { id, email, ...(firstName ? { firstName } : {}), ...(lastName ? { lastName } : {}) },
})

const TEAM = [
  member('u1ada0001', 'ada@example.com', 'Ada', 'Lovelace'),
  member('u2alan002', 'alan@example.com', 'Alan', 'Turing'),
  member('u3alan003', 'alan.kay@example.com', 'Alan', 'Turing'),
  member('u4anon004', 'anon@example.com'),
]

describe('resolveUserId', () => {
  it('takes an email or a unique full name of a member, and any other text as an id', () => {
    expect(resolveUserId('  ADA@example.com ', TEAM)).toEqual({ userId: 'u1ada0001' })
    expect(resolveUserId('ada lovelace', TEAM)).toEqual({ userId: 'u1ada0001' })
    expect(resolveUserId('u9someone', TEAM)).toEqual({ userId: 'u9someone' })
    expect(resolveUserId('u9someone', [])).toEqual({ userId: 'u9someone' })
  })

  it('says what is wrong with nothing, an unknown email or a shared name', () => {
    expect(resolveUserId('  ', TEAM)).toEqual({ error: 'Enter a user ID.' })
    expect(resolveUserId('who@example.com', TEAM)).toEqual({
      error: 'No team member has that email; enter their user ID instead.',
    })
    expect(resolveUserId('Alan Turing', TEAM)).toEqual({
      error: 'More than one team member has that name; pick one from the list.',
    })
  })
})

describe('filterMembers', () => {
  it('keeps the members whose name, email or id contains the text, ignoring case', () => {
    const ids = (typed: string) => filterMembers(TEAM, typed).map((m) => m.user.id)
    expect(ids('')).toEqual(TEAM.map((m) => m.user.id))
    expect(ids('TURING')).toEqual(['u2alan002', 'u3alan003'])
    expect(ids('kay@')).toEqual(['u3alan003'])
    expect(ids('004')).toEqual(['u4anon004'])
    expect(ids('nobody')).toEqual([])
  })
})
