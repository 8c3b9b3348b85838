import { createFileRoute } from '@tanstack/react-router'
import { eventQueryOptions } from '../../api/events'
import { EventDetailError, EventDetailPage } from './-components/event-detail-page'

export const Route = createFileRoute('/events/$eventId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(eventQueryOptions(params.eventId)),
  component: EventDetailPage,
  errorComponent: EventDetailError,
})
