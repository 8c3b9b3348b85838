import { describe, expect, it } from 'vitest'
import { createLimiter } from './concurrency'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createLimiter', () => {
  it('never runs more than max tasks at once and starts the rest in order', async () => {
    const limiter = createLimiter(2)
    const gates = Array.from({ length: 5 }, () => deferred<number>())
    const started: number[] = []
    let running = 0
    let peak = 0
    const results = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i)
        running++
        peak = Math.max(peak, running)
        try {
          return await gate.promise
        } finally {
          running--
        }
      }),
    )
    await tick()
    expect(started).toEqual([0, 1])
    expect(limiter.active).toBe(2)
    expect(limiter.waiting).toBe(3)

    gates[1]!.resolve(1)
    await tick()
    expect(started).toEqual([0, 1, 2])

    gates[0]!.reject(new Error('boom'))
    gates[2]!.resolve(2)
    gates[3]!.resolve(3)
    gates[4]!.resolve(4)
    const settled = await Promise.allSettled(results)
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect(peak).toBe(2)
    expect(limiter.active).toBe(0)
  })

  it('frees the slot when a task throws synchronously', async () => {
    const limiter = createLimiter(1)
    await expect(
      limiter.run(() => {
        throw new Error('sync')
      }),
    ).rejects.toThrow('sync')
    await expect(limiter.run(async () => 'next')).resolves.toBe('next')
  })

  it('drops a waiting task whose signal aborts, without running it', async () => {
    const limiter = createLimiter(1)
    const gate = deferred<string>()
    const first = limiter.run(() => gate.promise)
    const controller = new AbortController()
    let ran = false
    const second = limiter.run(async () => {
      ran = true
    }, controller.signal)
    controller.abort()
    await expect(second).rejects.toMatchObject({ name: 'AbortError' })
    expect(limiter.waiting).toBe(0)
    gate.resolve('done')
    await expect(first).resolves.toBe('done')
    await tick()
    expect(ran).toBe(false)
  })

  it('refuses a task whose signal has already aborted, and a limiter without slots', async () => {
    const limiter = createLimiter(3)
    await expect(limiter.run(async () => 1, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' })
    expect(() => createLimiter(0)).toThrow(/at least one slot/)
  })
})
