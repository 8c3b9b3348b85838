import { useQueryErrorResetBoundary } from '@tanstack/react-query'
import { type ErrorComponentProps, useRouter } from '@tanstack/react-router'
import { useEffect, useState, useSyncExternalStore } from 'react'
import { getFleetProgress, subscribeFleetProgress } from '../../../api/machines'
import { Skeleton, SkeletonRows } from '../../../components/ui/skeleton'
import { ErrorState } from '../../../components/ui/states'

function Heading() {
  return <h1 className="text-2xl font-semibold">Machines</h1>
}

/** While the first list loads (every page of it). */
export function MachinesPending() {
  const fetched = useSyncExternalStore(subscribeFleetProgress, getFleetProgress, getFleetProgress)
  return (
    <section className="flex flex-col gap-5">
      <Heading />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {['machines', 'on', 'gpus', 'cost'].map((key) => (
          <Skeleton key={key} className="h-20" />
        ))}
      </div>
      <Skeleton className="h-9 w-full max-w-2xl" />
      {fetched > 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Loading machines: {fetched.toLocaleString('en')} so far…
        </p>
      ) : null}
      <SkeletonRows rows={10} label="Loading machines" />
    </section>
  )
}

/** The list could not be loaded at all: the API's message and a way to try again. */
export function MachinesError({ error, reset }: ErrorComponentProps) {
  const router = useRouter()
  const queryErrorResetBoundary = useQueryErrorResetBoundary()
  const [retrying, setRetrying] = useState(false)
  useEffect(() => {
    queryErrorResetBoundary.reset()
  }, [queryErrorResetBoundary])
  return (
    <section className="flex flex-col gap-5">
      <Heading />
      <ErrorState
        title="Could not load the machines"
        error={error}
        retrying={retrying}
        onRetry={async () => {
          setRetrying(true)
          try {
            reset()
            await router.invalidate()
          } finally {
            setRetrying(false)
          }
        }}
      />
    </section>
  )
}
