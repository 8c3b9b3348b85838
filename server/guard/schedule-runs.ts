// The schedule worker's decision, pure: given the schedules, the last run recorded for each, the fleet as the API
// shows it, the tags and the time, which runs are due, which were missed, and what each run does to each machine.
// Acting on it (claiming the run in the store, then starting or stopping through the audited upstream path) is a
// separate step, so that this part is tested with plain data and a fixed clock.
import type { ScheduleAction, StoredSchedule } from '../store/schedules'
import { cronOf } from './schedule-rules'

/** A run later than this is recorded as missed instead of run: a stop at 20:00 should not happen at 02:00. */
export const DEFAULT_GRACE_MS = 15 * 60_000

export type ScheduleToRun = Pick<
  StoredSchedule,
  'id' | 'action' | 'machineIds' | 'tag' | 'cron' | 'timeZone' | 'paused' | 'updatedAt'
>

/** A machine as the API lists it. */
export interface FleetMachine {
  id: string
  state: string
}

export type SkipReason =
  /** The action's wanted state is already there. */
  | 'already-running'
  | 'already-off'
  /** Starting, stopping, restarting, provisioning, services coming up, upgrading: acting now would be refused. */
  | 'between-states'
  | 'failed'
  /** Named by the schedule but not in the fleet (deleted, or another team's id). */
  | 'not-in-fleet'

export type MachineStep =
  | { machineId: string; act: ScheduleAction }
  | { machineId: string; act: 'skip'; reason: SkipReason; state: string | null }

export type ScheduleRunDecision =
  | {
      kind: 'run'
      scheduleId: string
      action: ScheduleAction
      /** The time the pattern gave (ISO, UTC): with the schedule's id, what identifies the run. */
      scheduledFor: string
      /** How long after that time the run is decided (0 when on time). */
      lateMs: number
      machines: MachineStep[]
    }
  | { kind: 'missed'; scheduleId: string; action: ScheduleAction; scheduledFor: string; lateMs: number }

export interface ScheduleRunInput {
  schedules: readonly ScheduleToRun[]
  /** Schedule id → the scheduled time (ISO) of its last run recorded, run or missed. */
  lastRuns: ReadonlyMap<string, string>
  machines: readonly FleetMachine[]
  /** Tag → the ids of the machines carrying it. */
  tagMachines: ReadonlyMap<string, readonly string[]>
  now: Date
  graceMs?: number
}

/**
 * The runs owed at `now`, one at most per schedule: the latest time the pattern gave after both the last run
 * recorded and the schedule's last edit. Earlier times since then are superseded by it (after an outage, a
 * schedule that stops machines every 10 minutes stops them once, not six times). A run within the grace window
 * runs late; an older one is reported missed, to be recorded without acting.
 */
export function decideScheduleRuns(input: ScheduleRunInput): ScheduleRunDecision[] {
  const graceMs = input.graceMs ?? DEFAULT_GRACE_MS
  const now = input.now.getTime()
  const states = new Map(input.machines.map((machine) => [machine.id, machine.state]))
  const decisions: ScheduleRunDecision[] = []
  for (const schedule of input.schedules) {
    if (schedule.paused) continue
    const last = input.lastRuns.get(schedule.id)
    const since = Math.max(
      Date.parse(schedule.updatedAt),
      last === undefined ? Number.NEGATIVE_INFINITY : Date.parse(last),
    )
    const latest = latestRun(schedule, now)
    if (latest === undefined || latest <= since) continue
    const lateMs = now - latest
    const scheduledFor = new Date(latest).toISOString()
    const base = { scheduleId: schedule.id, action: schedule.action, scheduledFor, lateMs }
    if (lateMs > graceMs) {
      decisions.push({ kind: 'missed', ...base })
      continue
    }
    decisions.push({
      kind: 'run',
      ...base,
      machines: targetsOf(schedule, input.tagMachines).map((id) => stepFor(id, schedule.action, states.get(id))),
    })
  }
  return decisions
}

/** The pattern's last time at or before `now` (ms), if any. */
function latestRun(schedule: ScheduleToRun, now: number): number | undefined {
  // croner's previous runs are strictly before the reference; one millisecond later includes a run at `now`.
  const [previous] = cronOf(schedule.cron, schedule.timeZone).previousRuns(1, new Date(now + 1))
  return previous === undefined || previous.getTime() > now ? undefined : previous.getTime()
}

/** The listed machines in their order, then the tag's machines not already listed. */
export function targetsOf(schedule: ScheduleToRun, tagMachines: ReadonlyMap<string, readonly string[]>): string[] {
  const ids = new Set(schedule.machineIds ?? [])
  if (schedule.tag !== null) for (const id of tagMachines.get(schedule.tag) ?? []) ids.add(id)
  return [...ids]
}

function stepFor(machineId: string, action: ScheduleAction, state: string | undefined): MachineStep {
  const skip = (reason: SkipReason): MachineStep => ({ machineId, act: 'skip', reason, state: state ?? null })
  if (state === undefined) return skip('not-in-fleet')
  if (state === 'failed') return skip('failed')
  if (action === 'start') {
    if (state === 'ready') return skip('already-running')
    return state === 'off' ? { machineId, act: 'start' } : skip('between-states')
  }
  if (state === 'off') return skip('already-off')
  return state === 'ready' ? { machineId, act: 'stop' } : skip('between-states')
}
