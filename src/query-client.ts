import { QueryClient } from '@tanstack/react-query'
import { isApiError } from './api/client'
import { attachConnectionHealth } from './api/connection-health'

const MAX_READ_RETRIES = 2

/**
 * Reads retry on network errors, 502, 503 and 504 (a bounded number of times, with jittered backoff); never on
 * 4xx, which another try will not fix. A 429 is not retried here: its Retry-After holds every read back instead
 * (connection-health.ts).
 */
export function shouldRetryRead(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_READ_RETRIES) return false
  if (!isApiError(error)) return false
  return error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504
}

/** Exponential backoff (1 s, 2 s, 4 s, at most 8 s), each wait drawn between half and all of it. */
export function readRetryDelay(attempt: number, random: () => number = Math.random): number {
  return Math.min(1_000 * 2 ** attempt, 8_000) * (0.5 + random() / 2)
}

export function createQueryClient(options: { test?: boolean } = {}): QueryClient {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: options.test ? false : shouldRetryRead,
        retryDelay: (attempt) => readRetryDelay(attempt),
        refetchOnWindowFocus: true,
        refetchIntervalInBackground: false,
      },
      mutations: {
        // Start, stop, restart, create, update, delete, grant, revoke: never sent again on their own.
        retry: false,
      },
    },
  })
  // Unreachable API, rate limits and ended sessions, for the connection banner and the sign-in redirect.
  attachConnectionHealth(queryClient)
  return queryClient
}
