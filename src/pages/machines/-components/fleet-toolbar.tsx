import { useEffect, useId, useRef, useState } from 'react'
import { Button } from '../../../components/ui/button'
import type { FilterChoice } from '../../../lib/fleet-view'
import { MACHINE_STATES, stateLabel } from '../../../lib/machine-state'

const controlClasses =
  'h-9 rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100'

/** How long typing pauses before the filter text goes into the URL. */
export const FILTER_URL_DELAY_MS = 300

/**
 * The filter box. It keeps its own text, so a keystroke renders only this box: each change goes to `onInput` at
 * once (the page filters the table in the background) and to `onCommit`, which writes the URL, only once typing
 * pauses, on Enter or when the box loses focus, so keystrokes wait for neither routing nor history. It follows the
 * URL when that changes elsewhere (back button, links, clearing the filters), dropping text not yet written.
 */
function FilterBox({
  value,
  onInput,
  onCommit,
}: {
  value: string
  onInput: (value: string) => void
  onCommit: (value: string) => void
}) {
  const id = useId()
  const [text, setText] = useState(value)
  // The URL's text as this box knows it: what it last wrote there or read from it.
  const written = useRef(value)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  const commit = (next: string) => {
    clearTimeout(timer.current)
    timer.current = undefined
    if (next === written.current) return
    written.current = next
    onCommit(next)
  }
  useEffect(() => {
    if (value !== written.current) {
      clearTimeout(timer.current)
      timer.current = undefined
      written.current = value
      setText(value)
    }
  }, [value])
  // Leaving the page drops a pending write: by then the URL is another page's.
  useEffect(() => () => clearTimeout(timer.current), [])
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
          const next = event.target.value
          setText(next)
          onInput(next)
          clearTimeout(timer.current)
          timer.current = setTimeout(() => commit(next), FILTER_URL_DELAY_MS)
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit(text)
        }}
        onBlur={() => commit(text)}
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
  textKey,
  onText,
  onTextCommit,
  onChange,
  onClear,
  onExport,
  canExport,
}: {
  filter: FleetFilterValues
  regions: readonly FilterChoice[]
  types: readonly FilterChoice[]
  filtered: boolean
  /** A new key starts the filter box afresh, dropping text not yet written. */
  textKey: number
  /** Each change of the filter text, as it is typed. */
  onText: (q: string) => void
  /** The filter text to put in the URL, once typing pauses (or on Enter, or when the box loses focus). */
  onTextCommit: (q: string) => void
  onChange: (patch: Partial<Omit<FleetFilterValues, 'q'>>) => void
  onClear: () => void
  onExport: () => void
  canExport: boolean
}) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <FilterBox key={textKey} value={filter.q} onInput={onText} onCommit={onTextCommit} />
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
