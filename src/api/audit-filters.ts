/** The filters of the audit trail: what the Audit page reads from its URL and sends to `/api/audit`. */
import { oneOf, type Readers, readSearch, text } from '../lib/search-params'
import type { components, operations } from './fleet-schema'

/** The filters of a list and of its CSV export: every field optional, an absent one does not filter. */
export type AuditFilters = Pick<
  NonNullable<operations['listAudit']['parameters']['query']>,
  'actor' | 'action' | 'machineId' | 'outcome' | 'from' | 'to'
>

export const AUDIT_ACTIONS = [
  'start',
  'stop',
  'restart',
  'create',
  'update',
  'delete',
  'grant',
  'revoke',
  'sign-in',
  'sign-out',
  'desktop-read',
] as const satisfies readonly components['schemas']['AuditAction'][]

export const AUDIT_OUTCOMES = [
  'ok',
  'failed',
  'pending',
  'unknown',
] as const satisfies readonly components['schemas']['AuditOutcome'][]

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Every filter is optional and a bad value falls back to "no filter", so a hand-edited URL never errors. */
const AUDIT_FILTER_READERS: Readers<AuditFilters> = {
  actor: text({ min: 1, max: 200, trim: true }),
  action: oneOf(AUDIT_ACTIONS),
  machineId: text({ min: 1, max: 64, pattern: /^[\w-]+$/ }),
  outcome: oneOf(AUDIT_OUTCOMES),
  from: text({ max: 10, pattern: DAY }),
  to: text({ max: 10, pattern: DAY }),
}

/** The filters a URL's search holds, each valid or left out. */
export function readAuditFilters(search: unknown): AuditFilters {
  return readSearch(search, AUDIT_FILTER_READERS)
}
