import { createFileRoute } from '@tanstack/react-router'
// valibot: the search schema loads with the entry, and its functions tree-shake to a few hundred bytes.
import * as v from 'valibot'
import { eventFeedQueryOptions } from '../../api/events'
import { EventFeedPage } from './-components/event-feed-page'

const text = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))

/** Absent or invalid: left out. */
const optional = <T extends v.GenericSchema>(schema: T) => v.fallback(v.optional(schema), undefined)

/** Every filter is optional and a bad value falls back to "no filter", so a hand-edited URL never errors. */
const eventsSearchSchema = v.object({
  machineId: optional(text),
  type: optional(text),
  state: optional(text),
  range: optional(v.picklist(['1h', '24h', '7d', 'all'])),
})

export const Route = createFileRoute('/events/')({
  // The loader travels with the page's own chunk: this route's data code stays out of the first load of /machines.
  codeSplitGroupings: [['loader', 'component'], ['errorComponent'], ['notFoundComponent']],
  validateSearch: eventsSearchSchema,
  loaderDeps: ({ search }) => ({ machineId: search.machineId }),
  loader: ({ context, deps }) => context.queryClient.ensureInfiniteQueryData(eventFeedQueryOptions(deps.machineId)),
  component: EventFeedPage,
})
