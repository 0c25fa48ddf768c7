import { existsSync, readFileSync, statSync } from 'node:fs'
import { Writable } from 'node:stream'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { describe, it, expect } from 'vitest'
import { openHistorian, type ExportProgress } from './index'
import { tempDir } from './test-helpers'

const T0 = Date.UTC(2024, 0, 1)

function setup() {
  const d = tempDir()
  const h = openHistorian({ file: d.file('e.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
  for (let i = 0; i < 10; i++) {
    h.append('L1.Speed', T0 + i * 1000, i * 1.5)
    if (i % 2 === 0) h.append('L1,"Odd"', T0 + i * 1000, i === 4 ? Number.NaN : -i, i === 6 ? 2 : 0)
  }
  h.flush()
  return { d, h }
}

describe('export', () => {
  it('writes long CSV to a file in chunks with progress', async () => {
    const { d, h } = setup()
    const progress: ExportProgress[] = []
    const r = await h.exportRange({
      tagIds: ['L1.Speed'],
      from: T0,
      to: T0 + 9000,
      format: 'csv-long',
      out: d.file('long.csv'),
      chunkMs: 2000,
      onProgress: (p) => progress.push(p),
    })
    const lines = readFileSync(d.file('long.csv'), 'utf8').trim().split('\n')
    expect(lines[0]).toBe('time,tag,value,quality,reason')
    expect(lines[1]).toBe('2024-01-01T00:00:00.000Z,L1.Speed,0,0,')
    expect(lines.length).toBe(11)
    expect(r.samples).toBe(10)
    expect(progress.length).toBe(5)
    expect(progress[progress.length - 1]).toMatchObject({ done: 10, total: 10, etaMs: 0 })
    h.close()
    d.remove()
  })

  it('writes wide CSV with value, quality and reason columns per tag, empty cells where a tag has no sample', async () => {
    const { d, h } = setup()
    let text = ''
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += chunk
        cb()
      },
    })
    await h.exportRange({ tagIds: ['L1.Speed', 'L1,"Odd"'], from: T0, to: T0 + 3000, format: 'csv-wide', out, timeFormat: 'epoch-ms' })
    expect(text.trim().split('\n')).toEqual([
      'time,L1.Speed,L1.Speed quality,L1.Speed reason,"L1,""Odd""","L1,""Odd"" quality","L1,""Odd"" reason"',
      `${T0},0,0,,0,0,`,
      `${T0 + 1000},1.5,0,,,,`,
      `${T0 + 2000},3,0,,-2,0,`,
      `${T0 + 3000},4.5,0,,,,`,
    ])
    h.close()
    d.remove()
  })

  it('writes JSON lines, non-finite values as strings', async () => {
    const { d, h } = setup()
    let text = ''
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += chunk
        cb()
      },
    })
    await h.exportRange({ tagIds: ['L1,"Odd"'], from: T0, to: T0 + 9000, format: 'jsonl', out, timeFormat: 'epoch-ms' })
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows[2]).toEqual({ t: T0 + 4000, tag: 'L1,"Odd"', v: 'NaN', q: 0 })
    expect(rows[3]).toEqual({ t: T0 + 6000, tag: 'L1,"Odd"', v: -6, q: 2 })
    h.close()
    d.remove()
  })

  it('writes an outage as NaN with bad quality and the reason recorded with it, read back from CSV (long and wide), JSON lines and Parquet', async () => {
    const d = tempDir()
    const h = openHistorian({ file: d.file('outage.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    h.append('Speed', T0, 40)
    h.append('Speed', T0 + 1000, 41)
    h.append('Speed', T0 + 1500, Number.NaN, 2, 'broker connection lost')
    h.append('Speed', T0 + 9000, 42)
    h.flush()
    const range = { tagIds: ['Speed'], from: T0, to: T0 + 9000 }
    const rowsOf = (csv: string) =>
      csv
        .trim()
        .split('\n')
        .map((line) => line.split(','))

    await h.exportRange({ ...range, format: 'csv-long', out: d.file('long.csv'), timeFormat: 'epoch-ms' })
    const long = rowsOf(readFileSync(d.file('long.csv'), 'utf8'))
    const column = (name: string) => long[0].indexOf(name)
    expect(long.slice(1).map((row) => [Number(row[0]) - T0, row[column('value')], row[column('quality')], row[column('reason')]])).toEqual([
      [0, '40', '0', ''],
      [1000, '41', '0', ''],
      [1500, 'NaN', '2', 'broker connection lost'],
      [9000, '42', '0', ''],
    ])

    await h.exportRange({ ...range, format: 'csv-wide', out: d.file('wide.csv'), timeFormat: 'epoch-ms' })
    const wide = rowsOf(readFileSync(d.file('wide.csv'), 'utf8'))
    expect(wide[0]).toEqual(['time', 'Speed', 'Speed quality', 'Speed reason'])
    expect(wide[3]).toEqual([String(T0 + 1500), 'NaN', '2', 'broker connection lost'])

    let text = ''
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += chunk
        cb()
      },
    })
    await h.exportRange({ ...range, format: 'jsonl', out, timeFormat: 'epoch-ms' })
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))[2],
    ).toEqual({ t: T0 + 1500, tag: 'Speed', v: 'NaN', q: 2, reason: 'broker connection lost' })

    await h.exportRange({ ...range, format: 'parquet', out: d.file('outage.parquet') })
    const buf = readFileSync(d.file('outage.parquet'))
    const rows = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) })) as {
      quality: number
      reason: string | null
    }[]
    expect(rows.map((r) => [r.quality, r.reason])).toEqual([
      [0, null],
      [0, null],
      [2, 'broker connection lost'],
      [0, null],
    ])
    h.close()
    d.remove()
  })

  it('stops on abort and removes the partial file', async () => {
    const { d, h } = setup()
    const ac = new AbortController()
    const p = h.exportRange({
      tagIds: ['L1.Speed'],
      from: T0,
      to: T0 + 9000,
      format: 'csv-long',
      out: d.file('x.csv'),
      chunkMs: 1000,
      signal: ac.signal,
      onProgress: (pr) => {
        if (pr.done >= 3) ac.abort()
      },
    })
    await expect(p).rejects.toThrow(/abort/i)
    expect(existsSync(d.file('x.csv'))).toBe(false)
    h.close()
    d.remove()
  })
})

