import { createFileRoute, stripSearchParams } from '@tanstack/react-router'
import { fleetQueryOptions } from '../../api/machines'
import { FLEET_SEARCH_DEFAULTS, fleetSearchSchema } from '../../lib/fleet-search'
import { MachinesError, MachinesPending } from './-components/machines-fallbacks'
import { MachinesPage } from './-components/machines-page'

export const Route = createFileRoute('/machines/')({
  validateSearch: fleetSearchSchema,
  search: { middlewares: [stripSearchParams(FLEET_SEARCH_DEFAULTS)] },
  loader: ({ context }) => context.queryClient.ensureQueryData(fleetQueryOptions()),
  pendingComponent: MachinesPending,
  errorComponent: MachinesError,
  component: MachinesPage,
})
