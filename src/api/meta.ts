/** What the server says about itself: demo (embedded simulator) or live (a real Paperspace team). */
import { queryOptions } from '@tanstack/react-query'
import { ApiError } from './client'

export interface ServerMeta {
  mode: 'demo' | 'live'
}

export function metaQueryOptions() {
  return queryOptions({
    queryKey: ['meta'] as const,
    queryFn: async ({ signal }): Promise<ServerMeta> => {
      const response = await globalThis.fetch(new URL('/api/meta', window.location.origin), { signal })
      if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, 'Server status unavailable.')
      return (await response.json()) as ServerMeta
    },
    staleTime: Number.POSITIVE_INFINITY,
  })
}
