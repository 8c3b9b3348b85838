import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { Account } from '../../../api/account'
import { type Session, sessionsQueryOptions, useEndAllSessions, useEndSession } from '../../../api/account-sessions'
import { isApiError } from '../../../api/client'
import { RelativeTime } from '../../../components/relative-time'
import { Badge } from '../../../components/ui/badge'
import { Button } from '../../../components/ui/button'
import { ConfirmDialog } from '../../../components/ui/dialog'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { EmptyState, ErrorState } from '../../../components/ui/states'
import { toast } from '../../../components/ui/toast-store'
import { browserLabel } from '../../../lib/user-agent'
import { Card } from './card'
import { useSignedOut } from './use-signed-out'

const HEAD = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300'
const CELL = 'px-3 py-2 align-middle'

/** Why a server that is not in sign-in mode has no sessions to list. */
function noSessionsReason(account: Account): string {
  if (account.via === 'sso') {
    return 'Your single sign-on proxy names you on every request, so this server keeps no sign-in sessions. Sign out through your identity provider.'
  }
  if (account.mode === 'demo') {
    return 'This server runs on demo data with its own key, so nobody signs in and there are no sessions.'
  }
  return 'This server uses its own Paperspace key for every request, so nobody signs in and there are no sessions.'
}

function failureText(error: unknown): string {
  return error instanceof Error ? error.message : 'Try again.'
}

/** The signed-in person's sessions, each with Sign out, and Sign out everywhere (sign-in mode). */
export function SessionsSection({ account }: { account: Account }) {
  if (account.via !== 'signin') {
    return (
      <Card title="Sessions">
        <p className="text-sm text-slate-600 dark:text-slate-300">{noSessionsReason(account)}</p>
      </Card>
    )
  }
  return <SignInSessions />
}

function SignInSessions() {
  const sessions = useQuery(sessionsQueryOptions())
  const endOne = useEndSession()
  const endAll = useEndAllSessions()
  const signedOut = useSignedOut()
  const [revoking, setRevoking] = useState<Session | null>(null)
  const [everywhere, setEverywhere] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)

  const closeRevoke = () => {
    if (endOne.isPending) return
    setRevoking(null)
    setFailure(null)
  }
  const closeEverywhere = () => {
    if (endAll.isPending) return
    setEverywhere(false)
    setFailure(null)
  }

  const revoke = async () => {
    if (!revoking || endOne.isPending) return
    const session = revoking
    setFailure(null)
    try {
      await endOne.mutateAsync(session.id)
    } catch (error) {
      // Already over (it expired, or another tab ended it): what was asked for is done.
      if (!(isApiError(error) && error.status === 404)) {
        setFailure(failureText(error))
        return
      }
    }
    setRevoking(null)
    if (session.current) {
      await signedOut()
      return
    }
    toast(`Signed out ${browserLabel(session.userAgent)}`, { tone: 'success' })
  }

  const signOutEverywhere = async () => {
    if (endAll.isPending) return
    setFailure(null)
    try {
      await endAll.mutateAsync()
    } catch (error) {
      setFailure(failureText(error))
      return
    }
    setEverywhere(false)
    await signedOut()
  }

  const items = sessions.data?.items ?? []

  return (
    <Card
      title="Sessions"
      description="Every browser signed in as you, newest first. Signing a browser out ends its session at once."
      actions={
        <Button variant="danger" size="sm" onClick={() => setEverywhere(true)} disabled={!sessions.data}>
          Sign out everywhere
        </Button>
      }
    >
      {sessions.isPending ? (
        <SkeletonRows rows={3} label="Loading sessions" />
      ) : sessions.isError && !sessions.data ? (
        <ErrorState
          title="Could not load your sessions"
          error={sessions.error}
          onRetry={() => void sessions.refetch()}
          retrying={sessions.isFetching}
        />
      ) : (
        <>
          {sessions.isRefetchError ? (
            <ErrorState
              title="Could not refresh your sessions"
              error={sessions.error}
              onRetry={() => void sessions.refetch()}
              retrying={sessions.isFetching}
            />
          ) : null}
          {items.length === 0 ? (
            <EmptyState title="No open sessions">Signing in from a browser opens a session here.</EmptyState>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
              <table className="w-full border-collapse text-sm">
                <caption className="sr-only">Your sessions, newest first</caption>
                <thead className="bg-slate-50 dark:bg-slate-900">
                  <tr>
                    <th scope="col" className={HEAD}>
                      Browser
                    </th>
                    <th scope="col" className={HEAD}>
                      Started
                    </th>
                    <th scope="col" className={HEAD}>
                      Last seen
                    </th>
                    <th scope="col" className={HEAD}>
                      Expires
                    </th>
                    <th scope="col" className={HEAD}>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 bg-white dark:divide-slate-800 dark:bg-slate-950">
                  {items.map((session) => {
                    const browser = browserLabel(session.userAgent)
                    return (
                      <tr key={session.id}>
                        <th scope="row" className={`${CELL} text-left font-medium`}>
                          <span className="flex flex-wrap items-center gap-2">
                            <span title={session.userAgent ?? undefined}>{browser}</span>
                            {session.current ? <Badge tone="blue">This browser</Badge> : null}
                          </span>
                        </th>
                        <td className={CELL}>
                          <RelativeTime iso={session.startedAt} />
                        </td>
                        <td className={CELL}>
                          <RelativeTime iso={session.lastSeenAt} />
                        </td>
                        <td className={CELL}>
                          <RelativeTime iso={session.expiresAt} />
                        </td>
                        <td className={`${CELL} text-right`}>
                          <Button
                            size="sm"
                            onClick={() => setRevoking(session)}
                            aria-label={`Sign out ${browser}${session.current ? ' (this browser)' : ''}`}
                          >
                            Sign out
                          </Button>
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}

      <ConfirmDialog
        open={revoking !== null}
        onClose={closeRevoke}
        onConfirm={() => void revoke()}
        title={revoking?.current ? 'Sign out this browser?' : `Sign out ${browserLabel(revoking?.userAgent)}?`}
        description={
          revoking?.current
            ? 'This is the browser you are using: you will need your API key to sign in again.'
            : 'That browser’s session ends at once; whoever uses it will need an API key to sign in again.'
        }
        confirmLabel="Sign out"
        confirmVariant="danger"
        pending={endOne.isPending}
      >
        {failure ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {failure}
          </p>
        ) : null}
      </ConfirmDialog>

      <ConfirmDialog
        open={everywhere}
        onClose={closeEverywhere}
        onConfirm={() => void signOutEverywhere()}
        title="Sign out everywhere?"
        description="Every session of yours ends at once, this browser’s included: you will need your API key to sign in again."
        confirmLabel="Sign out everywhere"
        confirmVariant="danger"
        pending={endAll.isPending}
      >
        {failure ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {failure}
          </p>
        ) : null}
      </ConfirmDialog>
    </Card>
  )
}
