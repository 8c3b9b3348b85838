import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useRef, useState } from 'react'
import { type Accessor, accessorsQueryOptions, useGrantAccess, useRevokeAccess } from '../../../api/access'
import type { Machine } from '../../../api/machines'
import { teamMembersQueryOptions } from '../../../api/team'
import { Badge } from '../../../components/ui/badge'
import { Button } from '../../../components/ui/button'
import { ConfirmDialog } from '../../../components/ui/dialog'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { EmptyState, ErrorState } from '../../../components/ui/states'
import { BulkGrantDialog } from './bulk-grant-dialog'
import { describedBy } from './field'
import { Section, StaleNotice } from './section'
import { resolveUserId, TeammateHint, TeammatePicker } from './teammates'

const who = (accessor: Accessor) => accessor.email || accessor.userId || 'unknown user'

/** Who can use the machine; grant to a team member (picked or by user id), revoke with confirmation, or grant many. */
export function AccessSection({ machine }: { machine: Machine }) {
  const machineId = machine.id ?? ''
  const accessors = useQuery(accessorsQueryOptions(machineId))
  const team = useQuery(teamMembersQueryOptions())
  const have = new Set((accessors.data ?? []).flatMap((accessor) => (accessor.userId ? [accessor.userId] : [])))
  const offered = (team.data ?? []).filter((member) => !have.has(member.user.id)).length
  const grant = useGrantAccess(machineId)
  const revoke = useRevokeAccess(machineId)
  const [userId, setUserId] = useState('')
  const [grantError, setGrantError] = useState<string | undefined>()
  const [notice, setNotice] = useState<string | null>(null)
  const [revoking, setRevoking] = useState<Accessor | null>(null)
  const [revokeError, setRevokeError] = useState<string | null>(null)
  const [bulkOpen, setBulkOpen] = useState(false)
  const [bulkKey, setBulkKey] = useState(0)
  const inputRef = useRef<HTMLInputElement>(null)
  const inputId = useId()

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (grant.isPending) return
    setNotice(null)
    const resolved = resolveUserId(userId, team.data ?? [])
    if ('error' in resolved) {
      setGrantError(resolved.error)
      inputRef.current?.focus()
      return
    }
    setGrantError(undefined)
    try {
      const granted = await grant.mutateAsync(resolved.userId)
      setUserId('')
      setNotice(`Granted access to ${granted.email || granted.userId || resolved.userId}.`)
    } catch (error) {
      setGrantError(error instanceof Error ? error.message : 'Access could not be granted.')
      inputRef.current?.focus()
    }
  }

  const confirmRevoke = async () => {
    if (!revoking?.userId || revoke.isPending) return
    setRevokeError(null)
    try {
      await revoke.mutateAsync(revoking.userId)
      setNotice(`Revoked access for ${who(revoking)}.`)
      setRevoking(null)
    } catch (error) {
      setRevokeError(error instanceof Error ? error.message : 'Access could not be revoked.')
    }
  }

  return (
    <Section
      title="Access"
      description="Team members with explicit access to this machine."
      actions={
        <Button
          size="sm"
          onClick={() => {
            setBulkKey((key) => key + 1)
            setBulkOpen(true)
          }}
        >
          Grant to several machines…
        </Button>
      }
    >
      {accessors.isPending ? (
        <SkeletonRows rows={3} label="Loading accessors" />
      ) : accessors.isError && !accessors.data ? (
        <ErrorState
          title="Could not load who has access"
          error={accessors.error}
          onRetry={() => void accessors.refetch()}
          retrying={accessors.isFetching}
        />
      ) : (
        <>
          {accessors.isError ? (
            <StaleNotice
              error={accessors.error}
              onRetry={() => void accessors.refetch()}
              retrying={accessors.isFetching}
            />
          ) : null}
          {accessors.data.length === 0 ? (
            <EmptyState title="No one has explicit access">Grant a teammate access below.</EmptyState>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">People with access to {machine.name}</caption>
                <thead className="text-xs text-slate-500 uppercase dark:text-slate-400">
                  <tr>
                    <th scope="col" className="py-2 pr-4 font-medium">
                      Email
                    </th>
                    <th scope="col" className="py-2 pr-4 font-medium">
                      User ID
                    </th>
                    <th scope="col" className="py-2 pr-4 font-medium">
                      Role
                    </th>
                    <th scope="col" className="py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                  {accessors.data.map((accessor) => (
                    <tr key={accessor.userId}>
                      <td className="py-2 pr-4 break-all">{accessor.email || '—'}</td>
                      <td className="py-2 pr-4">
                        <code className="font-mono text-[0.8125rem]">{accessor.userId}</code>
                      </td>
                      <td className="py-2 pr-4">
                        <Badge tone={accessor.access === 'admin' ? 'blue' : 'neutral'}>
                          {accessor.access === 'admin' ? 'Admin' : 'User'}
                        </Badge>
                      </td>
                      <td className="py-2 text-right">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Revoke access for ${who(accessor)}`}
                          onClick={() => {
                            setRevokeError(null)
                            setRevoking(accessor)
                          }}
                        >
                          Revoke
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <form noValidate onSubmit={submit} className="flex flex-col gap-1.5" aria-label="Grant access">
        <label htmlFor={inputId} className="text-sm font-medium text-slate-800 dark:text-slate-200">
          User ID
        </label>
        <div className="flex flex-wrap gap-2">
          <TeammatePicker
            id={inputId}
            inputRef={inputRef}
            value={userId}
            onChange={(value) => {
              setUserId(value)
              setGrantError(undefined)
            }}
            team={team}
            exclude={have}
            invalid={Boolean(grantError)}
            describedBy={describedBy(inputId, true, grantError)}
            className="min-w-56 flex-1"
          />
          <Button type="submit" variant="primary" pending={grant.isPending}>
            Grant access
          </Button>
        </div>
        <TeammateHint id={inputId} value={userId} team={team} offered={offered} />
        {grantError ? (
          <p id={`${inputId}-error`} className="text-sm font-medium text-red-700 dark:text-red-300">
            {grantError}
          </p>
        ) : null}
        <p role="status" className="text-sm text-slate-600 dark:text-slate-300">
          {notice}
        </p>
      </form>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => {
          if (!revoke.isPending) setRevoking(null)
        }}
        onConfirm={() => void confirmRevoke()}
        title={`Revoke access for ${revoking ? who(revoking) : ''}?`}
        description={`They can no longer use ${machine.name}. You can grant access again later.`}
        confirmLabel="Revoke access"
        confirmVariant="danger"
        pending={revoke.isPending}
      >
        {revokeError ? (
          <div
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
          >
            {revokeError}
          </div>
        ) : null}
      </ConfirmDialog>
      <BulkGrantDialog
        key={bulkKey}
        open={bulkOpen}
        onClose={() => setBulkOpen(false)}
        initialUserId={userId}
        currentMachineId={machineId}
      />
    </Section>
  )
}
