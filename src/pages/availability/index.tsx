import { createFileRoute } from '@tanstack/react-router'
// valibot: the search schema loads with the entry, and its functions tree-shake to a few hundred bytes.
import * as v from 'valibot'
import { AvailabilityPage } from './-components/availability-page'

/** `availableOnly=true` hides machine types that are available nowhere; anything else means "show all". */
const availabilitySearchSchema = v.object({
  availableOnly: v.fallback(v.optional(v.boolean()), undefined),
})

export const Route = createFileRoute('/availability/')({
  validateSearch: availabilitySearchSchema,
  component: AvailabilityPage,
})
