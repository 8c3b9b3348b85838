/** The audit trail (the server's own `/api/audit`): query-options factories, the key factory and the export link. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { AuditFilters } from './audit-filters'
import { fleetRequest } from './fleet-request'
import type { components, operations } from './fleet-schema'

export type AuditEntry = components['schemas']['AuditEntry']
export type AuditPage = operations['listAudit']['responses'][200]['content']['application/json']

export const AUDIT_PAGE_LIMIT = 50

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filters: AuditFilters) => [...auditKeys.lists(), filters] as const,
  /** The newest entries about one machine, for its event list. */
  machine: (machineId: string) => [...auditKeys.all, 'machine', machineId] as const,
}

/** `actor=ada&action=start`: the filters that are set, in a stable order. */
export function auditQueryString(filters: AuditFilters, extra: Record<string, string | number | undefined> = {}) {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries({ ...filters, ...extra })) {
    if (value !== undefined && value !== '') params.set(name, String(value))
  }
  return params.toString()
}

export function fetchAuditPage(
  filters: AuditFilters,
  { after, limit = AUDIT_PAGE_LIMIT, signal }: { after?: string | undefined; limit?: number; signal?: AbortSignal },
): Promise<AuditPage> {
  return fleetRequest<AuditPage>(`/api/audit?${auditQueryString(filters, { after, limit })}`, 'GET', signal)
}

/** Entries matching `filters`, newest first, paged back with the `nextPage` cursor. */
export function auditListQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam, signal }) => fetchAuditPage(filters, { after: pageParam || undefined, signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextPage || undefined,
  })
}

/** One machine's newest entries (one page), to say who caused its recent events. */
export function machineAuditQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: auditKeys.machine(machineId),
    queryFn: ({ signal }) => fetchAuditPage({ machineId }, { signal }),
  })
}

/** Where the CSV of every entry matching `filters` downloads from. */
export function auditExportUrl(filters: AuditFilters): string {
  const query = auditQueryString(filters)
  return `/api/audit/export${query ? `?${query}` : ''}`
}
