/**
 * The signed-in person's sessions (sign-in mode): the list, ending one (revoke a browser) and ending all of them
 * (sign out everywhere). Only the Account page uses these, so they stay out of the first load.
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { accountKeys } from './account'
import { fleetRequest } from './fleet-request'
import type { components } from './fleet-schema'

export type Session = components['schemas']['Session']
export interface SessionList {
  items: Session[]
}

export const sessionKeys = {
  all: [...accountKeys.all, 'sessions'] as const,
}

/** Open sessions, newest first. */
export function sessionsQueryOptions() {
  return queryOptions({
    queryKey: sessionKeys.all,
    queryFn: ({ signal }) => fleetRequest<SessionList>('/api/account/sessions', 'GET', signal),
  })
}

export function endSession(id: string): Promise<void> {
  return fleetRequest<void>(`/api/account/sessions/${encodeURIComponent(id)}`, 'DELETE')
}

export function endAllSessions(): Promise<void> {
  return fleetRequest<void>('/api/account/sessions', 'DELETE')
}

/** Revokes one session; the list is asked for again before the button stops being pending. */
export function useEndSession() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: endSession,
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  })
}

/** Signs this person out on every browser, this one included: the caller then shows the signed-out app. */
export function useEndAllSessions() {
  return useMutation({ mutationFn: endAllSessions })
}
