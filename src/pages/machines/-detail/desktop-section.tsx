import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { desktopQueryOptions } from '../../../api/desktop'
import type { Machine } from '../../../api/machines'
import { Button } from '../../../components/ui/button'
import { CopyButton } from '../../../components/ui/copy-button'
import { SkeletonRows } from '../../../components/ui/skeleton'
import { ErrorState } from '../../../components/ui/states'
import { stateLabel } from '../../../lib/machine-state'
import { Section, StaleNotice } from './section'

const MASK = '••••••••••••••••'

/** Host, port, protocol and a masked token; only asked for while the machine is ready. */
export function DesktopSection({ machine }: { machine: Machine }) {
  const ready = machine.state === 'ready'
  const desktop = useQuery(desktopQueryOptions(machine.id ?? '', ready))
  const [revealed, setRevealed] = useState(false)

  return (
    <Section title="Desktop" description="Streaming settings for the Paperspace desktop client.">
      {!ready ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300">
          The desktop is available while the machine is running. It is {stateLabel(machine.state).toLowerCase()} now
          {machine.state === 'off' ? '; start it to connect.' : '.'}
        </p>
      ) : desktop.isPending ? (
        <SkeletonRows rows={3} label="Loading desktop settings" />
      ) : desktop.isError && !desktop.data ? (
        <ErrorState
          title="Could not load the desktop settings"
          error={desktop.error}
          onRetry={() => void desktop.refetch()}
          retrying={desktop.isFetching}
        />
      ) : (
        <>
          {desktop.isError ? (
            <StaleNotice error={desktop.error} onRetry={() => void desktop.refetch()} retrying={desktop.isFetching} />
          ) : null}
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div className="flex min-w-0 flex-col gap-0.5">
              <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Host</dt>
              <dd className="font-mono text-[0.8125rem] break-all">{desktop.data.host ?? '—'}</dd>
            </div>
            <div className="flex flex-col gap-0.5">
              <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Port</dt>
              <dd className="font-mono text-[0.8125rem]">{desktop.data.port ?? '—'}</dd>
            </div>
            <div className="flex flex-col gap-0.5">
              <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">
                Protocol
              </dt>
              <dd>{desktop.data.protocol ?? '—'}</dd>
            </div>
            <div className="flex min-w-0 flex-col gap-0.5 sm:col-span-3">
              <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Token</dt>
              <dd className="flex flex-wrap items-center gap-2">
                {!desktop.data.token ? (
                  <span className="text-slate-600 dark:text-slate-300">
                    None: this desktop signs in with the machine's own credentials.
                  </span>
                ) : (
                  <>
                    {revealed ? (
                      <code className="font-mono text-[0.8125rem] break-all">{desktop.data.token}</code>
                    ) : (
                      <span className="font-mono text-[0.8125rem] tracking-widest">
                        <span aria-hidden="true">{MASK}</span>
                        <span className="sr-only">Hidden</span>
                      </span>
                    )}
                    <Button size="sm" variant="secondary" onClick={() => setRevealed((r) => !r)}>
                      {revealed ? 'Hide token' : 'Reveal token'}
                    </Button>
                    <CopyButton value={desktop.data.token} label="Copy token" />
                  </>
                )}
              </dd>
            </div>
          </dl>
        </>
      )}
    </Section>
  )
}
