/**
 * Bulk start / stop / restart: which machines an action applies to. Pure. Running the action is in fleet-bulk-run.ts,
 * which only the bulk dialog loads.
 */
import type { components } from '../api/schema'
import { actionBlockedReason, type LifecycleAction } from './machine-state'

type Machine = components['schemas']['Machine']

export interface SkippedMachine {
  machine: Machine
  reason: string
}

export interface BulkPlan {
  action: LifecycleAction
  applicable: Machine[]
  skipped: SkippedMachine[]
}

/** Splits the selection into the machines the action applies to and those it skips, with the reason. */
export function planBulkAction(action: LifecycleAction, machines: readonly Machine[]): BulkPlan {
  const applicable: Machine[] = []
  const skipped: SkippedMachine[] = []
  for (const machine of machines) {
    if (!machine.id) continue
    const reason = actionBlockedReason(action, machine.state)
    if (reason === null) applicable.push(machine)
    else skipped.push({ machine, reason })
  }
  return { action, applicable, skipped }
}