describe('parquet export', () => {
  it('streams a Parquet file (one row group per chunk) that hyparquet reads back: times, tags, values incl. NaN, quality', async () => {
    const { d, h } = setup()
    const progress: ExportProgress[] = []
    const file = d.file('h.parquet')
    const r = await h.exportRange({
      tagIds: ['L1.Speed', 'L1,"Odd"'],
      from: T0,
      to: T0 + 9000,
      format: 'parquet',
      out: file,
      chunkMs: 4000,
      onProgress: (p) => progress.push(p),
    })
    expect(r).toMatchObject({ samples: 15, rows: 15 })
    expect(r.bytes).toBe(statSync(file).size)
    expect(progress.map((p) => p.done)).toEqual([6, 12, 15])
    const buf = readFileSync(file)
    const arrayBuffer = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
    const meta = parquetMetadata(arrayBuffer)
    expect(meta.row_groups.length).toBe(3)
    expect(meta.schema.map((s) => s.name)).toEqual(['root', 'time', 'tag', 'value', 'quality', 'reason'])
    const rows = (await parquetReadObjects({ file: arrayBuffer })) as { time: Date; tag: string; value: number; quality: number }[]
    expect(rows.length).toBe(15)
    // chunk 1 (T0..T0+3999): L1.Speed 0..3, then L1,"Odd" 0 and 2
    expect(rows.slice(0, 6).map((x) => [x.time.getTime() - T0, x.tag, x.value, x.quality])).toEqual([
      [0, 'L1.Speed', 0, 0],
      [1000, 'L1.Speed', 1.5, 0],
      [2000, 'L1.Speed', 3, 0],
      [3000, 'L1.Speed', 4.5, 0],
      [0, 'L1,"Odd"', -0, 0],
      [2000, 'L1,"Odd"', -2, 0],
    ])
    const odd = rows.filter((x) => x.tag === 'L1,"Odd"')
    expect(odd.map((x) => x.time.getTime() - T0)).toEqual([0, 2000, 4000, 6000, 8000])
    expect(Number.isNaN(odd[2].value)).toBe(true) // NaN survives as an IEEE double
    expect(odd[3]).toMatchObject({ value: -6, quality: 2 })
    h.close()
    d.remove()
  })

  it('removes the partial Parquet file when cancelled', async () => {
    const { d, h } = setup()
    const ac = new AbortController()
    const p = h.exportRange({
      tagIds: ['L1.Speed'],
      from: T0,
      to: T0 + 9000,
      format: 'parquet',
      out: d.file('x.parquet'),
      chunkMs: 1000,
      signal: ac.signal,
      onProgress: (pr) => {
        if (pr.done >= 3) ac.abort()
      },
    })
    await expect(p).rejects.toThrow(/abort/i)
    expect(existsSync(d.file('x.parquet'))).toBe(false)
    h.close()
    d.remove()
  })
})
