import type { HistoryBuckets, NoDataSpan, TagInfo } from '../../../../preload/contract'

/** One pen's points in chart time (seconds), with null where the recording has a gap. */
export interface PenPoints {
  x: number[]
  y: (number | null)[]
}

/**
 * Where the spans with no data break a line drawn from buckets: after the bucket a span starts in (its values all
 * come before the mark), or inside it when the next value is in the same bucket (values on both sides).
 */
function bucketBreaks(series: HistoryBuckets): { after: Set<number>; inside: Set<number> } {
  const after = new Set<number>()
  const inside = new Set<number>()
  const last = series.t.length - 1
  const bucketOf = (t: number): number => Math.min(last, Math.max(0, Math.floor((t - series.from) / series.bucketMs)))
  for (const span of series.noData) {
    const start = bucketOf(span.from)
    if (span.to !== null && bucketOf(span.to) === start) inside.add(start)
    else after.add(start)
  }
  return { after, inside }
}

/**
 * Turns buckets into a line that keeps every bucket's extremes: each bucket becomes its first, min, max
 * and last value in time order (M4 decimation), so a spike never disappears when zoomed out.
 * Empty buckets become a single null, which uPlot draws as a gap, and so does each no-data span (an outage, a
 * stop), also when it is shorter than a bucket: the line never joins the values on either side of one.
 */
export function bucketsToPoints(series: HistoryBuckets, stepped: boolean): PenPoints {
  const x: number[] = []
  const y: (number | null)[] = []
  const step = series.bucketMs / 1000
  const breaks = bucketBreaks(series)
  const gap = (t: number): void => {
    if (y.length > 0 && y[y.length - 1] !== null) {
      x.push(t)
      y.push(null)
    }
  }
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i] / 1000
    if (!series.count[i]) {
      gap(t)
      continue
    }
    const first = series.first[i]
    const last = series.last[i]
    const min = series.min[i]
    const max = series.max[i]
    if (breaks.inside.has(i)) {
      // Values before and after a short outage share this bucket: the extremes end the line, the last value starts it again.
      const lowFirst = (first ?? min) === min
      x.push(t, t + step * 0.2, t + step * 0.4, t + step * 0.6, t + step * 0.8)
      y.push(first, stepped ? first : lowFirst ? min : max, stepped ? first : lowFirst ? max : min, null, last)
    } else if (series.count[i] === 1 || stepped || min === max) {
      x.push(t)
      y.push(stepped ? last : (series.avg[i] ?? last))
    } else {
      const lowFirst = (first ?? min) === min
      x.push(t, t + step * 0.25, t + step * 0.5, t + step * 0.75)
      y.push(first, lowFirst ? min : max, lowFirst ? max : min, last)
    }
    if (breaks.after.has(i)) gap(t + step * 0.875)
  }
  return { x, y }
}

/** The span with no data at time `t` (epoch ms), if any: from its mark up to (not including) the next value. */
export function noDataAt(spans: readonly NoDataSpan[], t: number): NoDataSpan | undefined {
  return spans.find((span) => span.from <= t && (span.to === null || t < span.to))
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

const QUALITY_NAMES = ['good', 'uncertain', 'bad'] as const

/** What the CSV export knows of one pen besides its values: quality per point (raw samples) and its no-data spans. */
export interface PenQuality {
  quality?: readonly (number | undefined)[]
  noData: readonly NoDataSpan[]
}

const csvCell = (c: string): string => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)

/**
 * Rows of the visible data for CSV export: time, then per pen its value and its quality. A point in a span with no
 * data has an empty value and "no data" with the recorded reason as its quality, so an outage reads as one.
 */
export function toCsv(names: readonly string[], data: [number[], ...(number | null | undefined)[][]], pens: readonly PenQuality[]): string {
  const [xs, ...columns] = data
  const lines = [['time', ...names.flatMap((name) => [name, `${name} quality`])].map(csvCell).join(',')]
  xs.forEach((x, i) => {
    const cells = [new Date(x * 1000).toISOString()]
    columns.forEach((column, k) => {
      const value = column[i]
      const span = value === null ? noDataAt(pens[k]?.noData ?? [], x * 1000) : undefined
      const quality = pens[k]?.quality?.[i]
      if (value === undefined) cells.push('', '')
      else if (span) cells.push('', csvCell(span.reason ? `no data: ${span.reason}` : 'no data'))
      else cells.push(value === null ? '' : String(value), quality === undefined ? '' : (QUALITY_NAMES[quality] ?? String(quality)))
    })
    lines.push(cells.join(','))
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
