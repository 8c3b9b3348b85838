import type { RegionColumn } from '../../../lib/availability-grid'
import { type GridGroup, gpuMemoryLabel } from '../../../lib/availability-grid'
import { formatMoney } from '../../../lib/format'
import { AvailabilityCell, type CellStatus } from './availability-cell'

const HEAD = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300'
const CELL = 'px-3 py-2 align-middle'

/** Machine types (rows, grouped by class) × regions (columns). */
export function AvailabilityGrid({
  groups,
  regions,
  statusFor,
  onRetry,
}: {
  groups: readonly GridGroup[]
  regions: readonly RegionColumn[]
  statusFor: (machineType: string, region: string) => CellStatus
  onRetry: (machineType: string, region: string) => void
}) {
  const columns = 3 + regions.length
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">Availability of each machine type in each region</caption>
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className={HEAD}>
              Machine type
            </th>
            <th scope="col" className={HEAD}>
              GPU memory
            </th>
            <th scope="col" className={HEAD}>
              Price per hour
            </th>
            {regions.map((region) => (
              <th key={region.id} scope="col" className={HEAD}>
                {region.name}
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.id} className="divide-y divide-slate-200 dark:divide-slate-800">
            <tr className="bg-slate-100 dark:bg-slate-800/60">
              <th
                scope="rowgroup"
                colSpan={columns}
                className="px-3 py-1.5 text-left text-xs font-semibold text-slate-700 dark:text-slate-200"
              >
                {group.label}
              </th>
            </tr>
            {group.rows.map((row) => (
              <tr key={row.name} className="bg-white dark:bg-slate-950">
                <th scope="row" className={`${CELL} text-left font-medium text-slate-900 dark:text-slate-100`}>
                  {row.name}
                </th>
                <td className={`${CELL} whitespace-nowrap text-slate-700 dark:text-slate-300`}>
                  {gpuMemoryLabel(row.info)}
                </td>
                <td className={`${CELL} whitespace-nowrap text-slate-700 dark:text-slate-300`}>
                  {row.info?.pricePerHour != null ? formatMoney(row.info.pricePerHour) : '—'}
                </td>
                {regions.map((region) => (
                  <td key={region.id} className={CELL}>
                    <AvailabilityCell
                      status={statusFor(row.name, region.id)}
                      machineType={row.name}
                      region={region.id}
                      regionLabel={region.name}
                      onRetry={() => onRetry(row.name, region.id)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  )
}
