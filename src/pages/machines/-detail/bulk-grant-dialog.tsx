import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { type BulkGrantResult, useGrantAccessToMany } from '../../../api/access'
import { fleetQueryOptions, type Machine } from '../../../api/machines'
import { teamMembersQueryOptions } from '../../../api/team'
import { Badge } from '../../../components/ui/badge'
import { Button } from '../../../components/ui/button'
import { Dialog } from '../../../components/ui/dialog'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { ErrorState } from '../../../components/ui/states'
import { regionName } from '../../../lib/catalog'
import { cn } from '../../../lib/cn'
import { stateLabel } from '../../../lib/machine-state'
import { describedBy, inputClasses } from './field'
import { resolveUserId, TeammateHint, TeammatePicker } from './teammates'

const DIALOG_CLASSES =
  'm-auto w-[min(44rem,calc(100vw-2rem))] rounded-lg bg-white p-0 text-slate-900 shadow-xl dark:bg-slate-900 dark:text-slate-100'

function matchesFilter(machine: Machine, filter: string): boolean {
  const needle = filter.trim().toLowerCase()
  if (needle === '') return true
  return [machine.name, machine.id, machine.machineType, machine.region, regionName(machine.region), machine.state]
    .filter(Boolean)
    .some((value) => String(value).toLowerCase().includes(needle))
}

const RESULT_LOOK: Record<BulkGrantResult['status'], { label: string; tone: 'green' | 'neutral' | 'red' }> = {
  granted: { label: 'Granted', tone: 'green' },
  already: { label: 'Already had access', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'red' },
}

