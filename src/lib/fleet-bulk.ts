/** Bulk start / stop / restart: which machines an action applies to, and running it a few at a time. Pure. */
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

export const BULK_CONCURRENCY = 4

/**
 * Runs `work` for every item with at most `limit` in flight, in order of the items. Never rejects: each item's
 * outcome goes to `work` itself (which reports it), so one failure does not stop the others.
 */
export async function runWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      try {
        await work(items[index] as T, index)
      } catch {
        // `work` reports its own failures; a throw must not stop this lane.
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane))
}

const VERB: Record<LifecycleAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' }

export function actionVerb(action: LifecycleAction): string {
  return VERB[action]
}

export function machinesLabel(count: number): string {
  return `${count.toLocaleString('en')} ${count === 1 ? 'machine' : 'machines'}`
}
