/** Formatting helpers for numbers, sizes and times. Pure: no React, no fetch. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']

/** 34359738368 → "32 GB" (binary multiples, as Paperspace reports memory and disks). */
export function formatBytes(bytes: number | string | null | undefined): string {
  const n = typeof bytes === 'string' ? Number(bytes) : bytes
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—'
  let value = n
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = value >= 100 || unit === 0 || Number.isInteger(value) ? 0 : 1
  return `${value.toFixed(digits)} ${UNITS[unit]}`
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
]

/** "3 minutes ago", "in 2 hours"; "—" for a missing or invalid date. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—'
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return '—'
  let delta = (then - now) / 1000
  for (const [unit, size] of STEPS) {
    if (Math.abs(delta) < size) return RELATIVE.format(Math.round(delta), unit)
    delta /= size
  }
  return '—'
}

const EXACT = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' })

/** The exact local date and time, for hover titles and detail views. */
export function formatExact(iso: string | null | undefined): string {
  if (!iso) return '—'
  const then = Date.parse(iso)
  return Number.isNaN(then) ? '—' : EXACT.format(then)
}

const CLOCK = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })

/** "14:05" */
export function formatClock(ms: number): string {
  return CLOCK.format(ms)
}

const MONEY = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 })

export function formatMoney(amount: number): string {
  return MONEY.format(amount)
}
