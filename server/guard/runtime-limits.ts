// The runtime-limit decision, pure: given the policies, the running machines, their tags, when each last started
// and the time, which machines are over their limit (to be stopped) and which are inside the warning time.
// Acting on it (warning, then stopping through the audited upstream path) is a separate step.
import type { PolicyFields } from '../store/policies'

export type PolicyToApply = PolicyFields & { id: string }

/** A machine as the API lists it. */
export interface LimitedMachine {
  id: string
  state: string
  machineType: string
}

/** A machine's lifecycle as the audit trail or the machine's events tell it, in any order. */
export interface LifecycleEvent {
  machineId: string
  action: 'create' | 'start' | 'stop' | 'restart'
  /** ISO time. */
  at: string
}

export interface RuntimeVerdict {
  machineId: string
  /** The strictest policy covering the machine. */
  policyId: string
  runningSince: string
  runningMinutes: number
  /** When the limit is (or was) reached. */
  limitAt: string
}

export interface RuntimeDecision {
  /** Running past their limit: to be stopped. */
  over: RuntimeVerdict[]
  /** Within the warning time before their limit. */
  warn: RuntimeVerdict[]
  /** Covered by a policy, running, but when they started is not known: the caller should start counting now. */
  unknownStart: { machineId: string; policyId: string }[]
}

export interface RuntimeLimitInput {
  policies: readonly PolicyToApply[]
  machines: readonly LimitedMachine[]
  /** Machine id → its tags. */
  machineTags: ReadonlyMap<string, readonly string[]>
  /** Machine id → when it last started (ISO), as `runningSince` works it out. */
  startedAt: ReadonlyMap<string, string>
  now: Date
}

/**
 * When each machine last started, from its lifecycle: the latest start (or creation, which starts it) not followed
 * by a stop. A restart does not reset it (the machine ran throughout); a restart with no start known before it is
 * the earliest time known to be running.
 */
export function runningSince(events: readonly LifecycleEvent[]): Map<string, string> {
  const since = new Map<string, string>()
  const ordered = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  for (const event of ordered) {
    if (event.action === 'stop') since.delete(event.machineId)
    else if (!since.has(event.machineId)) since.set(event.machineId, event.at)
  }
  return since
}

/** Whether a policy covers a machine: its type and tags match, and it does not carry the exempt tag. */
export function covers(policy: PolicyToApply, machine: LimitedMachine, tags: readonly string[]): boolean {
  if (policy.paused) return false
  if (policy.exemptTag !== null && tags.includes(policy.exemptTag)) return false
  if (policy.machineTypes !== null && !policy.machineTypes.includes(machine.machineType)) return false
  return policy.tags === null || policy.tags.some((tag) => tags.includes(tag))
}

/** Only a machine that is up counts: one between states is looked at again once it settles. */
const RUNNING = 'ready'

export function decideRuntimeLimits(input: RuntimeLimitInput): RuntimeDecision {
  const now = input.now.getTime()
  const decision: RuntimeDecision = { over: [], warn: [], unknownStart: [] }
  for (const machine of input.machines) {
    if (machine.state !== RUNNING) continue
    const tags = input.machineTags.get(machine.id) ?? []
    // The strictest covering policy decides: the earliest limit, then the longest warning.
    let policy: PolicyToApply | undefined
    for (const candidate of input.policies) {
      if (!covers(candidate, machine, tags)) continue
      if (
        policy === undefined ||
        candidate.maxRunningMinutes < policy.maxRunningMinutes ||
        (candidate.maxRunningMinutes === policy.maxRunningMinutes && candidate.warnMinutes > policy.warnMinutes)
      ) {
        policy = candidate
      }
    }
    if (policy === undefined) continue
    const started = input.startedAt.get(machine.id)
    if (started === undefined) {
      decision.unknownStart.push({ machineId: machine.id, policyId: policy.id })
      continue
    }
    const since = Date.parse(started)
    const limitAt = since + policy.maxRunningMinutes * 60_000
    const verdict: RuntimeVerdict = {
      machineId: machine.id,
      policyId: policy.id,
      runningSince: new Date(since).toISOString(),
      runningMinutes: Math.floor((now - since) / 60_000),
      limitAt: new Date(limitAt).toISOString(),
    }
    if (now >= limitAt) decision.over.push(verdict)
    else if (policy.warnMinutes > 0 && now >= limitAt - policy.warnMinutes * 60_000) decision.warn.push(verdict)
  }
  return decision
}
