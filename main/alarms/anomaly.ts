// The anomaly rule's arithmetic: features of a window of values, a baseline (median and MAD of each feature over the
// windows of a normal period) and the robust z-score of a new window against it.
import type { AlarmCondition } from '../../preload/contract'
import { AlarmEngineError } from './alarm-engine-error'

export type AnomalyCondition = Extract<AlarmCondition, { kind: 'anomaly' }>
export type AnomalyBaseline = NonNullable<AnomalyCondition['baseline']['features']>

/** At most this many values of one window are kept; later ones in the same window are left out. */
export const ANOMALY_WINDOW_CAPACITY = 4096
const MAD_TO_SIGMA = 1.4826

/** Median and 90th percentile of values[0..n) (sorted in place in `scratch`), into out[0] and out[1]. */
export function windowFeatures(values: Float64Array, n: number, scratch: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) scratch[i] = values[i]!
  const sorted = scratch.subarray(0, n).sort()
  out[0] = quantile(sorted, 0.5)
  out[1] = quantile(sorted, 0.9)
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
}

/**
 * Whether a window is anomalous: a feature more than `limit` robust deviations above normal. A window wholly far below
 * normal (the machine stopped) says nothing either way: undefined, so a stop neither raises nor clears the alarm.
 */
export function anomalyVerdict(features: Float64Array, baseline: AnomalyBaseline, limit: number): boolean | undefined {
  let highest = -Infinity
  for (let i = 0; i < baseline.length && i < features.length; i++) {
    const b = baseline[i]!
    // A perfectly flat baseline still gets a scale: a thousandth of its level.
    const sigma = Math.max(b.mad * MAD_TO_SIGMA, Math.abs(b.median) * 1e-3, 1e-9)
    const z = (features[i]! - b.median) / sigma
    if (z > highest) highest = z
  }
  if (highest > limit) return true
  return highest < -limit ? undefined : false
}

/** Learns the baseline from recorded values of the normal period: tumbling windows from `from`, each with enough values. */
export function learnAnomalyBaseline(condition: AnomalyCondition, tagId: string, series: { t: ArrayLike<number>; v: ArrayLike<number> }): AnomalyBaseline {
  const { from, to } = condition.baseline
  const medians: number[] = []
  const p90s: number[] = []
  const window = new Float64Array(ANOMALY_WINDOW_CAPACITY)
  const scratch = new Float64Array(ANOMALY_WINDOW_CAPACITY)
  const out = new Float64Array(2)
  let start = from
  let n = 0
  const close = (): void => {
    if (n >= condition.minSamples) {
      windowFeatures(window, n, scratch, out)
      medians.push(out[0]!)
      p90s.push(out[1]!)
    }
    n = 0
  }
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i]!
    const v = series.v[i]!
    if (t < from || t >= to || Number.isNaN(v)) continue
    while (t - start >= condition.windowMs) {
      close()
      start += condition.windowMs
    }
    if (n < ANOMALY_WINDOW_CAPACITY) window[n++] = v
  }
  close()
  if (medians.length < 5) {
    throw new AlarmEngineError(
      'invalid',
      `Anomaly baseline of ${tagId} from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}: only ${medians.length} window${medians.length === 1 ? '' : 's'} of ${condition.windowMs / 1000} s with at least ${condition.minSamples} recorded values (5 needed) — pick a longer normal period that was recorded`,
    )
  }
  return [
    { name: 'median', ...medianAndMad(medians) },
    { name: 'p90', ...medianAndMad(p90s) },
  ]
}

function medianAndMad(values: number[]): { median: number; mad: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const median = quantile(sorted, 0.5)
  const deviations = sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b)
  return { median, mad: quantile(deviations, 0.5) }
}
