import { createFileRoute } from '@tanstack/react-router'
import { eventQueryOptions } from '../../api/events'
import { EventDetailError, EventDetailPage } from './-components/event-detail-page'

export const Route = createFileRoute('/events/$eventId')({
  // The loader travels with the page's own chunk: this route's data code stays out of the first load of /machines.
  codeSplitGroupings: [['loader', 'component'], ['errorComponent'], ['notFoundComponent']],
  loader: ({ context, params }) => context.queryClient.ensureQueryData(eventQueryOptions(params.eventId)),
  component: EventDetailPage,
  errorComponent: EventDetailError,
})
