import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { historyRequests, type HistoryExportEvent, type TagValue } from '../../../preload/contract'
import { historyHandlers } from './history-handlers'
import { ThreadedHistorian } from './threaded-historian'

const sample = (tagId: string, t: number, value: number | null, status: 'good' | 'bad' = 'good', reason?: string): TagValue => ({
  tagId,
  value,
  quality: reason ? { status, reason } : { status },
  sourceTime: t,
  receiveTime: t,
})

describe('history channels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otw-history-'))
  const historian = new ThreadedHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 60_000 })
  const handlers = historyHandlers(historian, join(dir, 'exports'))
  beforeAll(async () => {
    historian.record(Array.from({ length: 100 }, (_, i) => sample('A', 1000 + i * 100, i, i === 50 ? 'bad' : 'good')))
    historian.record([sample('B', 1000, null, 'bad', 'comm lost')])
    await historian.flush()
  })
  afterAll(() => historian.close())

  it('answers buckets with nulls for empty buckets and NaN, and raw samples with their quality', async () => {
    const [a, b] = await handlers['history.buckets']({ tagIds: ['A', 'B'], from: 0, to: 20_000, buckets: 20 })
    expect(a.count.reduce<number>((x, y) => x + (y ?? 0), 0)).toBe(100)
    expect(a.min[0]).toBeNull()
    expect(a.t[1] - a.t[0]).toBe(a.bucketMs)
    expect(b.avg.every((v) => v === null)).toBe(true)
    const [raw] = await handlers['history.raw']({ tagIds: ['A'], from: 0, to: 20_000, limit: 60 })
    expect(raw.t).toHaveLength(60)
    expect(raw.truncated).toBe(true)
    expect(raw.q[50]).toBe(2)
  })

  it('breaks the line where a connection was lost, live (not flushed yet) and in history: raw and buckets carry the span and its reason', async () => {
    // On a 10 s edge at most 10 s ahead, so the mark (written at the clock's now) falls in [now - 10 s, now].
    const now = Math.ceil(Date.now() / 10_000) * 10_000
    historian.record(Array.from({ length: 10 }, (_, i) => sample('Live.Speed', now - 30_000 + i * 1000, 40 + i)))
    // The connection is lost: its last value comes again, flagged stale, with the connector's reason.
    historian.record([{ ...sample('Live.Speed', now - 21_000, 49, 'bad', 'broker connection lost'), stale: true }])
    historian.record(Array.from({ length: 10 }, (_, i) => sample('Live.Speed', now + 20_000 + i * 1000, 60 + i)))
    const range = { tagIds: ['Live.Speed'], from: now - 60_000, to: now + 60_000 }
    const raw = historyRequests['history.raw'].output.parse(await handlers['history.raw'](range))
    expect(raw[0].noData).toHaveLength(1)
    const [span] = raw[0].noData
    expect(span).toMatchObject({ to: now + 20_000, reason: 'broker connection lost' })
    expect(span.from).toBeGreaterThan(now - 21_000)
    expect(raw[0].v[raw[0].t.indexOf(span.from)]).toBeNull()
    await historian.flush()
    const buckets = historyRequests['history.buckets'].output.parse(await handlers['history.buckets']({ ...range, buckets: 12 }))
    expect(buckets[0].noData).toEqual([span])
    // The 10 s bucket holding the mark and nothing else is empty: no value, no line through it.
    const markBucket = Math.floor((span.from - range.from) / buckets[0].bucketMs)
    expect(buckets[0].count[markBucket]).toBe(0)
    expect(buckets[0].avg[markBucket]).toBeNull()
  })

  it('streams an export with progress, then the file it wrote', async () => {
    const events: HistoryExportEvent[] = []
    const ended = await new Promise<unknown>((resolve) => {
      handlers['history.export'](
        { tagIds: ['A'], from: 0, to: 20_000, format: 'csv-long' },
        { emit: (e) => events.push(e), end: (error) => resolve(error ?? 'ok'), congested: () => false },
      )
    })
    expect(ended).toBe('ok')
    const done = events.at(-1)
    expect(done?.kind).toBe('done')
    if (done?.kind !== 'done') return
    expect(done.rows).toBe(100)
    expect(readFileSync(done.file, 'utf8').trim().split('\n')).toHaveLength(101)
  })

  it('keeps the retention policy and per-tag recording settings', async () => {
    expect(await handlers['history.retention']()).toEqual({ maxAgeMs: null, maxBytes: null })
    await handlers['history.setRetention']({ maxAgeMs: 30 * 86_400_000, maxBytes: null })
    expect(await handlers['history.retention']()).toEqual({ maxAgeMs: 30 * 86_400_000, maxBytes: null })
    expect(await handlers['history.tagConfig']({ tagId: 'A' })).toEqual({ deadband: null, onChange: false, retentionMs: null })
    await handlers['history.setTagConfig']({ tagId: 'A', deadband: 0.5, onChange: false, retentionMs: null })
    expect((await handlers['history.tagConfig']({ tagId: 'A' })).deadband).toBe(0.5)
  })
})
