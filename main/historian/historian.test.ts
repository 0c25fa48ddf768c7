import { describe, it, expect, afterEach } from 'vitest'
import { openHistorian, type Historian } from './index'
import { seededRandom, tempDir } from './test-helpers'

const T0 = 1_700_000_000_000
let cleanup: (() => void)[] = []
afterEach(() => {
  for (const fn of cleanup.reverse()) fn()
  cleanup = []
})

function open(extra: Partial<Parameters<typeof openHistorian>[0]> = {}): { h: Historian; file: string } {
  const d = tempDir()
  const file = d.file('project.otwh')
  const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 256, ...extra })
  cleanup.push(() => {
    try {
      h.close()
    } catch {
      // already closed
    }
    d.remove()
  })
  return { h, file }
}

describe('historian ingest and raw queries', () => {
  it('returns exactly what was appended, across flushes, sealing and reopen', () => {
    const { h, file } = open()
    const r = seededRandom(7)
    const ts: number[] = []
    const vs: number[] = []
    let t = T0
    for (let i = 0; i < 3000; i++) {
      t += 1 + Math.floor(r() * 200)
      const v = i % 97 === 0 ? Number.NaN : i % 101 === 0 ? -Infinity : r() * 100 - 50
      ts.push(t)
      vs.push(v)
      h.append('Line1.Filler.Speed', t, v, i >= 1000 && i < 1010 ? 2 : 0, i === 1000 ? 'comm lost' : undefined)
      if (i % 170 === 0) h.flush()
    }
    const before = h.queryRaw(['Line1.Filler.Speed'], T0, t)[0] // part still buffered
    expect(Array.from(before.t)).toEqual(ts)
    h.close()
    const h2 = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    cleanup.push(() => h2.close())
    const [s] = h2.queryRaw(['Line1.Filler.Speed'], T0, t)
    expect(Array.from(s.t)).toEqual(ts)
    expect(Array.from(s.v)).toEqual(vs)
    expect(s.q[999]).toBe(0)
    expect(s.q[1000]).toBe(2)
    expect(s.q[1010]).toBe(0)
    expect(s.qualityChanges).toContainEqual({ index: 1000, t: ts[1000], quality: 2, reason: 'comm lost' })
    // sub-range boundaries are inclusive
    const [sub] = h2.queryRaw(['Line1.Filler.Speed'], ts[10], ts[20])
    expect(Array.from(sub.t)).toEqual(ts.slice(10, 21))
    const blocks = h2.database.prepare<{ n: number }>('SELECT count(*) AS n FROM blocks WHERE sealed = 1').get()!.n
    expect(blocks).toBeGreaterThan(0)
    expect(h2.stats().storedSamples).toBe(3000)
  })

  it('maps string tag ids to integer ids with unit and data type', () => {
    const { h } = open()
    h.setTagConfig('Line1.Capper.Torque', { unit: 'Nm', dataType: 'float' })
    h.append('Line1.Capper.Torque', T0, 1)
    h.append('Line1.Labeler.Running', T0, 1)
    h.flush()
    const rows = h.database.prepare<{ id: number; name: string; unit: string | null }>('SELECT id, name, unit FROM tags ORDER BY id').all()
    expect(rows).toEqual([
      { id: 1, name: 'Line1.Capper.Torque', unit: 'Nm' },
      { id: 2, name: 'Line1.Labeler.Running', unit: null },
    ])
    expect(h.getTagConfig('Line1.Capper.Torque')?.unit).toBe('Nm')
  })

  it('rejects out-of-order samples (counted) and non-integer times (thrown)', () => {
    const { h } = open()
    expect(h.append('A', T0 + 10, 1)).toBe(true)
    expect(h.append('A', T0 + 5, 1)).toBe(false)
    expect(h.stats().rejectedOutOfOrder).toBe(1)
    expect(() => h.append('A', T0 + 10.5, 1)).toThrow(/integer epoch milliseconds/)
  })
})

describe('deadband and on-change recording', () => {
  it('records only changes beyond the absolute deadband, and always on quality change', () => {
    const { h } = open()
    h.setTagConfig('T', { deadband: 0.5 })
    const input = [10, 10.2, 10.5, 10.6, 10.0, 9.9, 9.0, 9.4]
    input.forEach((v, i) => h.append('T', T0 + i, v))
    h.append('T', T0 + 100, 9.1, 1) // quality change is recorded although within the band
    const [s] = h.queryRaw(['T'], T0, T0 + 1000)
    expect(Array.from(s.v)).toEqual([10, 10.6, 10.0, 9.0, 9.1])
    expect(h.stats().filteredSamples).toBe(4)
  })

  it('on change keeps only value changes, bit for bit (NaN equal to NaN, -0 differs from 0)', () => {
    const { h } = open()
    h.setTagConfig('S', { onChange: true })
    ;[1, 1, 1, 2, 2, Number.NaN, Number.NaN, 0, -0, -0, 1].forEach((v, i) => h.append('S', T0 + i, v))
    const [s] = h.queryRaw(['S'], T0, T0 + 100)
    expect(Array.from(s.t).map((t) => t - T0)).toEqual([0, 3, 5, 7, 8, 10])
  })

  it('a deadband switched on while recording takes the next sample as its reference; switched off records all again', () => {
    const { h } = open()
    ;[1, 1, 1].forEach((v, i) => h.append('D', T0 + i, v))
    h.flush()
    h.setTagConfig('D', { deadband: 1 })
    ;[1.5, 2, 2.6, 3.0].forEach((v, i) => h.append('D', T0 + 10 + i, v))
    h.setTagConfig('D', { deadband: null })
    ;[3.0, 3.0].forEach((v, i) => h.append('D', T0 + 20 + i, v))
    const [s] = h.queryRaw(['D'], T0, T0 + 100)
    expect(Array.from(s.v)).toEqual([1, 1, 1, 1.5, 2.6, 3.0, 3.0])
  })
})

describe('value at time', () => {
  it('returns the previous sample or interpolates between neighbours, across blocks and the buffer', () => {
    const { h } = open({ blockSamples: 16 })
    for (let i = 0; i < 100; i++) h.append('P', T0 + i * 10, i * 2, i === 50 ? 1 : 0)
    h.flush()
    for (let i = 100; i < 110; i++) h.append('P', T0 + i * 10, i * 2)
    expect(h.valueAt(['P'], T0 - 1, 'previous')).toEqual([null])
    expect(h.valueAt(['P'], T0 + 255, 'previous')[0]).toEqual({ tagId: 'P', t: T0 + 250, v: 50, quality: 0 })
    expect(h.valueAt(['P'], T0 + 255, 'interpolated')[0]).toEqual({ tagId: 'P', t: T0 + 255, v: 51, quality: 0 })
    expect(h.valueAt(['P'], T0 + 505, 'interpolated')[0]?.quality).toBe(1)
    expect(h.valueAt(['P'], T0 + 1005, 'interpolated')[0]?.v).toBe(201) // buffer, unflushed
    expect(h.valueAt(['P'], T0 + 99_999, 'interpolated')[0]?.v).toBe(218) // after the last: held
    expect(h.valueAt(['P', 'missing'], T0 + 500)).toEqual([{ tagId: 'P', t: T0 + 500, v: 100, quality: 1 }, null])
  })
})
