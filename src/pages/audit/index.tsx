import { createFileRoute } from '@tanstack/react-router'
import type { AuditFilters } from '../../api/audit-filters'
import { AuditPage } from './-components/audit-page'

export const Route = createFileRoute('/audit/')({
  // Read for real by the page (`readAuditFilters`, in its own chunk): a bad value there means "no filter", so a
  // hand-edited URL never errors, and the readers stay out of the first load.
  validateSearch: (input: AuditFilters): AuditFilters => input,
  component: AuditPage,
})
