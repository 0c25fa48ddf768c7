import { describe, it, expect, afterEach } from 'vitest'
import { encodeBlock } from './codec/block'
import { QualityRuns } from './codec/quality-runs'
import { openHistorian, type Historian } from './index'
import { migrate } from '../database/numbered-migrations'
import { migrations, VERSION_TABLE } from './migrations/index'
import { openDatabase } from '../database/sqlite'
import { seededRandom, tempDir } from './test-helpers'

const T0 = 1_699_999_200_000 // a whole hour
let cleanup: (() => void)[] = []
afterEach(() => {
  for (const fn of cleanup.reverse()) fn()
  cleanup = []
})

function dir() {
  const d = tempDir()
  cleanup.push(() => d.remove())
  return d
}

/** Brute-force reference: per bucket over non-NaN values. */
function reference(t: number[], v: number[], from: number, to: number, n: number) {
  const w = (to - from) / n
  const out = Array.from({ length: n }, () => ({ count: 0, min: NaN, max: NaN, sum: 0, first: NaN, last: NaN }))
  t.forEach((ti, k) => {
    const x = v[k]
    if (ti < from || ti > to || Number.isNaN(x)) return
    const b = out[Math.min(n - 1, Math.floor((ti - from) / w))]
    if (b.count === 0) b.min = b.max = b.first = x
    b.min = Math.min(b.min, x)
    b.max = Math.max(b.max, x)
    b.sum += x
    b.last = x
    b.count++
  })
  return out
}

function expectMatches(h: Historian, tag: string, t: number[], v: number[], from: number, to: number, n: number, source: number | 'raw') {
  const [s] = h.queryBuckets([tag], from, to, n)
  expect(s.source).toBe(source)
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
}

/** 10 Hz random walk with NaNs and gaps. */
function signal(seed: number, n: number, start = T0) {
  const r = seededRandom(seed)
  const t: number[] = []
  const v: number[] = []
  let time = start
  let x = 0
  for (let i = 0; i < n; i++) {
    time += r() < 0.95 ? 100 : Math.floor(r() * 7000)
    x += r() - 0.5
    t.push(time)
    v.push(i % 777 === 3 ? NaN : x)
  }
  return { t, v }
}

