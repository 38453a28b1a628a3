/**
 * Plain-text table and number formatting for the benchmark report (pure).
 */

/** Formats rows as an aligned table: the first row is the header, text columns left-aligned, numbers right-aligned. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  const numeric = (s: string): boolean => /^[-+]?[\d.,]+\s?[a-zA-Z%×]*$/.test(s) || s === '—'
  const lines = rows.map((row, r) =>
    row
      .map((cell, i) => {
        const w = widths[i] ?? 0
        return r > 0 && i > 0 && numeric(cell) ? cell.padStart(w) : cell.padEnd(w)
      })
      .join('  ')
      .trimEnd(),
  )
  if (lines.length > 1) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '))
  return lines.join('\n')
}

/** Milliseconds as seconds with one decimal (`12.3 s`). */
export function formatMs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** Bytes in MiB with one decimal (`2581.4 MiB`). */
export function formatBytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

/** A ratio with one or two significant decimals (`12.4×`); `—` when the divisor is 0. */
export function formatRatio(a: number, b: number): string {
  if (b === 0) return '—'
  const r = a / b
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`
}

/** Calls per method as `name=N` pairs, largest first, ties by name. */
export function formatCalls(calls: Readonly<Record<string, number>>): string {
  return Object.entries(calls)
    .filter(([, n]) => n !== 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([m, n]) => `${m}=${n}`)
    .join(' ')
}

/** `after − before` per key (keys missing on one side count as 0); zero entries dropped. */
export function diffCounts(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0)
    if (d !== 0) out[k] = d
  }
  return out
}

/** Sum of a record's values. */
export function sumCounts(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0)
}
