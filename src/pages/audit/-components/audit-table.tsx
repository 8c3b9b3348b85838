import { Link } from '@tanstack/react-router'
import type { AuditEntry } from '../../../api/audit'
import { Badge } from '../../../components/ui/badge'
import { actorLabel, auditActionLabel, auditOutcomeLabel, auditOutcomeTone, viaLabel } from '../../../lib/audit-labels'
import { cn } from '../../../lib/cn'
import { formatExact, formatRelative } from '../../../lib/format'

const HEAD = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300'
const CELL = 'px-3 py-2 align-top'
const MUTED = 'text-xs text-slate-500 dark:text-slate-400'

function Actor({ actor }: { actor: AuditEntry['actor'] }) {
  const label = actorLabel(actor)
  return (
    <div className="flex flex-col">
      <span className="font-medium text-slate-900 dark:text-slate-100">{label}</span>
      {actor.email && actor.email !== label ? <span className={MUTED}>{actor.email}</span> : null}
      <span className={MUTED}>
        {viaLabel(actor.via)}
        {actor.onBehalfOf ? `, on behalf of ${actor.onBehalfOf}` : ''}
      </span>
    </div>
  )
}

function Outcome({ entry }: { entry: AuditEntry }) {
  return (
    <div className="flex flex-col items-start gap-1">
      <Badge tone={auditOutcomeTone(entry.outcome)}>
        {auditOutcomeLabel(entry.outcome)}
        {entry.status !== null && entry.outcome !== 'ok' ? ` · HTTP ${entry.status}` : ''}
      </Badge>
      {entry.outcome !== 'ok' && entry.message ? (
        <span className="max-w-xs text-xs text-red-800 dark:text-red-200">{entry.message}</span>
      ) : null}
    </div>
  )
}

/** Audit entries, newest first, one row each. */
export function AuditTable({ entries, stale = false }: { entries: readonly AuditEntry[]; stale?: boolean }) {
  return (
    <div
      className={cn(
        'overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800',
        stale && 'opacity-60 transition-opacity',
      )}
    >
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">Audit entries, newest first</caption>
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className={HEAD}>
              Time
            </th>
            <th scope="col" className={HEAD}>
              Actor
            </th>
            <th scope="col" className={HEAD}>
              Action
            </th>
            <th scope="col" className={HEAD}>
              Machine
            </th>
            <th scope="col" className={HEAD}>
              Summary
            </th>
            <th scope="col" className={HEAD}>
              Outcome
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 bg-white dark:divide-slate-800 dark:bg-slate-950">
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td className={cn(CELL, 'whitespace-nowrap text-slate-700 dark:text-slate-300')}>
                <time dateTime={entry.at} title={formatRelative(entry.at)}>
                  {formatExact(entry.at)}
                </time>
              </td>
              <td className={CELL}>
                <Actor actor={entry.actor} />
              </td>
              <td className={cn(CELL, 'whitespace-nowrap')}>{auditActionLabel(entry.action)}</td>
              <td className={CELL}>
                {entry.machineId ? (
                  <Link
                    to="/machines/$machineId"
                    params={{ machineId: entry.machineId }}
                    className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    {entry.machineName ?? entry.machineId}
                  </Link>
                ) : (
                  <span className="text-slate-500 dark:text-slate-400">{entry.machineName ?? '—'}</span>
                )}
              </td>
              <td className={cn(CELL, 'min-w-48 text-slate-700 dark:text-slate-300')}>{entry.summary}</td>
              <td className={CELL}>
                <Outcome entry={entry} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
