/** A small concurrency limiter: at most `max` tasks run at once, the rest wait in order. Pure: no React, no fetch. */

export interface Limiter {
  /**
   * Runs `task` when a slot is free. A task still waiting when `signal` aborts never starts and rejects with the
   * signal's reason; a running task is expected to watch the signal itself.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>
  /** Tasks running now. */
  readonly active: number
  /** Tasks waiting for a slot. */
  readonly waiting: number
}

interface Waiter {
  start: () => void
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new Error(`A limiter needs at least one slot, got ${max}.`)
  let active = 0
  const queue: Waiter[] = []

  const next = () => {
    while (active < max) {
      const waiter = queue.shift()
      if (!waiter) return
      waiter.start()
    }
  }

  return {
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(abortReason(signal))
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(waiter)
          if (index === -1) return
          queue.splice(index, 1)
          reject(abortReason(signal as AbortSignal))
        }
        const waiter: Waiter = {
          start: () => {
            signal?.removeEventListener('abort', onAbort)
            active++
            let promise: Promise<T>
            try {
              promise = task()
            } catch (error) {
              promise = Promise.reject(error)
            }
            promise.then(resolve, reject).finally(() => {
              active--
              next()
            })
          },
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(waiter)
        next()
      })
    },
    get active() {
      return active
    },
    get waiting() {
      return queue.length
    },
  }
}
