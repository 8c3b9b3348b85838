import { useSyncExternalStore } from 'react'
import { getFleetProgress, subscribeFleetProgress } from '../../../api/machines'
import { Skeleton, SkeletonRows } from '../../../components/ui/skeleton'

export function MachinesHeading() {
  return <h1 className="text-2xl font-semibold">Machines</h1>
}

/** While the first list loads (every page of it). */
export function MachinesPending() {
  const fetched = useSyncExternalStore(subscribeFleetProgress, getFleetProgress, getFleetProgress)
  return (
    <section className="flex flex-col gap-5">
      <MachinesHeading />
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
