/**
 * Apart from the pending view (machines-pending.tsx), which loads with the entry: the router fetches a route's error
 * component only when the route fails, so this stays out of the first load.
 */
import { useQueryErrorResetBoundary } from '@tanstack/react-query'
import { type ErrorComponentProps, useRouter } from '@tanstack/react-router'
import { useEffect, useState } from 'react'
import { ErrorState } from '../../../components/ui/states'
import { MachinesHeading } from './machines-pending'

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
      <MachinesHeading />
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
