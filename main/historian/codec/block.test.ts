import { describe, it, expect } from 'vitest'
import { decodeBlock, encodeBlock, summarize } from './block'
import { QualityRuns } from './quality-runs'

// Deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = s
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function bits(x: number): string {
  const b = new DataView(new ArrayBuffer(8))
  b.setFloat64(0, x)
  return b.getBigUint64(0).toString(16)
}

function roundTrip(t: number[], v: number[], runs = new QualityRuns()) {
  if (runs.length === 0 && t.length > 0) runs.note(0, 0, null)
  const data = encodeBlock(t, v, runs, 0, t.length)
  const out = decodeBlock(data)
  expect(Array.from(out.t)).toEqual(t)
  expect(Array.from(out.v).map(bits)).toEqual(v.map(bits))
  expect(out.runs.start).toEqual(runs.start)
  expect(out.runs.quality).toEqual(runs.quality)
  expect(out.runs.reason).toEqual(runs.reason)
  return data
}

describe('block codec', () => {
  it('round-trips random float64 bit patterns exactly, including NaN payloads', () => {
    const r = rng(1)
    const dv = new DataView(new ArrayBuffer(8))
    const t: number[] = []
    const v: number[] = []
    for (let i = 0; i < 5000; i++) {
      t.push(1_700_000_000_000 + i * 100)
      dv.setUint32(0, Math.floor(r() * 2 ** 32))
      dv.setUint32(4, Math.floor(r() * 2 ** 32))
      v.push(dv.getFloat64(0))
    }
    roundTrip(t, v)
  })

  it('round-trips NaN, ±Infinity, -0, repeats and ordinary values', () => {
    const v = [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, -0, 3, 3, 3, 1e-308, -1e308, 5e-324, 2 ** 53, 0.1 + 0.2]
    const t = v.map((_, i) => 1000 + i)
    roundTrip(t, v)
    const noNegZero = v.filter((x) => !Object.is(x, -0))
    roundTrip(
      noNegZero.map((_, i) => i * 7),
      noNegZero,
    )
  })

  it('round-trips integer-only blocks (counters, states) and -0 forces the float path', () => {
    const r = rng(2)
    const t: number[] = []
    const v: number[] = []
    let c = 0
    for (let i = 0; i < 3000; i++) {
      t.push(i * 100)
      c += Math.floor(r() * 3)
      v.push(i % 500 === 0 ? -(2 ** 45) : c)
    }
    const data = roundTrip(t, v)
    expect(data.length).toBeLessThan(3000)
    roundTrip([1, 2, 3], [1, -0, 2])
  })

  it('round-trips irregular timestamps, big gaps, equal and negative times', () => {
    const r = rng(3)
    const t: number[] = []
    let x = -5_000_000
    for (let i = 0; i < 4000; i++) {
      const k = r()
      x += k < 0.5 ? 100 : k < 0.7 ? Math.floor(r() * 10) : k < 0.8 ? 0 : k < 0.95 ? Math.floor(r() * 1e6) : Math.floor(r() * 2 ** 45)
      t.push(x)
    }
    roundTrip(
      t,
      t.map((_, i) => Math.sin(i) * 1000),
    )
  })

  it('keeps quality runs and reasons exactly', () => {
    const t = Array.from({ length: 100 }, (_, i) => i * 10)
    const v = t.map((x) => x / 3)
    const runs = new QualityRuns()
    runs.note(0, 0, null)
    runs.note(10, 2, 'comm lost: timeout 5 s')
    runs.note(11, 2, null) // same quality, no reason: continues the run
    runs.note(40, 1, 'sensor ü calibrating')
    runs.note(41, 1, 'another reason')
    runs.note(99, 0, null)
    expect(runs.length).toBe(5)
    roundTrip(t, v, runs)
    expect(runs.expand(100)[10]).toBe(2)
    expect(runs.expand(100)[40]).toBe(1)
    expect(runs.qualityAt(98)).toBe(1)
  })

  it('handles single-sample and empty blocks', () => {
    roundTrip([42], [Number.NaN])
    const out = decodeBlock(encodeBlock([], [], new QualityRuns(), 0, 0))
    expect(out.t.length).toBe(0)
  })

  it('compresses a regular 10 Hz float32 random walk to under 4 bytes per point', () => {
    const r = rng(4)
    const t: number[] = []
    const v: number[] = []
    let x = 50
    for (let i = 0; i < 4096; i++) {
      t.push(1_700_000_000_000 + i * 100)
      x += (r() - 0.5) * 0.1
      v.push(Math.fround(x))
    }
    const data = roundTrip(t, v)
    expect(data.length / 4096).toBeLessThan(4)
  })

  it('summarizes min/max/sum ignoring NaN', () => {
    const s = summarize([1, 2, 3, 4], [5, Number.NaN, -1, Number.POSITIVE_INFINITY], 0, 4)
    expect(s).toMatchObject({ count: 4, tFirst: 1, tLast: 4, min: -1, max: Number.POSITIVE_INFINITY, valueCount: 3 })
  })
})

describe('delta-of-delta runs of unchanged deltas', () => {
  // The decoder takes runs of 0 bits a word at a time; runs of every length up to past a word, ending at every bit offset.
  it('decodes regular series with rare jitter exactly, for run lengths around word and byte boundaries', () => {
    const next = rng(42)
    for (let n = 1; n < 140; n++) {
      for (const jitterEvery of [0, 7, 26, 33]) {
        const t: number[] = []
        const v: number[] = []
        let time = 1_700_000_000_000 + Math.floor(next() * 1000)
        let counter = 0
        for (let i = 0; i < n; i++) {
          time += 100 + (jitterEvery > 0 && i % jitterEvery === jitterEvery - 1 ? 1 + Math.floor(next() * 5) : 0)
          counter += jitterEvery > 0 && i % (jitterEvery + 3) === 0 ? 2 : 1
          t.push(time)
          v.push(counter)
        }
        roundTrip(t, v)
      }
    }
  })
})
