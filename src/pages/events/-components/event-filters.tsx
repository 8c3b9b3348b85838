import { useMemo } from 'react'
import type { Machine } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import {
  EVENT_STATES,
  EVENT_TYPES,
  eventStateLabel,
  eventTypeLabel,
  TIME_RANGES,
  type TimeRangeId,
} from '../../../lib/machine-events'
import { type FilterOption, FilterSelect } from './filter-select'

export interface EventFilterValues {
  machineId?: string | undefined
  type?: string | undefined
  state?: string | undefined
  range?: TimeRangeId | undefined
}

function withExtras(known: readonly string[], seen: Iterable<string>, current: string | undefined): string[] {
  const all = new Set<string>(known)
  for (const value of seen) if (value) all.add(value)
  if (current) all.add(current)
  return [...all]
}

/** The filter bar: every choice lives in the URL, so a filtered view can be shared and survives a reload. */
export function EventFilters({
  values,
  onChange,
  machines,
  seenTypes,
  seenStates,
}: {
  values: EventFilterValues
  onChange: (patch: EventFilterValues) => void
  machines: readonly Machine[]
  seenTypes: Iterable<string>
  seenStates: Iterable<string>
}) {
  const machineOptions = useMemo(() => {
    const options: FilterOption[] = [{ value: '', label: 'All machines' }]
    const sorted = [...machines]
      .filter((m): m is Machine & { id: string } => Boolean(m.id))
      .sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id))
    for (const machine of sorted) options.push({ value: machine.id, label: machine.name ?? machine.id })
    if (values.machineId && !sorted.some((m) => m.id === values.machineId)) {
      options.push({ value: values.machineId, label: values.machineId })
    }
    return options
  }, [machines, values.machineId])

  const typeOptions: FilterOption[] = [
    { value: '', label: 'All types' },
    ...withExtras(EVENT_TYPES, seenTypes, values.type).map((t) => ({ value: t, label: eventTypeLabel(t) })),
  ]
  const stateOptions: FilterOption[] = [
    { value: '', label: 'All states' },
    ...withExtras(EVENT_STATES, seenStates, values.state).map((s) => ({ value: s, label: eventStateLabel(s) })),
  ]
  const rangeOptions: FilterOption[] = TIME_RANGES.map((r) => ({ value: r.id, label: r.label }))
  const filtered = Boolean(values.machineId || values.type || values.state || (values.range && values.range !== 'all'))

  return (
    <fieldset className="flex flex-wrap items-end gap-3">
      <legend className="sr-only">Filter events</legend>
      <FilterSelect
        label="Machine"
        value={values.machineId ?? ''}
        options={machineOptions}
        onChange={(value) => onChange({ machineId: value || undefined })}
      />
      <FilterSelect
        label="Event type"
        value={values.type ?? ''}
        options={typeOptions}
        onChange={(value) => onChange({ type: value || undefined })}
      />
      <FilterSelect
        label="State"
        value={values.state ?? ''}
        options={stateOptions}
        onChange={(value) => onChange({ state: value || undefined })}
      />
      <FilterSelect
        label="Time range"
        value={values.range ?? 'all'}
        options={rangeOptions}
        onChange={(value) => onChange({ range: value === 'all' ? undefined : (value as TimeRangeId) })}
      />
      {filtered ? (
        <Button
          variant="ghost"
          onClick={() => onChange({ machineId: undefined, type: undefined, state: undefined, range: undefined })}
        >
          Clear filters
        </Button>
      ) : null}
    </fieldset>
  )
}
