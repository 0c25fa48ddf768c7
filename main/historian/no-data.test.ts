import { describe, expect, it } from 'vitest'
import { openHistorian } from './index'
import { seededRandom, tempDir } from './test-helpers'
import type { NoDataSpan } from './types'

const T0 = 1_699_999_200_000 // a whole hour
const BAD = 2

/** Brute-force reference: a span from each NaN that follows a value (or starts the range) to the next value. */
function reference(t: number[], v: number[], from: number, to: number): NoDataSpan[] {
  const spans: NoDataSpan[] = []
  let open: NoDataSpan | null = null
  t.forEach((ti, k) => {
    if (ti < from) return
    if (Number.isNaN(v[k])) {
      if (open === null && ti <= to) spans.push((open = { from: ti, to: null, reason: null }))
    } else if (open !== null) {
      if (ti <= to) open.to = ti
      open = null
    }
  })
  return spans
}

const withoutReasons = (spans: NoDataSpan[]) => spans.map(({ from, to }) => ({ from, to }))

describe('no-data marks in queries', () => {
  it('reads a bucket holding only a mark as empty, and gives the span from the mark to the next value with its reason', () => {
    const d = tempDir()
    const h = openHistorian({ file: d.file('marks.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (let s = 0; s < 10; s++) h.append('Speed', T0 + s * 1000, 40 + s)
    h.append('Speed', T0 + 10_500, NaN, BAD, 'broker connection lost')
    for (let s = 30; s < 40; s++) h.append('Speed', T0 + s * 1000, 70 + s)
    h.flush()

    const span = { from: T0 + 10_500, to: T0 + 30_000, reason: 'broker connection lost' }
    const [raw] = h.queryRaw(['Speed'], T0, T0 + 40_000)
    expect(raw.noData).toEqual([span])
    // 20 two-second buckets from the raw samples, then from the 1 s level inside the blocks: the same answer.
    for (const exact of [true, false]) {
      const [b] = h.queryBuckets(['Speed'], T0, T0 + 40_000, 20, { exact })
      expect(b.source).toBe(exact ? 'raw' : 1000)
      expect(b.count[5]).toBe(0) // [10 s, 12 s): the mark and nothing else
      expect([b.min[5], b.max[5], b.avg[5], b.first[5], b.last[5]].every(Number.isNaN)).toBe(true)
      expect(b.count[4]).toBe(2)
      expect(b.noData).toEqual([span])
    }
    // Ten-second buckets: the mark shares its bucket with values before it, the span says where the line breaks.
    const [coarse] = h.queryBuckets(['Speed'], T0, T0 + 40_000, 4, { exact: true })
    expect(Array.from(coarse.count)).toEqual([10, 0, 0, 10])
    expect(coarse.noData).toEqual([span])
    h.close()
    d.remove()
  })

  it('finds marks from the 1 min level too, in sealed blocks, across block ends, in the unflushed buffer, and an open span', () => {
    const d = tempDir()
    const h = openHistorian({ file: d.file('levels.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 64 })
    let t = T0
    const step = (n: number, value: (i: number) => number): void => {
      for (let i = 0; i < n; i++) h.append('Temp', (t += 1000), value(i))
    }
    step(300, (i) => 20 + (i % 7)) // five minutes of values
    h.flush()
    h.append('Temp', (t += 500), NaN, BAD, 'recording stopped') // the mark ends a flush: the next value is in a later block
    h.flush()
    t += 600_000 // ten minutes with nothing
    step(200, (i) => 30 + (i % 5))
    for (let i = 0; i < 3; i++) h.append('Temp', (t += 1000), NaN, BAD, 'read timeout') // bad reads, one stretch
    step(100, () => 25)
    h.flush()
    h.append('Temp', (t += 1000), NaN, BAD, 'connection Filler PLC removed') // buffered, nothing after it
    const end = t + 1000

    const [hour] = h.queryBuckets(['Temp'], T0, T0 + 3_600_000, 30)
    expect(hour.source).toBe(60_000)
    const [raw] = h.queryRaw(['Temp'], T0, T0 + 3_600_000)
    expect(hour.noData).toEqual(raw.noData)
    expect(hour.noData.map((s) => s.reason)).toEqual(['recording stopped', 'read timeout', 'connection Filler PLC removed'])
    expect(hour.noData[0]).toMatchObject({ from: T0 + 300_500, to: T0 + 901_500 })
    expect(hour.noData[2]).toMatchObject({ from: end - 1000, to: null })
    // After close (sealed blocks, no buffer) the same spans come from the file.
    h.close()
    const again = openHistorian({ file: d.file('levels.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 64 })
    expect(again.queryBuckets(['Temp'], T0, T0 + 3_600_000, 30)[0].noData).toEqual(raw.noData)
    again.close()
    d.remove()
  })

  it('matches a brute-force reference on random data with random flushes, sealing and ranges, at every level', () => {
    const d = tempDir()
    const h = openHistorian({ file: d.file('random.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 128 })
    const r = seededRandom(7)
    const t: number[] = []
    const v: number[] = []
    let time = T0
    for (let i = 0; i < 20_000; i++) {
      time += r() < 0.95 ? 200 : Math.floor(r() * 120_000)
      const x = r() < 0.01 || (Number.isNaN(v[i - 1]) && r() < 0.7) ? NaN : r() * 100 // marks, and runs of bad reads
      t.push(time)
      v.push(x)
      h.append('R', time, x, Number.isNaN(x) ? BAD : 0)
      if (r() < 0.003) h.flush()
    }
    for (let k = 0; k < 40; k++) {
      const from = T0 + Math.floor(r() * (time - T0))
      const to = from + 1 + Math.floor(r() * (time - from + 60_000))
      const expected = withoutReasons(reference(t, v, from, to))
      expect(withoutReasons(h.queryRaw(['R'], from, to)[0].noData)).toEqual(expected)
      for (const buckets of [1, 50, 1000]) expect(withoutReasons(h.queryBuckets(['R'], from, to, buckets)[0].noData)).toEqual(expected)
    }
    expect(reference(t, v, T0, time).length).toBeGreaterThan(50)
    h.close()
    d.remove()
  })
})
