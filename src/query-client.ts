import { QueryClient } from '@tanstack/react-query'
import { isApiError } from './api/client'

const MAX_READ_RETRIES = 2

/** Reads retry on network errors and 5xx (with backoff); never on 4xx, which another try will not fix. */
export function shouldRetryRead(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_READ_RETRIES) return false
  if (!isApiError(error)) return false
  return error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504
}

export function createQueryClient(options: { test?: boolean } = {}): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: options.test ? false : shouldRetryRead,
        retryDelay: (attempt) => Math.min(1_000 * 2 ** attempt, 8_000) * (0.5 + Math.random() / 2),
        refetchOnWindowFocus: true,
        refetchIntervalInBackground: false,
      },
      mutations: {
        // Start, stop, create, delete, grant, revoke: never sent twice on their own.
        retry: false,
      },
    },
  })
}
