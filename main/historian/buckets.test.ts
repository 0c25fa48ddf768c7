import { describe, it, expect } from 'vitest'
import { openHistorian } from './index'
import { chooseRollupWidth } from './query-buckets'
import { seededRandom, tempDir } from './test-helpers'

const T0 = 1_699_999_200_000 // a whole hour

/** Brute-force reference: per bucket over non-NaN values. */
function reference(t: number[], v: number[], from: number, to: number, n: number) {
  const w = (to - from) / n
  const out = Array.from({ length: n }, () => ({ count: 0, min: NaN, max: NaN, sum: 0, first: NaN, last: NaN }))
  t.forEach((ti, k) => {
    const x = v[k]
    if (ti < from || ti > to || Number.isNaN(x)) return
    const i = Math.min(n - 1, Math.floor((ti - from) / w))
    const b = out[i]
    if (b.count === 0) {
      b.min = x
      b.max = x
      b.first = x
    }
    b.min = Math.min(b.min, x)
    b.max = Math.max(b.max, x)
    b.sum += x
    b.last = x
    b.count++
  })
  return out
}

describe('bucketed range queries', () => {
  const d = tempDir()
  const h = openHistorian({ file: d.file('b.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 512, rollupWidthsMs: [1000, 60_000, 3_600_000] })
  const r = seededRandom(11)
  const t: number[] = []
  const v: number[] = []
  let x = 0
  let time = T0
  for (let i = 0; i < 40_000; i++) {
    time += r() < 0.9 ? 100 : Math.floor(r() * 5000) // 10 Hz with gaps, ~75 min
    x += r() - 0.5
    t.push(time)
    v.push(i % 1000 === 5 ? NaN : x)
    h.append('R', time, v[i])
    if (i % 3000 === 0) h.flush()
  }
  h.flush()
  // a few unflushed samples at the end must be included too
  for (let i = 0; i < 20; i++) {
    time += 100
    t.push(time)
    v.push(i)
    h.append('R', time, i)
  }

  function compare(from: number, to: number, n: number, exact: boolean) {
    const [s] = h.queryBuckets(['R'], from, to, n, { exact })
    const ref = reference(t, v, from, to, n)
    for (let i = 0; i < n; i++) {
      expect(s.count[i]).toBe(ref[i].count)
      if (ref[i].count === 0) continue
      expect(s.min[i]).toBe(ref[i].min)
      expect(s.max[i]).toBe(ref[i].max)
      expect(s.first[i]).toBe(ref[i].first)
      expect(s.last[i]).toBe(ref[i].last)
      expect(s.avg[i]).toBeCloseTo(ref[i].sum / ref[i].count, 6)
    }
    return s
  }

  it('matches brute force on raw samples for random ranges and widths', () => {
    for (let k = 0; k < 20; k++) {
      const from = T0 + Math.floor(r() * 3_000_000)
      const to = from + 1 + Math.floor(r() * 2_000_000)
      const s = compare(from, to, 1 + Math.floor(r() * 700), true)
      expect(s.source).toBe('raw')
    }
  })

  it('matches brute force when served from rollups with aligned edges', () => {
    // 1 s rollups: 3000 s into 100 buckets of 30 s
    const s1 = compare(T0, T0 + 3_000_000, 100, false)
    expect(s1.source).toBe(1000)
    // 1 min rollups: 4 h into 8 buckets of 30 min (includes the unflushed tail)
    const s2 = compare(T0, T0 + 4 * 3_600_000, 8, false)
    expect(s2.source).toBe(60_000)
  })

  it('picks the coarsest level that still has more buckets than pixels', () => {
    const widths = [1000, 60_000, 3_600_000]
    const week = 7 * 86_400_000
    expect(chooseRollupWidth(widths, 0, week, 2000)).toBe(60_000)
    expect(chooseRollupWidth(widths, 0, week, 100)).toBe(3_600_000)
    expect(chooseRollupWidth(widths, 0, 1_800_000, 2000)).toBe(null)
    expect(chooseRollupWidth(widths, 0, 3 * 3_600_000, 2000)).toBe(1000)
  })

  it('cleans up', () => {
    h.close()
    d.remove()
  })
})
