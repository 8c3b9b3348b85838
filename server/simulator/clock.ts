/** A source of time in milliseconds since the epoch. The simulator never reads `Date.now()` directly. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** 2025-06-02T09:00:00Z: a fixed start so that runs with a fake clock are reproducible. */
export const FAKE_CLOCK_START = Date.UTC(2025, 5, 2, 9, 0, 0)

/** A clock that only moves when told to. Tests advance it instead of sleeping. */
export class FakeClock implements Clock {
  private current: number

  constructor(start: number = FAKE_CLOCK_START) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  advance(ms: number): void {
    this.current += ms
  }

  set(ms: number): void {
    this.current = ms
  }
}
