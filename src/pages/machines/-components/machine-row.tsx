import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { memo, type RefObject, useEffect, useRef, useState } from 'react'
import { lastStartQueryOptions, type Machine, needsLastStart } from '../../../api/machines'
import { StateBadge } from '../../../components/state-badge'
import { gpuDetail } from '../../../lib/accelerators'
import { regionName } from '../../../lib/catalog'
import { autoShutdownLabel, gpuLabel } from '../../../lib/fleet-view'
import { formatBytes, formatExact, formatRelative } from '../../../lib/format'

/** Every row has this height, so the virtualizer can place rows without measuring them. */
export const ROW_HEIGHT = 44

export interface MachineRowProps {
  machine: Machine
  /** Position in the filtered, sorted view (0-based). */
  index: number
  selected: boolean
  onToggle: (id: string, index: number, range: boolean) => void
  /** The current minute, so relative times move on without re-rendering unchanged rows every second. */
  now: number
}

const cell = 'truncate px-3 whitespace-nowrap'
const muted = 'text-slate-500 dark:text-slate-400'

function Missing() {
  return <span className={muted}>—</span>
}

/** True once the element has come into the viewport (and from then on); true at once where that cannot be told. */
function useSeen(ref: RefObject<HTMLElement | null>): boolean {
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === 'undefined')
  useEffect(() => {
    const element = ref.current
    if (seen || !element) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setSeen(true)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref, seen])
  return seen
}

function RelativeTo({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={formatExact(iso)}>
      {formatRelative(iso, now)}
    </time>
  )
}

/**
 * When a machine of the live service last started: it sends no `dtLastRun`, so the machine's own events are read,
 * once the row is on screen and again whenever the machine changes.
 */
function LastStart({ machine, now }: { machine: Machine; now: number }) {
  const ref = useRef<HTMLSpanElement>(null)
  const seen = useSeen(ref)
  const query = useQuery({ ...lastStartQueryOptions(machine), enabled: seen })
  const iso = query.data ?? null
  return (
    <span ref={ref}>
      {iso ? (
        <RelativeTo iso={iso} now={now} />
      ) : (
        <span className={muted} title={query.isSuccess ? 'No start among its events' : undefined}>
          —
        </span>
      )}
    </span>
  )
}

/**
 * One machine. Memoised: a poll that leaves a machine unchanged keeps its object (structural sharing), so only the
 * rows of machines that changed render again.
 */
export const MachineRow = memo(function MachineRow({ machine, index, selected, onToggle, now }: MachineRowProps) {
  const id = machine.id ?? ''
  const name = machine.name || id
  const gpu = gpuLabel(machine)
  return (
    <tr
      aria-rowindex={index + 2}
      style={{ height: ROW_HEIGHT }}
      className={selected ? 'bg-indigo-50 dark:bg-indigo-950/60' : 'hover:bg-slate-50 dark:hover:bg-slate-900'}
    >
      <td className="w-10 pl-3">
        <input
          type="checkbox"
          className="size-4 accent-indigo-600"
          checked={selected}
          aria-label={`Select ${name}`}
          onChange={(event) => {
            const native = event.nativeEvent
            onToggle(id, index, native instanceof MouseEvent && native.shiftKey)
          }}
        />
      </td>
      <td className={`${cell} font-medium`}>
        <Link
          to="/machines/$machineId"
          params={{ machineId: id }}
          className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
          title={id}
        >
          {name}
        </Link>
      </td>
      <td className={cell}>
        <StateBadge state={machine.state} />
      </td>
      <td className={cell}>{machine.machineType || <Missing />}</td>
      <td className={cell} title={gpu ? gpuDetail(machine) : undefined}>
        {gpu || <Missing />}
      </td>
      <td className={cell}>{machine.region ? regionName(machine.region) : <Missing />}</td>
      <td className={`${cell} text-right tabular-nums`}>{machine.cpus ?? <Missing />}</td>
      <td className={`${cell} text-right tabular-nums`}>{formatBytes(machine.ram)}</td>
      <td className={cell}>
        {machine.publicIp ? <span className="font-mono text-xs">{machine.publicIp}</span> : <Missing />}
      </td>
      <td className={cell}>{autoShutdownLabel(machine)}</td>
      <td className={cell}>
        {machine.dtLastRun ? (
          <RelativeTo iso={machine.dtLastRun} now={now} />
        ) : needsLastStart(machine) ? (
          <LastStart machine={machine} now={now} />
        ) : (
          <span className={muted}>Never</span>
        )}
      </td>
    </tr>
  )
})
