import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import type { ReactNode } from 'react'
import { accessorsQueryOptions } from '../../../api/access'
import { lastStartQueryOptions, type Machine, needsLastStart } from '../../../api/machines'
import { RelativeTime } from '../../../components/relative-time'
import { StateBadge } from '../../../components/state-badge'
import { Badge } from '../../../components/ui/badge'
import { CopyButton } from '../../../components/ui/copy-button'
import { gpuDetail } from '../../../lib/accelerators'
import { regionName } from '../../../lib/catalog'
import { formatBytes, formatMoney } from '../../../lib/format'
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

/** "23 GB of 100 GB used" where the service tells what is used (live), else the size alone. */
function storageText(machine: Machine): string {
  const total = formatBytes(machine.storageTotal)
  if (machine.storageUsed === undefined || machine.storageTotal === undefined) return total
  return `${formatBytes(machine.storageUsed)} of ${total} used`
}

/** "$3.09/h running, $0.01/h disk": the live service's own rates. */
function rateText(machine: Machine): string | null {
  if (machine.usageRate === undefined) return null
  const disk = machine.storageRate === undefined ? '' : `, ${formatRate(machine.storageRate)} disk`
  return `${formatRate(machine.usageRate)} running${disk}`
}

function formatRate(dollarsPerHour: number): string {
  return dollarsPerHour > 0 && dollarsPerHour < 0.01 ? '< $0.01/h' : `${formatMoney(dollarsPerHour)}/h`
}

function restorePointText(machine: Machine): string {
  if (!machine.restorePointEnabled) return 'Off'
  const when = machine.restorePointFrequency === 'shutdown' ? 'Restored at every shutdown' : 'On'
  return machine.restorePointSnapshotId ? `${when}, from snapshot ${machine.restorePointSnapshotId}` : when
}

/** When the machine last started: `dtLastRun` (contract), else its latest start among its events (live). */
function LastRun({ machine }: { machine: Machine }) {
  const lookUp = needsLastStart(machine)
  const lastStart = useQuery({ ...lastStartQueryOptions(machine), enabled: lookUp })
  if (machine.dtLastRun) return <RelativeTime iso={machine.dtLastRun} />
  if (!lookUp) return <None>Never</None>
  if (lastStart.data) return <RelativeTime iso={lastStart.data} />
  return <None>{lastStart.isSuccess ? 'No start among its events' : '—'}</None>
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
  const gpu = gpuDetail(machine)
  const rate = rateText(machine)
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
          {machine.updatesPending ? (
            <Badge tone="amber" className="text-sm">
              Updates pending
            </Badge>
          ) : null}
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
        <Fact label="GPU">{gpu || <None />}</Fact>
        <Fact label="CPUs">{machine.cpus ?? '—'}</Fact>
        <Fact label="RAM">{formatBytes(machine.ram)}</Fact>
        <Fact label="Storage">{storageText(machine)}</Fact>
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
        {rate ? <Fact label="Rate">{rate}</Fact> : null}
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
          <LastRun machine={machine} />
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
          {machine.autoSnapshotEnabled && machine.autoSnapshotSaveCount
            ? `, keeps ${machine.autoSnapshotSaveCount}`
            : ''}
        </Fact>
        {machine.restorePointEnabled !== undefined ? (
          <Fact label="Restore point">{restorePointText(machine)}</Fact>
        ) : null}
        {machine.reservation ? (
          <Fact label="Reservation">
            <span className="truncate">
              {machine.reservation.name ?? machine.reservation.id ?? 'Reserved'}
              {machine.reservation.isActive === false ? ' (ended)' : ''}
            </span>
          </Fact>
        ) : null}
        {machine.networkId ? (
          <Fact label="Network">
            <Mono>{machine.networkId}</Mono>
          </Fact>
        ) : null}
      </dl>
    </header>
  )
}
