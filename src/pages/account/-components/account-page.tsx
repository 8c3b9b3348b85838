import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { type Account, accountQueryOptions } from '../../../api/account'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { ErrorState } from '../../../components/ui/states'
import { viaLabel } from '../../../lib/audit-labels'
import { personLabel } from '../../../lib/identity'
import { Card } from './card'
import { SessionsSection } from './sessions-section'

/** How the server knows who is acting, in a sentence. */
function viaDescription(account: Account): string {
  switch (account.via) {
    case 'signin':
      return 'You signed in with your own Paperspace API key; your actions are recorded as yours.'
    case 'sso':
      return 'Your single sign-on proxy names you on every request; your actions are recorded as yours.'
    case 'server-key':
      return 'The server acts with its own Paperspace key for everyone, so actions are recorded as the server key’s.'
    default:
      return `Known as a ${viaLabel(account.via).toLowerCase()}.`
  }
}

const MODE_LABELS: Record<Account['mode'], string> = {
  demo: 'Demo data (an embedded simulator; no real machines are touched)',
  live: 'Live, with the server’s own key',
  signin: 'Live, each admin signs in with their own key',
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 sm:flex-row sm:gap-4">
      <dt className="w-40 shrink-0 text-sm text-slate-600 dark:text-slate-300">{term}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  )
}

function Unknown() {
  return <span className="text-slate-500 dark:text-slate-400">Not known</span>
}

function Identity({ account }: { account: Account }) {
  const user = account.user
  const team = account.team
  return (
    <Card title="You">
      <dl className="flex flex-col gap-3">
        <Fact term="Name">{user?.name?.trim() ? user.name : <Unknown />}</Fact>
        <Fact term="Email">{user?.email ?? <Unknown />}</Fact>
        <Fact term="Team">{team?.name ?? team?.id ?? <Unknown />}</Fact>
        <Fact term="Known by">
          <span className="font-medium">{viaLabel(account.via)}</span>
          <span className="block text-slate-600 dark:text-slate-300">{viaDescription(account)}</span>
        </Fact>
        <Fact term="Server mode">{MODE_LABELS[account.mode] ?? account.mode}</Fact>
      </dl>
    </Card>
  )
}

/** Who you are to this server, and your sign-in sessions. */
export function AccountPage() {
  const account = useQuery(accountQueryOptions())
  return (
    <section className="flex max-w-4xl flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">Account</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          {account.data && account.data.via !== 'server-key'
            ? `Signed in as ${personLabel(account.data)}.`
            : 'Who you are to this server.'}
        </p>
      </div>
      {account.isPending ? (
        <SkeletonRows rows={5} label="Loading your account" />
      ) : account.isError && !account.data ? (
        <ErrorState
          title="Could not load your account"
          error={account.error}
          onRetry={() => void account.refetch()}
          retrying={account.isFetching}
        />
      ) : (
        <>
          <Identity account={account.data} />
          <SessionsSection account={account.data} />
        </>
      )}
    </section>
  )
}
