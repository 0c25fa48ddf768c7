import type { HistoryBuckets, TagInfo } from '../../../../preload/contract'

/** One pen's points in chart time (seconds), with null where the recording has a gap. */
export interface PenPoints {
  x: number[]
  y: (number | null)[]
}

/**
 * Turns buckets into a line that keeps every bucket's extremes: each bucket becomes its first, min, max
 * and last value in time order (M4 decimation), so a spike never disappears when zoomed out.
 * Empty buckets become a single null, which uPlot draws as a gap.
 */
export function bucketsToPoints(series: HistoryBuckets, stepped: boolean): PenPoints {
  const x: number[] = []
  const y: (number | null)[] = []
  const step = series.bucketMs / 1000
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i] / 1000
    if (!series.count[i]) {
      if (y.length > 0 && y[y.length - 1] !== null) {
        x.push(t)
        y.push(null)
      }
      continue
    }
    const first = series.first[i]
    const last = series.last[i]
    const min = series.min[i]
    const max = series.max[i]
    if (series.count[i] === 1 || stepped || min === max) {
      x.push(t)
      y.push(stepped ? last : (series.avg[i] ?? last))
      continue
    }
    const lowFirst = (first ?? min) === min
    x.push(t, t + step * 0.25, t + step * 0.5, t + step * 0.75)
    y.push(first, lowFirst ? min : max, lowFirst ? max : min, last)
  }
  return { x, y }
}

/** Puts several pens with their own times onto one shared, sorted x axis (uPlot's aligned data). */
export function alignPens(pens: readonly PenPoints[]): [number[], ...(number | null)[][]] {
  const times = new Set<number>()
  for (const pen of pens) for (const t of pen.x) times.add(t)
  const xs = [...times].sort((a, b) => a - b)
  const index = new Map(xs.map((x, i) => [x, i]))
  const columns = pens.map((pen) => {
    const column: (number | null)[] = new Array(xs.length).fill(undefined)
    pen.x.forEach((t, i) => (column[index.get(t) as number] = pen.y[i]))
    return column
  })
  return [xs, ...columns]
}

/** Booleans and enumerations (machine states, fault codes) are drawn as steps, never as slopes. */
export function isStepped(tag: Pick<TagInfo, 'dataType' | 'enumLabels'>): boolean {
  return tag.dataType === 'bool' || tag.enumLabels !== undefined
}

/** One y axis per engineering unit, in the order the pens were added. */
export function axesByUnit(tags: readonly Pick<TagInfo, 'unit'>[]): string[] {
  const units: string[] = []
  for (const tag of tags) {
    const unit = tag.unit ?? ''
    if (!units.includes(unit)) units.push(unit)
  }
  return units
}

/** Rows of the visible data for CSV export: time, then one column per pen. */
export function toCsv(names: readonly string[], data: [number[], ...(number | null | undefined)[][]]): string {
  const [xs, ...columns] = data
  const lines = [['time', ...names].map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')]
  xs.forEach((x, i) => {
    lines.push([new Date(x * 1000).toISOString(), ...columns.map((c) => (c[i] === null || c[i] === undefined ? '' : String(c[i])))].join(','))
  })
  return lines.join('\n') + '\n'
}

/** Raw samples as a pen: bad samples and silences longer than five typical intervals become gaps. */
export function rawToPoints(t: readonly number[], v: readonly (number | null)[], q: readonly number[]): PenPoints & { q: number[] } {
  const x: number[] = []
  const y: (number | null)[] = []
  const quality: number[] = []
  const intervals: number[] = []
  for (let i = 1; i < Math.min(t.length, 200); i++) intervals.push(t[i] - t[i - 1])
  intervals.sort((a, b) => a - b)
  const typical = intervals.length > 0 ? intervals[Math.floor(intervals.length / 2)] : Infinity
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && t[i] - t[i - 1] > typical * 5 && t[i] - t[i - 1] > 2000) {
      x.push((t[i - 1] + 1) / 1000)
      y.push(null)
      quality.push(2)
    }
    x.push(t[i] / 1000)
    y.push(q[i] === 2 ? null : v[i])
    quality.push(q[i])
  }
  return { x, y, q: quality }
}
