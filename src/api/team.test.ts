import { QueryClient } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { mountSimulator } from '../test/simulator'
import { ApiError } from './client'
import { fetchTeamMembers, memberName, sessionQueryOptions, teamKeys, teamMembersQueryOptions } from './team'

const fullName = (user: { firstName: string; lastName: string }) => `${user.firstName} ${user.lastName}`

describe('the team reads', () => {
  it('keys everything under team', () => {
    expect(sessionQueryOptions().queryKey).toEqual(['team', 'session'])
    expect(teamMembersQueryOptions().queryKey).toEqual(['team', 'members'])
    expect(teamKeys.all).toEqual(['team'])
  })

  it('reads who is signed in: the key owner and their team', async () => {
    const { simulator } = mountSimulator()
    const session = await new QueryClient().fetchQuery(sessionQueryOptions())
    const owner = simulator.store.users.find((u) => u.id === simulator.store.currentUserId)
    expect(session?.team.id).toBe(simulator.store.teamId)
    expect(session?.user).toMatchObject({ id: owner?.id, email: owner?.email, firstName: owner?.firstName })
  })

  it('reads every member, session first, sorted by name', async () => {
    const { simulator, requests } = mountSimulator()
    const queryClient = new QueryClient()
    const members = await queryClient.fetchQuery(teamMembersQueryOptions())
    expect(requests).toEqual(['GET /auth/session', `GET /teams/${simulator.store.teamId}/users?limit=120`])
    expect(queryClient.getQueryData(teamKeys.session())).toMatchObject({ team: { id: simulator.store.teamId } })
    const names = members.map((member) => memberName(member.user))
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
    expect(names.sort()).toEqual(simulator.store.users.map(fullName).sort())
  })

  it('follows nextPage to the end', async () => {
    const { simulator, requests } = mountSimulator()
    const members = await fetchTeamMembers(simulator.store.teamId, { limit: 5 })
    const pages = Math.ceil(simulator.store.users.length / 5)
    expect(requests).toHaveLength(pages)
    expect(requests.slice(1).every((request) => /[?&]after=[\w-]+/.test(request))).toBe(true)
    expect(members.map((member) => member.user.id).sort()).toEqual(simulator.store.users.map((u) => u.id).sort())
  })

  it('fails with the API’s error when the members cannot be read', async () => {
    mountSimulator({ faults: [{ kind: 'error', status: 503, operations: ['listTeamUsers'] }] })
    const failure = new QueryClient().fetchQuery({ ...teamMembersQueryOptions(), retry: false })
    await expect(failure).rejects.toBeInstanceOf(ApiError)
    await expect(failure).rejects.toMatchObject({ status: 503 })
  })

  it('names a member by first and last name, or by email when there is no name', () => {
    expect(memberName({ email: 'a@example.com', firstName: 'Ada', lastName: 'Lovelace' })).toBe('Ada Lovelace')
    expect(memberName({ email: 'a@example.com', firstName: ' Ada ', lastName: null })).toBe('Ada')
    expect(memberName({ email: 'a@example.com', firstName: null })).toBe('a@example.com')
  })
})
