/**
 * Who the API key belongs to, and the people of that team: two reads of the live v1 service beyond the Machines
 * contract, described in `openapi/paperspace-extras.yml` (types in `extras-schema.d.ts`).
 */
import { queryOptions } from '@tanstack/react-query'
import type { Client } from 'openapi-fetch'
import { client, unwrap } from './client'
import type { components, paths } from './extras-schema'

type Schemas = components['schemas']
/** The key's team and user; null when the key belongs to no user. */
export type AuthSession = Schemas['AuthSession']
export type TeamMembership = Schemas['TeamMembership']
export type TeamMemberUser = Schemas['TeamMemberUser']

/** The one client, typed for the extra paths: same requests, same `unwrap()`. */
const extras = client as unknown as Pick<Client<paths>, 'GET'>

/** Members of a page; a team has few, so one page usually holds them all. */
const PAGE_LIMIT = 120
/** A stop in case the service hands the same cursor back forever. */
const MAX_PAGES = 50
const STALE_MS = 5 * 60_000

export const teamKeys = {
  all: ['team'] as const,
  session: () => [...teamKeys.all, 'session'] as const,
  members: () => [...teamKeys.all, 'members'] as const,
}

/** GET /auth/session: who is signed in (the key's owner) and their team. */
export function sessionQueryOptions() {
  return queryOptions({
    queryKey: teamKeys.session(),
    queryFn: ({ signal }): Promise<AuthSession> => unwrap(extras.GET('/auth/session', { signal })),
    staleTime: STALE_MS,
  })
}

/** Every member of a team: GET /teams/{teamId}/users, `limit` a page, following `nextPage` to the end. */
export async function fetchTeamMembers(
  teamId: string,
  { signal, limit = PAGE_LIMIT }: { signal?: AbortSignal; limit?: number } = {},
): Promise<TeamMembership[]> {
  const members: TeamMembership[] = []
  const seen = new Set<string>()
  let after: string | undefined
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await unwrap(
      extras.GET('/teams/{teamId}/users', {
        params: { path: { teamId }, query: { limit, ...(after ? { after } : {}) } },
        ...(signal ? { signal } : {}),
      }),
    )
    for (const member of page.items) {
      if (!seen.has(member.user.id)) {
        seen.add(member.user.id)
        members.push(member)
      }
    }
    if (!page.hasMore || !page.nextPage || page.nextPage === after) break
    after = page.nextPage
  }
  return members
}

/** The signed-in team's members, by name (the session is read first, through its own cache entry). */
export function teamMembersQueryOptions() {
  return queryOptions({
    queryKey: teamKeys.members(),
    queryFn: async ({ client: queryClient, signal }): Promise<TeamMembership[]> => {
      const session = await queryClient.ensureQueryData(sessionQueryOptions())
      if (!session) return []
      return sortMembers(await fetchTeamMembers(session.team.id, { signal }))
    },
    staleTime: STALE_MS,
  })
}

/** "First Last", or the email when the service has no name for them. */
export function memberName(user: Pick<TeamMemberUser, 'email' | 'firstName' | 'lastName'>): string {
  const name = [user.firstName, user.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ')
  return name || user.email
}

function sortMembers(members: TeamMembership[]): TeamMembership[] {
  return members.sort(
    (a, b) => memberName(a.user).localeCompare(memberName(b.user)) || a.user.email.localeCompare(b.user.email),
  )
}
