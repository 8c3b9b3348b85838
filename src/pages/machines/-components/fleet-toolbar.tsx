import { useEffect, useId, useRef, useState } from 'react'
import { Button } from '../../../components/ui/button'
import type { FilterChoice } from '../../../lib/fleet-view'
import { MACHINE_STATES, stateLabel } from '../../../lib/machine-state'

const controlClasses =
  'h-9 rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100'

/**
 * The filter box. It keeps its own text so typing never waits for the URL, writes each change to the URL
 * (replacing the entry, so the back button skips keystrokes) and follows the URL when it changes elsewhere.
 */
function FilterBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId()
  const [text, setText] = useState(value)
  const sent = useRef(value)
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value
      setText(value)
    }
  }, [value])
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        Filter machines
      </label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder="Name, ID or IP address"
        autoComplete="off"
        spellCheck={false}
        className={`${controlClasses} w-64`}
        onChange={(event) => {
          setText(event.target.value)
          sent.current = event.target.value
          onChange(event.target.value)
        }}
      />
    </div>
  )
}

function Choice({
  label,
  all,
  value,
  choices,
  onChange,
}: {
  label: string
  all: string
  value: string | undefined
  choices: readonly FilterChoice[]
  onChange: (value: string | undefined) => void
}) {
  const id = useId()
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {label}
      </label>
      <select
        id={id}
        value={value ?? ''}
        className={controlClasses}
        onChange={(event) => onChange(event.target.value || undefined)}
      >
        <option value="">{all}</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  )
}

const STATE_CHOICES: readonly FilterChoice[] = MACHINE_STATES.map((state) => ({
  value: state,
  label: stateLabel(state),
}))

export interface FleetFilterValues {
  q: string
  state: string | undefined
  region: string | undefined
  type: string | undefined
}

export function FleetToolbar({
  filter,
  regions,
  types,
  filtered,
  onText,
  onChange,
  onClear,
  onExport,
  canExport,
}: {
  filter: FleetFilterValues
  regions: readonly FilterChoice[]
  types: readonly FilterChoice[]
  filtered: boolean
  onText: (q: string) => void
  onChange: (patch: Partial<Omit<FleetFilterValues, 'q'>>) => void
  onClear: () => void
  onExport: () => void
  canExport: boolean
}) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <FilterBox value={filter.q} onChange={onText} />
      <Choice
        label="State"
        all="All states"
        value={filter.state}
        choices={STATE_CHOICES}
        onChange={(state) => onChange({ state })}
      />
      <Choice
        label="Region"
        all="All regions"
        value={filter.region}
        choices={regions}
        onChange={(region) => onChange({ region })}
      />
      <Choice
        label="Machine type"
        all="All machine types"
        value={filter.type}
        choices={types}
        onChange={(type) => onChange({ type })}
      />
      {filtered ? (
        <Button variant="ghost" onClick={onClear}>
          Clear filters
        </Button>
      ) : null}
      <div className="ml-auto">
        <Button onClick={onExport} disabled={!canExport}>
          Export CSV
        </Button>
      </div>
    </div>
  )
}
