import { describe, it, expect } from 'vitest'
import { seededRandom } from '../test-helpers'
import { decodeRollup, encodeRollup, foldBuckets, RollupScratch } from './rollup-block'

function bits(x: number): string {
  const b = new DataView(new ArrayBuffer(8))
  b.setFloat64(0, x)
  return b.getBigUint64(0).toString(16)
}

/** Brute force: per bucket of `width` touched by a sample, count/min/max/sum/first/last over non-NaN values. */
function reference(t: number[], v: number[], width: number) {
  const out: { bucket: number; count: number; min: number; max: number; sum: number; first: number; last: number }[] = []
  t.forEach((ti, i) => {
    const bucket = Math.floor(ti / width) * width
    let b = out[out.length - 1]
    if (!b || b.bucket !== bucket) out.push((b = { bucket, count: 0, min: NaN, max: NaN, sum: 0, first: NaN, last: NaN }))
    const x = v[i]
    if (Number.isNaN(x)) return
    if (b.count === 0) b.min = b.max = b.first = x
    else {
      if (x < b.min) b.min = x
      if (x > b.max) b.max = x
    }
    b.sum += x
    b.last = x
    b.count++
  })
  return out
}

function roundTrip(t: number[], v: number[], width = 1000) {
  const s = new RollupScratch()
  foldBuckets(t, v, 0, t.length, width, s)
  const data = encodeRollup(s, width)
  const r = decodeRollup(data)
  const ref = reference(t, v, width)
  expect(r.width).toBe(width)
  expect(r.length).toBe(ref.length)
  for (let i = 0; i < ref.length; i++) {
    expect(r.bucket[i]).toBe(ref[i].bucket)
    expect(r.count[i]).toBe(ref[i].count)
    // bit for bit: -0, ±Inf and exact sums survive
    expect([r.min[i], r.max[i], r.sum[i], r.first[i], r.last[i]].map(bits)).toEqual([ref[i].min, ref[i].max, ref[i].sum, ref[i].first, ref[i].last].map(bits))
  }
  return data
}

describe('fine rollup codec (one blob per block)', () => {
  it('round-trips a noisy 10 Hz float32 signal with gaps exactly, and costs far less than one row per second', () => {
    const r = seededRandom(3)
    const t: number[] = []
    const v: number[] = []
    let time = 1_767_571_200_000
    let x = 0
    for (let i = 0; i < 4096; i++) {
      time += r() < 0.97 ? 100 : Math.floor(r() * 10_000)
      x = Math.fround(x + (r() - 0.5) * 0.02)
      t.push(time)
      v.push(x)
    }
    const data = roundTrip(t, v)
    const buckets = reference(t, v, 1000).length
    // A table row per 1 s bucket cost ~55 bytes; the blob must stay well below half of that.
    expect(data.length / buckets).toBeLessThan(25)
  })

  it('round-trips NaN-only buckets, single-sample buckets, flat buckets, -0, ±Inf and integers', () => {
    const t = [0, 100, 200, 1000, 2500, 2600, 2700, 3000, 3100, 3200, 4000, 4001, 5000, 5001, 5002, 9000, 9999]
    const v = [NaN, NaN, NaN, 7, -0, 0, -0, Infinity, -Infinity, 5, 3, 3, 1e300, -1e-300, 0.1 + 0.2, NaN, 42]
    roundTrip(t, v)
    // integer streams (counters, states)
    const ti = Array.from({ length: 600 }, (_, i) => 1_700_000_000_000 + i * 100)
    roundTrip(
      ti,
      ti.map((_, i) => Math.floor(i / 3)),
    )
    roundTrip(
      ti,
      ti.map((_, i) => (i > 300 ? 4 : 1)),
    )
    // negative times and other widths
    roundTrip([-5000, -4001, -4000, -1, 0, 1], [1, 2, 3, 4, 5, 6], 1000)
    roundTrip(
      ti,
      ti.map((_, i) => Math.sin(i)),
      60_000,
    )
  })

  it('folds a sub-range of the arrays, as a flush does for each block', () => {
    const t = Array.from({ length: 50 }, (_, i) => i * 250)
    const v = t.map((x) => x / 7)
    const s = new RollupScratch()
    foldBuckets(t, v, 10, 30, 1000, s)
    const r = decodeRollup(encodeRollup(s, 1000))
    const ref = reference(t.slice(10, 30), v.slice(10, 30), 1000)
    expect(Array.from(r.bucket)).toEqual(ref.map((b) => b.bucket))
    expect(Array.from(r.sum)).toEqual(ref.map((b) => b.sum))
  })

  it('refuses a blob from a newer format with a clear message', () => {
    const s = new RollupScratch()
    foldBuckets([0], [1], 0, 1, 1000, s)
    const data = encodeRollup(s, 1000)
    data[0] = 9
    expect(() => decodeRollup(data)).toThrow(/format version 9.*newer OT Workbench/)
  })
})
