import { Skeleton, SkeletonRows } from '../../../components/ui/skeleton'

/** The page's shape while the machine loads. */
export function MachineDetailSkeleton() {
  return (
    <div role="status" aria-live="polite" className="flex flex-col gap-6">
      <span className="sr-only">Loading the machine…</span>
      <Skeleton className="h-8 w-64" />
      <Skeleton className="h-40 w-full" />
      <div className="grid gap-6 lg:grid-cols-2">
        <SkeletonRows rows={4} label="Loading sections" />
        <SkeletonRows rows={4} label="Loading sections" />
      </div>
    </div>
  )
}
