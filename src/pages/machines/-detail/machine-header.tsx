import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import type { ReactNode } from 'react'
import { accessorsQueryOptions } from '../../../api/access'
import type { Machine } from '../../../api/machines'
import { RelativeTime } from '../../../components/relative-time'
import { StateBadge } from '../../../components/state-badge'
import { CopyButton } from '../../../components/ui/copy-button'
import { machineTypeInfo, regionName } from '../../../lib/catalog'
import { formatBytes } from '../../../lib/format'
import { isTransitional } from '../../../lib/machine-state'
import {
  autoShutdownHours,
  autoSnapshotFrequency,
  describeAutoShutdown,
  describeAutoSnapshot,
  SNAPSHOT_FREQUENCIES,
  type SnapshotFrequency,
} from './machine-facts'
import { StaleNotice } from './section'
import type { KnownSettings } from './settings-form'

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">{label}</dt>
      <dd className="flex min-h-8 min-w-0 items-center gap-1 text-sm text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  )
}

function None({ children = 'None' }: { children?: string }) {
  return <span className="text-slate-500 dark:text-slate-400">{children}</span>
}

function Mono({ children }: { children: ReactNode }) {
  return <code className="truncate font-mono text-[0.8125rem]">{children}</code>
}

function knownFrequency(value: string | undefined): SnapshotFrequency | 'off' | null {
  return value && (value === 'off' || (SNAPSHOT_FREQUENCIES as readonly string[]).includes(value))
    ? (value as SnapshotFrequency | 'off')
    : null
}

function gpuText(machine: Machine): string | null {
  if (!machine.gpu) return null
  const info = machineTypeInfo(machine.machineType)
  if (!info || info.gpuCount === 0) return machine.gpu
  return info.gpuCount > 1
    ? `${info.gpuCount} × ${machine.gpu}, ${info.gpuMemoryGb} GB each`
    : `${machine.gpu}, ${info.gpuMemoryGb} GB`
}

export function MachineHeader({
  machine,
  refreshError,
  onRetry,
  retrying,
  known,
}: {
  machine: Machine
  /** timeout and frequency the service does not report, as last saved here */
  known: KnownSettings
  /** set when the last refresh failed and the data shown is the last known */
  refreshError: unknown
  onRetry: () => void
  retrying: boolean
}) {
  const id = machine.id ?? ''
  const gpu = gpuText(machine)
  // The access section loads the accessors; the header only reads them, to name the owner.
  const accessors = useQuery({ ...accessorsQueryOptions(id), enabled: false })
  const ownerEmail = accessors.data?.find((accessor) => accessor.userId === machine.userId)?.email
  return (
    <header className="flex flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link
          to="/machines"
          activeOptions={{ exact: true }}
          className="rounded text-indigo-700 underline underline-offset-2 hover:no-underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
        >
          Machines
        </Link>
        <span aria-hidden="true" className="px-1.5 text-slate-400">
          /
        </span>
        <span aria-current="page" className="text-slate-600 dark:text-slate-300">
          {machine.name}
        </span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold break-all text-slate-900 dark:text-white">{machine.name}</h1>
        <div role="status" aria-label="Machine state" className="flex items-center gap-2">
          <StateBadge state={machine.state} className="text-sm" />
          {isTransitional(machine.state) ? (
            <span className="text-xs text-slate-600 dark:text-slate-400">Checking every 2 seconds…</span>
          ) : null}
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-1 text-sm text-slate-600 dark:text-slate-300">
        <span>ID</span>
        <Mono>{id}</Mono>
        <CopyButton value={id} label="Copy machine ID" />
      </div>
      {refreshError ? <StaleNotice error={refreshError} onRetry={onRetry} retrying={retrying} /> : null}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg border border-slate-200 bg-white p-5 sm:grid-cols-3 lg:grid-cols-5 dark:border-slate-800 dark:bg-slate-900">
        <Fact label="Type">{machine.machineType ?? <None>Unknown</None>}</Fact>
        <Fact label="Region">{regionName(machine.region)}</Fact>
        <Fact label="GPU">{gpu ?? <None />}</Fact>
        <Fact label="CPUs">{machine.cpus ?? '—'}</Fact>
        <Fact label="RAM">{formatBytes(machine.ram)}</Fact>
        <Fact label="Storage">{formatBytes(machine.storageTotal)}</Fact>
        <Fact label="OS">{machine.os ?? <None>Unknown</None>}</Fact>
        <Fact label="Public IP">
          {machine.publicIp ? (
            <>
              <Mono>{machine.publicIp}</Mono>
              <CopyButton value={machine.publicIp} label="Copy public IP" />
            </>
          ) : (
            <None />
          )}
        </Fact>
        <Fact label="Private IP">
          {machine.privateIp ? (
            <>
              <Mono>{machine.privateIp}</Mono>
              <CopyButton value={machine.privateIp} label="Copy private IP" />
            </>
          ) : (
            <None />
          )}
        </Fact>
        <Fact label="Team">
          <Mono>{machine.teamId ?? '—'}</Mono>
        </Fact>
        <Fact label="Owner">
          {ownerEmail ? <span className="truncate">{ownerEmail}</span> : null}
          <Mono>{ownerEmail ? `(${machine.userId})` : (machine.userId ?? '—')}</Mono>
        </Fact>
        <Fact label="Created">
          <RelativeTime iso={machine.dtCreated} />
        </Fact>
        <Fact label="Last run">
          {machine.dtLastRun ? <RelativeTime iso={machine.dtLastRun} /> : <None>Never</None>}
        </Fact>
        <Fact label="Auto-shutdown">
          {describeAutoShutdown(
            autoShutdownHours(machine) ?? (known.autoShutdown ? Number(known.autoShutdown) : null),
            machine.autoShutdownEnabled,
          )}
        </Fact>
        <Fact label="Auto-snapshot">
          {describeAutoSnapshot(
            autoSnapshotFrequency(machine) ?? knownFrequency(known.autoSnapshot),
            machine.autoSnapshotEnabled,
          )}
        </Fact>
      </dl>
    </header>
  )
}
