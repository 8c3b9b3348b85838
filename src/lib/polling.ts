/**
 * Polls on the beat: a query polling every `periodMs` asks at a multiple of `periodMs` on the wall clock, not
 * `periodMs` after its last answer. Every dashboard open on the same thing then asks at the same moment, so the
 * server's request coalescing and short read cache answer them all with one upstream request: what the team's
 * admins cost Paperspace does not grow with how many of them watch.
 *
 * Returns the wait in ms, for TanStack Query's `refetchInterval` (which re-reads it after every fetch and render).
 * The beat chosen is the first one at least a quarter period after the last answer (`lastAnswerAt`), so a page
 * opened just before a beat, or an answer that came back late, does not ask again at once. It depends on the last
 * answer and not on the moment of asking, so re-reading it between polls never pushes a poll further away.
 */
export function onTheBeat(periodMs: number, lastAnswerAt = 0, now: number = Date.now()): number {
  const earliest = Math.max(now, lastAnswerAt + periodMs / 4)
  return (Math.floor(earliest / periodMs) + 1) * periodMs - now
}

/** `onTheBeat` for an interval that may be off (`false`), as `refetchInterval` takes it. */
export function onTheBeatOrOff(periodMs: number | false, lastAnswerAt = 0, now: number = Date.now()): number | false {
  return periodMs === false ? false : onTheBeat(periodMs, lastAnswerAt, now)
}

/** When a query last heard back, with data or an error (0 before its first answer). */
export function lastAnswerAt(state: { dataUpdatedAt: number; errorUpdatedAt: number }): number {
  return Math.max(state.dataUpdatedAt, state.errorUpdatedAt)
}