describe('rollup levels', () => {
  it('serves 1 s rollups from the blocks by default, exact across partial buckets, small flushes and sealing', () => {
    const d = dir()
    const h = openHistorian({ file: d.file('a.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 300 })
    cleanup.push(() => h.close())
    const { t, v } = signal(5, 30_000)
    // Flushes every 37 samples split most 1 s buckets across two blocks; sealing re-rolls them per sealed block.
    t.forEach((ti, i) => {
      h.append('W', ti, v[i])
      if (i % 37 === 36) h.flush()
    })
    h.flush()
    for (let i = 0; i < 15; i++) {
      t.push(t[t.length - 1] + 100)
      v.push(i)
      h.append('W', t[t.length - 1], i) // unflushed tail
    }
    const blocks = h.database.prepare<{ n: number; r: number }>('SELECT count(*) AS n, count(rollup) AS r FROM blocks').get()
    expect(blocks?.r).toBe(blocks?.n) // every block carries its 1 s rollup
    expect(h.database.prepare<{ n: number }>('SELECT count(*) AS n FROM rollups WHERE width_ms = 1000').get()?.n).toBe(0)
    const end = T0 + 1_000_000 + Math.ceil((t[t.length - 1] + 1 - T0 - 1_000_000) / 500_000) * 500_000 // 1 s-aligned buckets
    expectMatches(h, 'W', t, v, T0, T0 + 3_000_000, 100, 1000) // 3000 s into 30 s buckets
    expectMatches(h, 'W', t, v, T0 + 1_000_000, end, 500, 1000) // to the unflushed tail
    expectMatches(h, 'W', t, v, T0, T0 + 600_000, 1000, 'raw') // 600 buckets of 1 s is not more than 1000 pixels
    h.close()
    // and the same after closing (all chains sealed) and reopening
    const h2 = openHistorian({ file: d.file('a.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    cleanup.push(() => h2.close())
    expectMatches(h2, 'W', t, v, T0 + 1_000_000, end, 500, 1000)
  })

  it('rolls up blocks written before migration 4 (no rollup blob) from their samples', () => {
    const d = dir()
    const file = d.file('old.otwh')
    const { t, v } = signal(9, 20_000)
    // A version-3 file, blocks written the old way.
    const db = openDatabase(file)
    migrate(db, migrations, VERSION_TABLE, 3)
    db.prepare("INSERT INTO tags (name, created_at) VALUES ('Old', 0)").run()
    const runs = new QualityRuns()
    runs.note(0, 0, null)
    for (let s = 0; s < t.length; s += 4096) {
      const e = Math.min(t.length, s + 4096)
      const local = new QualityRuns()
      local.note(0, 0, null)
      db.prepare('INSERT INTO blocks (tag_id, t_first, t_last, count, value_count, sealed, data) VALUES (1, ?, ?, ?, ?, 1, ?)').run(
        t[s],
        t[e - 1],
        e - s,
        e - s,
        encodeBlock(t, v, local, s, e),
      )
    }
    db.close()
    const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    cleanup.push(() => h.close())
    expect(h.database.prepare<{ v: number }>('SELECT max(version) AS v FROM schema_version').get()?.v).toBe(migrations[migrations.length - 1].version)
    expectMatches(h, 'Old', t, v, T0, T0 + 2_000_000, 200, 1000)
    // new samples get blobs; old and new blocks mix in one query
    const more = signal(10, 5000, t[t.length - 1])
    more.t.forEach((ti, i) => h.append('Old', ti, more.v[i]))
    h.flush()
    t.push(...more.t)
    v.push(...more.v)
    expect(h.database.prepare<{ n: number }>('SELECT count(*) AS n FROM blocks WHERE rollup IS NOT NULL').get()?.n).toBeGreaterThan(0)
    expectMatches(h, 'Old', t, v, T0, T0 + Math.ceil((t[t.length - 1] + 1 - T0) / 200_000) * 200_000, 200, 1000)
  })

  it('keeps 1 min and 1 h rollups exact when only closed buckets are written: after a crash, and after reopening', () => {
    const d = dir()
    const file = d.file('c.otwh')
    const { t, v } = signal(21, 60_000) // ~1.8 h
    const half = 41_234
    const h1 = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (let i = 0; i < half; i++) {
      h1.append('C', t[i], v[i])
      if (i % 1000 === 999) h1.flush()
    }
    h1.flush()
    // While running, the open buckets come from memory: rows are written only for closed ones.
    const rows = h1.database.prepare<{ b: number }>('SELECT max(bucket) AS b FROM rollups WHERE width_ms = 60000').get()
    expect(rows?.b).toBeLessThan(Math.floor(t[half - 1] / 60_000) * 60_000)
    const week = T0 + 4 * 3_600_000
    expectMatches(h1, 'C', t.slice(0, half), v.slice(0, half), T0, week, 8, 60_000)
    // "Crash": h1 is abandoned without close(); a new instance rebuilds the open buckets from what is stored.
    const h2 = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    cleanup.push(() => h1.database.close())
    expectMatches(h2, 'C', t.slice(0, half), v.slice(0, half), T0, week, 8, 60_000)
    expectMatches(h2, 'C', t.slice(0, half), v.slice(0, half), T0, T0 + 60 * 3_600_000, 30, 3_600_000)
    for (let i = half; i < 50_000; i++) h2.append('C', t[i], v[i])
    h2.close() // writes the open buckets
    // Clean reopen, then more samples into the same open buckets: the stored partial rows are superseded, not added.
    const h3 = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    cleanup.push(() => h3.close())
    expect(h3.append('C', t[49_000], 1)).toBe(false) // older than what is stored: refused, rollups stay consistent
    for (let i = 50_000; i < t.length; i++) {
      h3.append('C', t[i], v[i])
      if (i % 3000 === 0) h3.flush()
    }
    h3.flush()
    expectMatches(h3, 'C', t, v, T0, week, 8, 60_000)
    expectMatches(h3, 'C', t, v, T0, T0 + 60 * 3_600_000, 30, 3_600_000)
  })

  it('can turn the block level off (blockRollupMs: 0) and still answers from the table levels or raw', () => {
    const d = dir()
    const h = openHistorian({ file: d.file('off.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockRollupMs: 0 })
    cleanup.push(() => h.close())
    const { t, v } = signal(4, 10_000)
    t.forEach((ti, i) => h.append('X', ti, v[i]))
    h.flush()
    expect(h.database.prepare<{ n: number }>('SELECT count(rollup) AS n FROM blocks').get()?.n).toBe(0)
    expectMatches(h, 'X', t, v, T0, T0 + 1_200_000, 100, 'raw')
    expect(() => openHistorian({ file: d.file('bad.otwh'), blockRollupMs: -1 })).toThrow(/blockRollupMs/)
  })
})
