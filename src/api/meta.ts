/**
 * What the server says about itself: demo (embedded simulator), live (a real Paperspace team through the server's
 * key) or signin (each admin signs in with their own key; `signedIn` says whether this browser has a session).
 */
import { type QueryClient, queryOptions } from '@tanstack/react-query'
import { ApiError } from './client'

export interface ServerMeta {
  mode: 'demo' | 'live' | 'signin'
  signedIn?: boolean
}

export const metaKey = ['meta'] as const

export function metaQueryOptions() {
  return queryOptions({
    queryKey: metaKey,
    queryFn: async ({ signal }): Promise<ServerMeta> => {
      const response = await globalThis.fetch(new URL('/api/meta', window.location.origin), { signal })
      if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, 'Server status unavailable.')
      return (await response.json()) as ServerMeta
    },
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** Whether this server asks for a sign-in and this browser has none. */
export function needsSignIn(meta: ServerMeta | undefined): boolean {
  return meta?.mode === 'signin' && !meta.signedIn
}

/** Records a sign-in or sign-out without asking the server again. */
export function setSignedIn(queryClient: QueryClient, signedIn: boolean): void {
  queryClient.setQueryData<ServerMeta>(metaKey, (meta) => (meta ? { ...meta, signedIn } : meta))
}
