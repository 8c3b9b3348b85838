import { createFileRoute, notFound } from '@tanstack/react-router'
import { isApiError } from '../../api/client'
import { machineQueryOptions } from '../../api/machines'
import { NotFound } from '../../components/route-error'
import { MachineDetailPage } from './-detail/machine-detail-page'
import { MachineDetailSkeleton } from './-detail/machine-detail-skeleton'

export const Route = createFileRoute('/machines/$machineId')({
  // The loader travels with the page's own chunk: this route's data code stays out of the first load of /machines.
  codeSplitGroupings: [['loader', 'component', 'pendingComponent'], ['errorComponent'], ['notFoundComponent']],
  loader: async ({ context, params }) => {
    try {
      await context.queryClient.ensureQueryData(machineQueryOptions(params.machineId))
    } catch (error) {
      if (isApiError(error) && error.status === 404) throw notFound()
      throw error
    }
  },
  component: MachinePage,
  pendingComponent: MachineDetailSkeleton,
  notFoundComponent: () => <NotFound what="machine" />,
})

function MachinePage() {
  const { machineId } = Route.useParams()
  return <MachineDetailPage key={machineId} machineId={machineId} />
}
