/**
 * Running a bulk start / stop / restart a few machines at a time, and its wording. Pure. Apart from the plan
 * (fleet-bulk.ts) because only the bulk dialog, loaded when a bulk action is chosen, needs it.
 */
import type { LifecycleAction } from './machine-state'

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
