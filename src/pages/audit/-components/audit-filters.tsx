import { type FormEvent, useEffect, useId, useState } from 'react'
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditFilters } from '../../../api/audit-filters'
import { Button } from '../../../components/ui/button'
import { auditActionLabel, auditOutcomeLabel } from '../../../lib/audit-labels'

const CONTROL =
  'h-9 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100'
const LABEL = 'text-xs font-medium text-slate-600 dark:text-slate-300'

export function hasFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined && value !== '')
}

/** A labelled text box that writes its value on Enter or when it loses focus, not on every keystroke. */
function TextFilter({
  label,
  value,
  placeholder,
  onCommit,
}: {
  label: string
  value: string
  placeholder?: string
  onCommit: (value: string | undefined) => void
}) {
  const id = useId()
  const [text, setText] = useState(value)
  // The URL changed elsewhere (back button, Clear filters): follow it.
  useEffect(() => setText(value), [value])
  const commit = () => {
    const next = text.trim()
    if (next !== value) onCommit(next || undefined)
  }
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault()
            commit()
          }
        }}
        className={`${CONTROL} w-48`}
      />
    </div>
  )
}

function SelectFilter({
  label,
  value,
  all,
  options,
  onChange,
}: {
  label: string
  value: string
  all: string
  options: ReadonlyArray<{ value: string; label: string }>
  onChange: (value: string | undefined) => void
}) {
  const id = useId()
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value || undefined)} className={CONTROL}>
        <option value="">{all}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}

function DateFilter({
  label,
  value,
  onChange,
}: {
  label: string
  value: string
  onChange: (value: string | undefined) => void
}) {
  const id = useId()
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={value}
        onChange={(event) => onChange(event.target.value || undefined)}
        className={CONTROL}
      />
    </div>
  )
}

const ACTION_OPTIONS = AUDIT_ACTIONS.map((value) => ({ value, label: auditActionLabel(value) }))
const OUTCOME_OPTIONS = AUDIT_OUTCOMES.map((value) => ({ value, label: auditOutcomeLabel(value) }))

/** The filter bar: every choice lives in the URL, so a filtered view can be shared and survives a reload. */
export function AuditFilterBar({
  filters,
  onChange,
}: {
  filters: AuditFilters
  onChange: (patch: Partial<Record<keyof AuditFilters, string | undefined>>) => void
}) {
  const onSubmit = (event: FormEvent) => event.preventDefault()
  return (
    <form onSubmit={onSubmit} aria-label="Filter audit entries" className="flex flex-wrap items-end gap-3">
      <TextFilter
        label="Actor"
        value={filters.actor ?? ''}
        placeholder="Name, email or id"
        onCommit={(actor) => onChange({ actor })}
      />
      <SelectFilter
        label="Action"
        value={filters.action ?? ''}
        all="All actions"
        options={ACTION_OPTIONS}
        onChange={(action) => onChange({ action })}
      />
      <TextFilter
        label="Machine ID"
        value={filters.machineId ?? ''}
        placeholder="e.g. psabc123"
        onCommit={(machineId) => onChange({ machineId })}
      />
      <SelectFilter
        label="Outcome"
        value={filters.outcome ?? ''}
        all="All outcomes"
        options={OUTCOME_OPTIONS}
        onChange={(outcome) => onChange({ outcome })}
      />
      <DateFilter label="From" value={filters.from ?? ''} onChange={(from) => onChange({ from })} />
      <DateFilter label="To" value={filters.to ?? ''} onChange={(to) => onChange({ to })} />
      {hasFilters(filters) ? (
        <Button
          variant="ghost"
          onClick={() =>
            onChange({
              actor: undefined,
              action: undefined,
              machineId: undefined,
              outcome: undefined,
              from: undefined,
              to: undefined,
            })
          }
        >
          Clear filters
        </Button>
      ) : null}
    </form>
  )
}
