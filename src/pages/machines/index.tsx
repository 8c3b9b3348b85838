import { createFileRoute, type SearchSchemaInput, stripSearchParams } from '@tanstack/react-router'
import { fleetQueryOptions } from '../../api/machines'
import { FLEET_SEARCH_DEFAULTS, type FleetSearch, parseFleetSearch } from '../../lib/fleet-search'
import { MachinesError } from './-components/machines-error'
import { MachinesPage } from './-components/machines-page'
import { MachinesPending } from './-components/machines-pending'

export const Route = createFileRoute('/machines/')({
  // Links may leave out any field (the defaults fill them in), so the input type is all-optional.
  validateSearch: (input: Partial<FleetSearch> & SearchSchemaInput) => parseFleetSearch(input),
  search: { middlewares: [stripSearchParams(FLEET_SEARCH_DEFAULTS)] },
  loader: ({ context }) => context.queryClient.ensureQueryData(fleetQueryOptions()),
  pendingComponent: MachinesPending,
  errorComponent: MachinesError,
  component: MachinesPage,
})
