import { useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { setSignedIn } from '../../../api/meta'
import { resetForSession } from '../../../api/session'

/**
 * After this browser's own session has ended (signed out everywhere, or this browser revoked): on to the sign-in
 * page, then forget every answer fetched under the session, as the header's Sign out does.
 */
export function useSignedOut() {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  return async () => {
    setSignedIn(queryClient, false)
    await navigate({ to: '/sign-in', replace: true })
    resetForSession(queryClient, false)
  }
}
