import { createFileRoute } from '@tanstack/react-router'
import { boolean, type Readers, readSearch } from '../../lib/search-params'
import { AvailabilityPage } from './-components/availability-page'

interface AvailabilitySearch {
  /** `availableOnly=true` hides machine types that are available nowhere; anything else means "show all". */
  availableOnly?: boolean
}

const AVAILABILITY_SEARCH_READERS: Readers<AvailabilitySearch> = { availableOnly: boolean }

export const Route = createFileRoute('/availability/')({
  validateSearch: (input: AvailabilitySearch): AvailabilitySearch => readSearch(input, AVAILABILITY_SEARCH_READERS),
  component: AvailabilityPage,
})
