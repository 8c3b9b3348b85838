/** Printing for the benchmarks: aligned tables, sizes, ratios and a verdict beside each target. */

/** One line on stdout (the benchmarks' output is their result, not logging). */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`)
}

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd()
  print(line(header))
  print(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of rows) print(line(row))
}

/** 1,000 bytes to the kB, as the budgets are written. */
export function formatKb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`
}

export function formatMb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return 'n/a'
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`
}

/** `a / b` as "12.3×", or "n/a" when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0) return 'n/a'
  const value = a / b
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`
}

/** "ok" when `value` is at most `limit`, else "MISS"; "n/a" when nothing was measured. */
export function verdict(value: number | undefined, limit: number, higherIsBetter = false): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a'
  return (higherIsBetter ? value >= limit : value <= limit) ? 'ok' : 'MISS'
}

/** The p-th percentile (0–100) of the values, nearest-rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN
}

export function heading(title: string): void {
  print(`\n== ${title} ==`)
}
