import { createFileRoute } from '@tanstack/react-router'
import { z } from 'zod'
import { AvailabilityPage } from './-components/availability-page'

/** `availableOnly=true` hides machine types that are available nowhere; anything else means "show all". */
const availabilitySearchSchema = z.object({
  availableOnly: z.boolean().optional().catch(undefined),
})

export const Route = createFileRoute('/availability/')({
  validateSearch: availabilitySearchSchema,
  component: AvailabilityPage,
})