/** Grants one teammate access to many machines picked from the fleet, then lists what happened on each. */
export function BulkGrantDialog({
  open,
  onClose,
  initialUserId,
  currentMachineId,
}: {
  open: boolean
  onClose: () => void
  initialUserId: string
  currentMachineId: string
}) {
  const fleet = useQuery({ ...fleetQueryOptions(), enabled: open })
  const team = useQuery({ ...teamMembersQueryOptions(), enabled: open })
  const grantMany = useGrantAccessToMany()
  const [userId, setUserId] = useState(initialUserId)
  const [userError, setUserError] = useState<string | undefined>()
  const [filter, setFilter] = useState('')
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set())
  const [results, setResults] = useState<BulkGrantResult[] | null>(null)
  const [selectionError, setSelectionError] = useState<string | null>(null)
  const baseId = useId()
  const userInputId = `${baseId}-user`
  const filterId = `${baseId}-filter`
  const formId = `${baseId}-form`

  const machines = fleet.data ?? []
  const shown = machines.filter((machine) => matchesFilter(machine, filter))
  const names = new Map(machines.map((machine) => [machine.id ?? '', machine.name ?? machine.id ?? '']))

  const toggle = (id: string, on: boolean) => {
    setSelectionError(null)
    setSelected((current) => {
      const next = new Set(current)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (grantMany.isPending) return
    const resolved = resolveUserId(userId, team.data ?? [])
    if ('error' in resolved) {
      setUserError(resolved.error)
      return
    }
    if (selected.size === 0) {
      setSelectionError('Pick at least one machine.')
      return
    }
    const machineIds = machines.flatMap((machine) => (machine.id && selected.has(machine.id) ? [machine.id] : []))
    setResults(await grantMany.mutateAsync({ userId: resolved.userId, machineIds }))
  }

  const counts = results
    ? {
        granted: results.filter((r) => r.status === 'granted').length,
        already: results.filter((r) => r.status === 'already').length,
        failed: results.filter((r) => r.status === 'failed').length,
      }
    : null

  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={grantMany.isPending}
      className={DIALOG_CLASSES}
      title="Grant access to several machines"
      description="Pick the machines, then grant one teammate access to all of them in one go."
      footer={
        results ? (
          <>
            <Button
              onClick={() => {
                setResults(null)
                setSelected(new Set())
              }}
            >
              Grant more
            </Button>
            <Button variant="primary" onClick={onClose}>
              Done
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onClose} disabled={grantMany.isPending}>
              Cancel
            </Button>
            <Button type="submit" form={formId} variant="primary" pending={grantMany.isPending}>
              {grantMany.isPending
                ? 'Granting…'
                : `Grant to ${selected.size} ${selected.size === 1 ? 'machine' : 'machines'}`}
            </Button>
          </>
        )
      }
    >
      {results && counts ? (
        <div className="flex flex-col gap-3">
          <p role="status" className="text-sm font-medium">
            {counts.granted} granted, {counts.already} already had access, {counts.failed} failed.
          </p>
          <ul
            aria-label="Results"
            className="flex max-h-80 flex-col divide-y divide-slate-200 overflow-y-auto dark:divide-slate-800"
          >
            {results.map((result) => (
              <li key={result.machineId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span className="font-medium">{names.get(result.machineId) ?? result.machineId}</span>
                <span className="flex items-center gap-2">
                  <Badge tone={RESULT_LOOK[result.status].tone}>{RESULT_LOOK[result.status].label}</Badge>
                  {result.message ? <span className="text-red-700 dark:text-red-300">{result.message}</span> : null}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <form id={formId} noValidate onSubmit={submit} className="flex flex-col gap-4">
          <div className="flex flex-col gap-1.5">
            <label htmlFor={userInputId} className="text-sm font-medium">
              User ID
            </label>
            <TeammatePicker
              id={userInputId}
              value={userId}
              onChange={(value) => {
                setUserId(value)
                setUserError(undefined)
              }}
              team={team}
              invalid={Boolean(userError)}
              describedBy={describedBy(userInputId, true, userError)}
            />
            <TeammateHint id={userInputId} value={userId} team={team} offered={team.data?.length ?? 0} />
            {userError ? (
              <p id={`${userInputId}-error`} className="text-sm font-medium text-red-700 dark:text-red-300">
                {userError}
              </p>
            ) : null}
          </div>
          <div className="flex flex-col gap-1.5">
            <label htmlFor={filterId} className="text-sm font-medium">
              Filter machines
            </label>
            <input
              id={filterId}
              type="search"
              value={filter}
              placeholder="Name, type, region or state"
              onChange={(event) => setFilter(event.target.value)}
              className={inputClasses(false)}
            />
          </div>
          <fieldset className="flex min-w-0 flex-col gap-2">
            <legend className="mb-1 flex w-full flex-wrap items-center justify-between gap-2 text-sm font-medium">
              <span>
                Machines ({selected.size} selected{filter ? `, ${shown.length} shown` : ''})
              </span>
            </legend>
            <div className="flex flex-wrap gap-2">
              <Button
                size="sm"
                variant="ghost"
                disabled={shown.length === 0}
                onClick={() => {
                  setSelectionError(null)
                  setSelected((current) => new Set([...current, ...shown.flatMap((m) => (m.id ? [m.id] : []))]))
                }}
              >
                Select all shown
              </Button>
              <Button size="sm" variant="ghost" disabled={selected.size === 0} onClick={() => setSelected(new Set())}>
                Clear selection
              </Button>
            </div>
            {fleet.isPending ? (
              <SkeletonRows rows={4} label="Loading machines" />
            ) : fleet.isError && !fleet.data ? (
              <ErrorState
                title="Could not load the machines"
                error={fleet.error}
                onRetry={() => void fleet.refetch()}
                retrying={fleet.isFetching}
              />
            ) : shown.length === 0 ? (
              <p className="py-4 text-center text-sm text-slate-600 dark:text-slate-300">
                {machines.length === 0 ? 'The team has no machines.' : 'No machine matches the filter.'}
              </p>
            ) : (
              <ul className="flex max-h-72 flex-col divide-y divide-slate-200 overflow-y-auto rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
                {shown.map((machine) => {
                  const id = machine.id ?? ''
                  const checkboxId = `${baseId}-m-${id}`
                  return (
                    <li key={id} className="flex items-center gap-3 px-3 py-2 text-sm">
                      <input
                        id={checkboxId}
                        type="checkbox"
                        checked={selected.has(id)}
                        onChange={(event) => toggle(id, event.target.checked)}
                        aria-describedby={`${checkboxId}-meta`}
                        className="size-4 accent-indigo-600"
                      />
                      <label htmlFor={checkboxId} className="min-w-0 flex-1 truncate font-medium">
                        {machine.name}
                      </label>
                      <span
                        id={`${checkboxId}-meta`}
                        className={cn('shrink-0 text-xs text-slate-600 dark:text-slate-400')}
                      >
                        {id === currentMachineId ? 'this machine · ' : ''}
                        {machine.machineType} · {machine.region} · {stateLabel(machine.state)}
                      </span>
                    </li>
                  )
                })}
              </ul>
            )}
            {selectionError ? (
              <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-300">
                {selectionError}
              </p>
            ) : null}
          </fieldset>
        </form>
      )}
    </Dialog>
  )
}
