import { createFileRoute } from '@tanstack/react-router'
import { z } from 'zod'
import { eventFeedQueryOptions } from '../../api/events'
import { EventFeedPage } from './-components/event-feed-page'

const text = z.string().trim().min(1).max(200)

/** Every filter is optional and a bad value falls back to "no filter", so a hand-edited URL never errors. */
const eventsSearchSchema = z.object({
  machineId: text.optional().catch(undefined),
  type: text.optional().catch(undefined),
  state: text.optional().catch(undefined),
  range: z.enum(['1h', '24h', '7d', 'all']).optional().catch(undefined),
})

export const Route = createFileRoute('/events/')({
  validateSearch: eventsSearchSchema,
  loaderDeps: ({ search }) => ({ machineId: search.machineId }),
  loader: ({ context, deps }) => context.queryClient.ensureInfiniteQueryData(eventFeedQueryOptions(deps.machineId)),
  component: EventFeedPage,
})
