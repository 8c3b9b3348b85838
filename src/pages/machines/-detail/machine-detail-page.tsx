import { useQuery } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { isApiError } from '../../../api/client'
import { type Machine, machineQueryOptions } from '../../../api/machines'
import { NotFound } from '../../../components/route-error'
import { ErrorState } from '../../../components/ui/states'
import { AccessSection } from './access-section'
import { DeleteSection } from './delete-section'
import { DesktopSection } from './desktop-section'
import { EventsSection } from './events-section'
import { LifecycleSection } from './lifecycle-section'
import { MachineDetailSkeleton } from './machine-detail-skeleton'
import { MachineHeader } from './machine-header'
import { SectionBoundary } from './section'
import type { KnownSettings } from './settings-form'
import { SettingsSection } from './settings-section'

/** One machine: header, then sections that each load, fail and retry on their own. */
export function MachineDetailPage({ machineId }: { machineId: string }) {
  const [deleting, setDeleting] = useState(false)
  const [known, setKnown] = useState<KnownSettings>({})
  const query = useQuery({ ...machineQueryOptions(machineId), enabled: !deleting })
  const lastKnown = useRef<Machine | undefined>(undefined)
  if (query.data) lastKnown.current = query.data
  const gone = isApiError(query.error) && query.error.status === 404
  const machine = deleting ? (query.data ?? lastKnown.current) : query.data

  if (gone && !deleting) return <NotFound what="machine" />
  if (!machine) {
    if (query.isError) {
      return (
        <ErrorState
          title="Could not load this machine"
          error={query.error}
          onRetry={() => void query.refetch()}
          retrying={query.isFetching}
        />
      )
    }
    return <MachineDetailSkeleton />
  }

  return (
    <div className="flex flex-col gap-6">
      <MachineHeader
        machine={machine}
        known={known}
        refreshError={query.isRefetchError ? query.error : null}
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <div className="flex min-w-0 flex-col gap-6">
          <SectionBoundary title="Lifecycle">
            <LifecycleSection machine={machine} />
          </SectionBoundary>
          <SectionBoundary title="Settings">
            <SettingsSection machine={machine} known={known} onSaved={setKnown} />
          </SectionBoundary>
          <SectionBoundary title="Delete machine">
            <DeleteSection machine={machine} onDeleting={setDeleting} />
          </SectionBoundary>
        </div>
        <div className="flex min-w-0 flex-col gap-6">
          <SectionBoundary title="Desktop">
            <DesktopSection machine={machine} />
          </SectionBoundary>
          <SectionBoundary title="Access">
            <AccessSection machine={machine} />
          </SectionBoundary>
          <SectionBoundary title="Events">
            <EventsSection machine={machine} />
          </SectionBoundary>
        </div>
      </div>
    </div>
  )
}
