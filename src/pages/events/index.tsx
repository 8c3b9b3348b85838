import { createFileRoute } from '@tanstack/react-router'
import { eventFeedQueryOptions } from '../../api/events'
import { oneOf, type Readers, readSearch, text } from '../../lib/search-params'
import { EventFeedPage } from './-components/event-feed-page'

interface EventsSearch {
  machineId?: string
  type?: string
  state?: string
  range?: '1h' | '24h' | '7d' | 'all'
}

const filter = text({ min: 1, max: 200, trim: true })

/** Every filter is optional and a bad value falls back to "no filter", so a hand-edited URL never errors. */
const EVENTS_SEARCH_READERS: Readers<EventsSearch> = {
  machineId: filter,
  type: filter,
  state: filter,
  range: oneOf(['1h', '24h', '7d', 'all']),
}

export const Route = createFileRoute('/events/')({
  // The loader travels with the page's own chunk: this route's data code stays out of the first load of /machines.
  codeSplitGroupings: [['loader', 'component'], ['errorComponent'], ['notFoundComponent']],
  validateSearch: (input: EventsSearch): EventsSearch => readSearch(input, EVENTS_SEARCH_READERS),
  loaderDeps: ({ search }) => ({ machineId: search.machineId }),
  loader: ({ context, deps }) => context.queryClient.ensureInfiniteQueryData(eventFeedQueryOptions(deps.machineId)),
  component: EventFeedPage,
})
