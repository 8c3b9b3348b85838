import { useQueryErrorResetBoundary } from '@tanstack/react-query'
import { type ErrorComponentProps, Link, useRouter } from '@tanstack/react-router'
import { useEffect } from 'react'
import { isApiError } from '../api/client'
import { isSignedOutError } from '../api/connection-health'
import { buttonClasses } from './ui/button'
import { ErrorState } from './ui/states'

/** Shown in place of a route that failed to load or crashed; retry re-runs its loader and queries. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter()
  const queryErrorResetBoundary = useQueryErrorResetBoundary()

  useEffect(() => {
    queryErrorResetBoundary.reset()
  }, [queryErrorResetBoundary])

  if (isApiError(error) && error.status === 404) return <NotFound />
  // The session ended while loading: the sign-in page is on its way (router.tsx); say so meanwhile.
  if (isSignedOutError(error)) return <SignedOut />

  return (
    <ErrorState
      title="This page could not be shown"
      error={error}
      onRetry={() => {
        reset()
        void router.invalidate()
      }}
    />
  )
}

function SignedOut() {
  const router = useRouter()
  return (
    <div className="flex flex-col items-start gap-3">
      <h1 className="text-2xl font-semibold">Signed out</h1>
      <p className="text-slate-600 dark:text-slate-300">Your session has ended. Sign in again to carry on.</p>
      <Link to="/sign-in" search={{ redirect: router.state.location.href }} className={buttonClasses('primary')}>
        Sign in
      </Link>
    </div>
  )
}

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <div className="flex flex-col items-start gap-3">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-slate-600 dark:text-slate-300">This {what} does not exist, or it has been deleted.</p>
      <Link to="/machines" className={buttonClasses('secondary')}>
        Back to machines
      </Link>
    </div>
  )
}
