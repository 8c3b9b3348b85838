/**
 * Who is signed in (the server's own `/api/account`): the query-options factory and the key factory. The header
 * reads it on every page, so this file holds only that; sessions are in account-sessions.ts, with the Account page.
 */
import { queryOptions } from '@tanstack/react-query'
import { fleetRequest } from './fleet-request'
import type { components } from './fleet-schema'

export type Account = components['schemas']['Account']

/** The key factory; the sessions' key (`['account', 'sessions']`) is in account-sessions.ts. */
export const accountKeys = {
  all: ['account'] as const,
}

/** Who this browser acts as; it changes only with a sign-in or sign-out, which drop every answer anyway. */
export function accountQueryOptions() {
  return queryOptions({
    queryKey: accountKeys.all,
    queryFn: ({ signal }) => fleetRequest<Account>('/api/account', 'GET', signal),
    staleTime: 300_000,
  })
}
