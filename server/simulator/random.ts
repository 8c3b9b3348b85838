/** Seeded pseudo-random numbers: the same seed always yields the same fleet, ids and faults. */
export type Rng = () => number

/** mulberry32: tiny, fast, good enough for simulated data. Returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a hash of a string, as an unsigned 32-bit integer. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** A generator derived from a seed and a few labels, independent of any other draw. */
export function derivedRng(seed: number, ...labels: ReadonlyArray<string | number>): Rng {
  return mulberry32(hashString(`${seed}|${labels.join('|')}`))
}

/** An integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)]
  if (item === undefined) throw new Error('pick() needs a non-empty list')
  return item
}

export function weightedPick<T>(rng: Rng, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = rng() * total
  for (const [item, weight] of items) {
    roll -= weight
    if (roll < 0) return item
  }
  const last = items[items.length - 1]
  if (last === undefined) throw new Error('weightedPick() needs a non-empty list')
  return last[0]
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** `prefix` followed by `length` characters of [a-z0-9]. */
export function randomId(rng: Rng, prefix: string, length: number): string {
  const codes: number[] = []
  for (let i = 0; i < length; i++) codes.push(ALPHABET.charCodeAt(Math.floor(rng() * ALPHABET.length)))
  return prefix + String.fromCharCode(...codes)
}

export function randomHex(rng: Rng, length: number): string {
  let hex = ''
  for (let i = 0; i < length; i++) hex += Math.floor(rng() * 16).toString(16)
  return hex
}
