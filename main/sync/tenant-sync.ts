// Historian → tenant, at least once and never twice: rows after each tag's durable cursor are read in batches bounded
// by rows and by time, COPYed into a temporary table, inserted with ON CONFLICT DO NOTHING (the key is device_id,
// tag_name, time, seq), committed, and only then is the cursor advanced. A crash between commit and cursor re-sends
// rows the tenant skips. The historian is the buffer: while the tenant is unreachable the lag grows, then it catches up.
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import type { RawSeries } from '../historian'
import type { ReconcileRow, SyncState, SyncStatus, TenantFlavor } from '../../preload/contract/tenant'
import { connectTenant, explainTenantError, isTransient, TenantError } from '../deploy/tenant/tenant-connection'
import { ensurePartitions } from '../deploy/tenant/tenant-partitions'
import { describeTarget, targetKey, type TenantTarget } from '../deploy/tenant/tenant-target'
import type { SyncCursor, SyncCursorStore } from './sync-cursor-store'
import { BinaryCopyWriter, nameFields } from './copy-binary'

/** The part of the historian the sync reads (the in-process Historian and the ThreadedHistorian both fit). */
export interface HistorianSource {
  tagIds(): string[] | Promise<string[]>
  queryRaw(tagIds: readonly string[], from: number, to: number): RawSeries[] | Promise<RawSeries[]>
  /** Samples (NaN marks included) of each [tagId, from] with from <= t <= to: the lag in points. */
  countRaw?(items: readonly (readonly [string, number])[], to: number): number[] | Promise<number[]>
  /** Each tag's oldest sample kept, or null: how old the lag of a tag never synced is. */
  firstTimes?(tagIds: readonly string[]): (number | null)[] | Promise<(number | null)[]>
  /** The tag model's description of these tags (ISA-95 path, unit, range…), for the tenant's `tags` rows. */
  tagMeta?(tagIds: readonly string[]): Record<string, TenantTagMeta> | Promise<Record<string, TenantTagMeta>>
}

export interface TenantSyncOptions {
  source: HistorianSource
  cursors: SyncCursorStore
  target: TenantTarget
  /** Rows per COPY and transaction (default 100,000). */
  batchRows?: number
  /** First window of historian time read per tag and query (default 1 h); it grows while empty. */
  windowMs?: number
  /** Samples newer than now − horizon are left for the next pass: the historian may still hold them unflushed (default 5 s). */
  horizonMs?: number
  rateLimitRowsPerSecond?: number | null
  /** Wait between passes when caught up, and the first retry after a failure (doubling to 30 s). */
  intervalMs?: number
  now?: () => number
}

const DEVICE_SEPARATOR = '/'

/** A historian tag id `device/tag` maps to device_id and tag_name; one without a device goes under `workstation`. */
export function splitTagId(tagId: string): { deviceId: string; tagName: string } {
  const at = tagId.indexOf(DEVICE_SEPARATOR)
  return at > 0 ? { deviceId: tagId.slice(0, at), tagName: tagId.slice(at + 1) } : { deviceId: 'workstation', tagName: tagId }
}

/** What the tag model says about a tag, written to the tenant's `tags` row. */
export interface TenantTagMeta {
  /** ISA-95 path (enterprise/site/area/line/cell…), `/`-joined. */
  isa95Path: string | null
  unit: string | null
  rangeLow: number | null
  rangeHigh: number | null
  dataType: string | null
  protocol: string | null
  address: string | null
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const UNIQUE_VIOLATION = '23505'
const EMPTY_SERIES: RawSeries = { tagId: '', t: new Float64Array(0), v: new Float64Array(0), q: new Uint8Array(0), qualityChanges: [], noData: [] }
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve))

interface HourSum {
  deviceId: string
  tagName: string
  hour: number
  count: number
  sum: number
  min: number
  max: number
}

/** Rows encoded for COPY as they are read, with what the transaction and the cursors need about them. */
interface Batch {
  writer: BinaryCopyWriter
  rows: number
  minT: number
  maxT: number
  tagIds: Set<string>
  moves: Map<string, SyncCursor & { sent: number }>
  /** Per tag and hour, of the non-NaN values (the direct path adds them to sensor_data_hourly_sums). */
  sums: Map<string, HourSum>
  onCommit: (() => void)[]
}

const newBatch = (): Batch => ({
  writer: new BinaryCopyWriter(),
  rows: 0,
  minT: Infinity,
  maxT: -Infinity,
  tagIds: new Set(),
  moves: new Map(),
  sums: new Map(),
  onCommit: [],
})

const nameCache = new Map<string, Buffer>()
function namesOf(tagId: string): Buffer {
  let names = nameCache.get(tagId)
  if (!names) {
    const { deviceId, tagName } = splitTagId(tagId)
    names = nameFields(deviceId, tagName)
    if (nameCache.size > 200_000) nameCache.clear()
    nameCache.set(tagId, names)
  }
  return names
}

/** Encodes samples [start, start + count) of one series (the first numbered `firstSeq`); returns the last one's time and seq. */
function addSeries(batch: Batch, series: RawSeries, start: number, count: number, firstSeq: number): { t: number; seq: number } {
  const names = namesOf(series.tagId)
  const { deviceId, tagName } = splitTagId(series.tagId)
  const { t, v, q } = series
  const end = start + count
  let seq = firstSeq
  let prevT = t[start]
  let hour = Number.NaN
  let sum: HourSum | undefined
  for (let i = start; i < end; i++) {
    const ti = t[i]
    if (i > start) {
      seq = ti === prevT ? seq + 1 : 0
      prevT = ti
    }
    const vi = v[i]
    batch.writer.row(ti, names, vi, q[i], seq)
    if (vi === vi) {
      const h = ti - (((ti % HOUR_MS) + HOUR_MS) % HOUR_MS)
      if (h !== hour) {
        hour = h
        const key = `${series.tagId}\u0000${h}`
        sum = batch.sums.get(key)
        if (!sum) batch.sums.set(key, (sum = { deviceId, tagName, hour: h, count: 0, sum: 0, min: vi, max: vi }))
      }
      sum!.count++
      sum!.sum += vi
      if (vi < sum!.min) sum!.min = vi
      if (vi > sum!.max) sum!.max = vi
    }
  }
  batch.rows += count
  if (t[start] < batch.minT) batch.minT = t[start]
  if (t[end - 1] > batch.maxT) batch.maxT = t[end - 1]
  batch.tagIds.add(series.tagId)
  return { t: t[end - 1], seq }
}

/** ms from the oldest tag's committed cursor to the horizon (a tag never sent counts from its first sample: unknown → horizon). */
/**
 * How far behind the tenant is: from the oldest cursor, or for a tag never synced from its oldest sample kept (a site
 * offline for three days before its first sync is three days behind, not zero).
 */
function lagOf(tags: readonly string[], cursors: ReadonlyMap<string, SyncCursor>, horizon: number, firstKept?: ReadonlyMap<string, number>): number {
  let oldest = horizon
  for (const t of tags) {
    const c = cursors.get(t)
    const from = c ? c.lastT : firstKept?.get(t)
    if (from !== undefined && from < oldest) oldest = from
  }
  return Math.max(0, horizon - oldest)
}

async function copyIn(client: pg.Client, sql: string, chunks: readonly Buffer[]): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class TenantSync {
  private state: SyncState = 'idle'
  private paused = false
  private running = false
  private stopping = false
  private wake: (() => void) | null = null
  private rowsSent = 0
  private rowsSkipped = 0
  private lastSyncAt: number | null = null
  private lastError: SyncStatus['lastError'] = null
  private lagMs: number | null = null
  /** Oldest sample kept of each tag that has no cursor yet (see `lagOf`), as last measured. */
  private firstKept = new Map<string, number>()
  private lagPoints: number | null = null
  private rate = { rows: 0, since: 0, perSecond: 0 }
  private tagCount = 0
  private backfillProgress: SyncStatus['backfill'] = null
  private flavor: TenantFlavor['kind'] | null = null
  private loop: Promise<void> | null = null
  /** This session's tags already written to `tags`, and days whose partitions exist. */
  private session: { tags: Map<string, true>; days: Set<number> } | null = null
  private readonly key: string
  private readonly now: () => number

  constructor(private readonly options: TenantSyncOptions) {
    this.key = targetKey(options.target)
    this.now = options.now ?? Date.now
  }

  status(): SyncStatus {
    return {
      state: this.paused ? 'paused' : this.state,
      target: describeTarget(this.options.target),
      lagMs: this.lagMs,
      lagPoints: this.lagPoints,
      rowsPerSecond: Math.round(this.rate.perSecond),
      rowsSent: this.rowsSent,
      rowsSkipped: this.rowsSkipped,
      tags: this.tagCount,
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
      rateLimitRowsPerSecond: this.options.rateLimitRowsPerSecond ?? null,
      backfill: this.backfillProgress,
    }
  }

  setRateLimit(rowsPerSecond: number | null): void {
    this.options.rateLimitRowsPerSecond = rowsPerSecond
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.wake?.()
  }

  /** Runs passes until stop(): caught up → waits intervalMs; tenant unreachable → offline, retries with back-off. */
  start(): void {
    if (this.loop) return
    this.running = true
    this.stopping = false
    this.loop = this.runLoop()
  }

  async stop(): Promise<void> {
    this.running = false
    this.stopping = true
    this.wake?.()
    await this.loop
    this.loop = null
    this.state = 'stopped'
  }

  private async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.wake = null
  }

  private async runLoop(): Promise<void> {
    const interval = this.options.intervalMs ?? 1000
    let retry = interval
    while (this.running) {
      if (this.paused) {
        await this.wait(interval)
        continue
      }
      try {
        await this.syncOnce()
        retry = interval
        await this.wait(interval)
      } catch (error) {
        const failure = error instanceof TenantError ? error : explainTenantError(error, this.options.target)
        this.state = isTransient(failure) ? 'offline' : 'idle'
        this.lastError = { kind: failure.kind, message: failure.message, at: this.now() }
        // The lag keeps growing while the tenant is away: counted from the historian alone.
        await this.measureLag().catch(() => undefined)
        await this.wait(retry)
        retry = Math.min(retry * 2, 30_000)
      }
    }
  }

  /** One pass: sends everything recorded up to now − horizon, then returns the rows it sent and skipped. */
  async syncOnce(): Promise<{ rowsSent: number; rowsSkipped: number }> {
    const client = await connectTenant(this.options.target)
    let sent = 0
    let skipped = 0
    try {
      await this.prepareSession(client)
      this.state = 'syncing'
      const horizon = this.now() - (this.options.horizonMs ?? 5000)
      const tags = [...(await this.options.source.tagIds())].sort()
      this.tagCount = tags.length
      const cursors = this.options.cursors.all(this.key)
      const committed = new Map(cursors)
      await this.measureLag(tags, committed, horizon)
      const windows = new Map<string, number>()
      const done = new Set<string>()
      const more = () => done.size < tags.length && !this.stopping && !this.paused
      const read = () => (more() ? this.readBatch(tags, cursors, horizon, windows, done) : Promise.resolve(null))
      // Pipelined: the next batch is read from the historian and encoded while the tenant works on this one.
      let next = read()
      for (;;) {
        const batch = await next
        if (!batch) break
        const sending = this.sendBatch(client, batch, true)
        next = read()
        next.catch(() => undefined)
        const inserted = await sending
        this.options.cursors.advance(this.key, batch.moves)
        for (const [tagId, move] of batch.moves) committed.set(tagId, move)
        sent += inserted
        skipped += batch.rows - inserted
        this.count(inserted, batch.rows - inserted)
        if (this.lagPoints !== null) this.lagPoints = Math.max(0, this.lagPoints - batch.rows)
        this.lagMs = lagOf(tags, committed, horizon, this.firstKept)
        await this.throttle(batch.rows)
      }
      this.lagMs = lagOf(tags, committed, horizon, this.firstKept)
      if (done.size === tags.length) this.lagPoints = 0
      this.state = this.paused ? 'paused' : 'caught-up'
      this.lastSyncAt = this.now()
      this.lastError = null
      return { rowsSent: sent, rowsSkipped: skipped }
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  /**
   * Lag in points: the samples recorded after each tag's committed cursor up to `horizon`, counted by the historian
   * (from block headers; only the edge blocks are decoded). Known offline too: it needs only the historian.
   */
  async measureLag(tags?: readonly string[], cursors?: ReadonlyMap<string, SyncCursor>, horizon?: number): Promise<number | null> {
    const list = tags ?? [...(await this.options.source.tagIds())]
    const at = cursors ?? this.options.cursors.all(this.key)
    const until = horizon ?? this.now() - (this.options.horizonMs ?? 5000)
    this.tagCount = list.length
    const uncursored = list.filter((tagId) => !at.has(tagId))
    const firsts = uncursored.length > 0 && this.options.source.firstTimes ? await this.options.source.firstTimes(uncursored) : []
    this.firstKept = new Map()
    uncursored.forEach((tagId, i) => {
      const first = firsts[i]
      if (first !== null && first !== undefined) this.firstKept.set(tagId, first)
    })
    this.lagMs = lagOf(list, at, until, this.firstKept)
    if (!this.options.source.countRaw) return this.lagPoints
    const counts = await this.options.source.countRaw(
      list.map((tagId) => [tagId, at.get(tagId)?.lastT ?? 0] as [string, number]),
      until,
    )
    let points = 0
    list.forEach((tagId, i) => (points += Math.max(0, counts[i] - (at.get(tagId)?.countAtT ?? 0))))
    this.lagPoints = points
    return points
  }

  private async prepareSession(client: pg.Client): Promise<void> {
    await client.query(`SET TIME ZONE 'UTC'`)
    if (!this.flavor) {
      const r = await client
        .query<{ flavor: TenantFlavor['kind'] }>(`SELECT flavor FROM otw_schema_migrations ORDER BY version LIMIT 1`)
        .catch(() => ({ rows: [] }))
      if (!r.rows.length)
        throw new TenantError('other', `${describeTarget(this.options.target)}: the tenant is not provisioned — run the plan and provision it first`)
      this.flavor = r.rows[0].flavor
    }
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS otw_sync_stage (time timestamptz NOT NULL, device_id text NOT NULL, tag_name text NOT NULL, value double precision, quality smallint NOT NULL, seq integer NOT NULL) ON COMMIT DELETE ROWS`,
    )
    this.session = { tags: new Map(), days: new Set() }
  }

  /** The next batch: tags in order, each read after its cursor (moved in memory only), encoded for COPY as it is read. */
  private async readBatch(
    tags: readonly string[],
    cursors: Map<string, SyncCursor>,
    horizon: number,
    windows: Map<string, number>,
    done: Set<string>,
  ): Promise<Batch | null> {
    const batch = newBatch()
    const limit = this.options.batchRows ?? 100_000
    let sinceYield = 0
    for (const tagId of tags) {
      if (done.has(tagId)) continue
      const room = limit - batch.rows
      if (room <= 0) break
      const cursor = cursors.get(tagId) ?? null
      const read = await this.readAfter(tagId, cursor, horizon, room, windows)
      if (read.count === 0) {
        done.add(tagId)
        continue
      }
      const last = addSeries(batch, read.series, read.start, read.count, read.firstSeq)
      const next = { lastT: last.t, countAtT: last.seq + 1 }
      batch.moves.set(tagId, { ...next, sent: read.count })
      cursors.set(tagId, next)
      if (read.exhausted) done.add(tagId)
      // Let the tenant's replies and the COPY stream of the batch in flight run between tags.
      if ((sinceYield += read.count) >= 5000) {
        sinceYield = 0
        await yieldNow()
      }
    }
    return batch.rows > 0 ? batch : null
  }

  /** Samples of one tag after its cursor up to `horizon`, at most `limit`, reading windows of time that grow while empty. */
  private async readAfter(
    tagId: string,
    cursor: SyncCursor | null,
    horizon: number,
    limit: number,
    windows: Map<string, number>,
  ): Promise<{ series: RawSeries; start: number; count: number; firstSeq: number; exhausted: boolean }> {
    let from = cursor?.lastT ?? 0
    let window = windows.get(tagId) ?? this.options.windowMs ?? 3_600_000
    while (from <= horizon) {
      const to = Math.min(horizon, from + window)
      const [series] = await this.options.source.queryRaw([tagId], from, to)
      if (series && series.t.length > 0) {
        // Skip the samples at the cursor's time that were sent already (equal times are numbered by seq).
        let start = 0
        let seq = 0
        if (cursor) {
          while (start < series.t.length && series.t[start] === cursor.lastT && seq < cursor.countAtT) {
            start++
            seq++
          }
          if (start < series.t.length && series.t[start] !== cursor.lastT) seq = 0
        }
        const count = Math.min(limit, series.t.length - start)
        if (count > 0) {
          windows.set(tagId, window)
          return { series, start, count, firstSeq: seq, exhausted: count < limit && to >= horizon }
        }
      }
      if (to >= horizon) break
      from = to
      window *= 4
    }
    return { series: EMPTY_SERIES, start: 0, count: 0, firstSeq: 0, exhausted: true }
  }

  /**
   * One transaction. Normally the rows are new (they come after the committed cursors): binary COPY straight into
   * sensor_data. If the tenant has some already (a crash between its commit and the cursor's, a backfill, another
   * producer), the unique key refuses the COPY, and the batch goes again the way: COPY into a temporary table,
   * then INSERT … SELECT … ON CONFLICT DO NOTHING. On the plain flavour the hourly sums get exactly the rows that were new.
   */
  private async sendBatch(client: pg.Client, batch: Batch, direct: boolean): Promise<number> {
    const inserted = await this.sendBatchOnce(client, batch, direct)
    for (const done of batch.onCommit) done()
    return inserted
  }

  private async sendBatchOnce(client: pg.Client, batch: Batch, direct: boolean): Promise<number> {
    const stream = batch.writer.finish()
    if (this.flavor === 'plain') await this.ensureDays(client, batch.minT, batch.maxT)
    try {
      await client.query('BEGIN')
      await this.ensureTags(client, batch)
      if (direct) {
        try {
          await client.query('SAVEPOINT otw_direct')
          await copyIn(client, 'COPY sensor_data (time, device_id, tag_name, value, quality, seq) FROM STDIN (FORMAT binary)', stream)
          if (this.flavor === 'plain') await this.addSums(client, batch)
          await client.query('COMMIT')
          return batch.rows
        } catch (error) {
          if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error
          await client.query('ROLLBACK TO SAVEPOINT otw_direct')
        }
      }
      await copyIn(client, 'COPY otw_sync_stage (time, device_id, tag_name, value, quality, seq) FROM STDIN (FORMAT binary)', stream)
      const insert = `INSERT INTO sensor_data (time, device_id, tag_name, value, quality, seq)
        SELECT time, device_id, tag_name, value, quality, seq FROM otw_sync_stage
        ON CONFLICT DO NOTHING RETURNING device_id, tag_name, time, value`
      const sql =
        this.flavor === 'plain'
          ? `WITH ins AS (${insert}),
               sums AS (INSERT INTO sensor_data_hourly_sums AS s (device_id, tag_name, bucket, count, sum, min, max)
                 SELECT device_id, tag_name, date_trunc('hour', time), count(*), sum(value), min(value), max(value) FROM ins WHERE value <> 'NaN' GROUP BY 1, 2, 3
                 ON CONFLICT (device_id, tag_name, bucket) DO UPDATE SET count = s.count + excluded.count, sum = s.sum + excluded.sum,
                   min = least(s.min, excluded.min), max = greatest(s.max, excluded.max) RETURNING 1)
             SELECT (SELECT count(*) FROM ins)::int AS inserted`
          : `WITH ins AS (${insert}) SELECT count(*)::int AS inserted FROM ins`
      const r = await client.query<{ inserted: number }>(sql)
      await client.query('COMMIT')
      return r.rows[0].inserted
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw explainTenantError(error, this.options.target)
    }
  }

  /** The batch's hourly sums (all its rows are new on the direct path), added in one statement. */
  private async addSums(client: pg.Client, batch: Batch): Promise<void> {
    if (batch.sums.size === 0) return
    const cols: [string[], string[], number[], number[], number[], number[], number[]] = [[], [], [], [], [], [], []]
    for (const s of batch.sums.values()) {
      cols[0].push(s.deviceId)
      cols[1].push(s.tagName)
      cols[2].push(s.hour)
      cols[3].push(s.count)
      cols[4].push(s.sum)
      cols[5].push(s.min)
      cols[6].push(s.max)
    }
    await client.query(
      `INSERT INTO sensor_data_hourly_sums AS s (device_id, tag_name, bucket, count, sum, min, max)
         SELECT d, n, timestamptz 'epoch' + h * interval '1 millisecond', c, su, mi, ma
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[]) AS u (d, n, h, c, su, mi, ma)
         ON CONFLICT (device_id, tag_name, bucket) DO UPDATE SET count = s.count + excluded.count, sum = s.sum + excluded.sum,
           min = least(s.min, excluded.min), max = greatest(s.max, excluded.max)`,
      cols,
    )
  }

  /** Daily partitions for the batch (+1 day ahead), once per session and day. */
  private async ensureDays(client: pg.Client, minT: number, maxT: number): Promise<void> {
    const session = this.session!
    const first = Math.floor(minT / DAY_MS)
    const last = Math.floor(maxT / DAY_MS) + 1
    let missing = false
    for (let d = first; d <= last; d++) if (!session.days.has(d)) missing = true
    if (!missing) return
    await ensurePartitions(client, minT, maxT, 1)
    for (let d = first; d <= last; d++) session.days.add(d)
  }

  /** Devices and tags of the batch, with the tag model's ISA-95 path, unit, range, type, protocol and address. */
  private async ensureTags(client: pg.Client, batch: Batch): Promise<void> {
    const session = this.session!
    const unknown = [...batch.tagIds].filter((t) => !session.tags.has(t))
    if (unknown.length === 0) return
    const meta = (await this.options.source.tagMeta?.(unknown)) ?? {}
    const split = unknown.map(splitTagId)
    const m = unknown.map((t) => meta[t] ?? null)
    const devices = new Map<string, string | null>()
    split.forEach((s, i) => {
      if (!devices.has(s.deviceId) || devices.get(s.deviceId) === null) devices.set(s.deviceId, m[i]?.protocol ?? null)
    })
    await client.query(
      `INSERT INTO devices AS d (device_id, name, protocol) SELECT id, id, p FROM unnest($1::text[], $2::text[]) AS u (id, p)
         ON CONFLICT (device_id) DO UPDATE SET protocol = coalesce(excluded.protocol, d.protocol) WHERE d.protocol IS DISTINCT FROM coalesce(excluded.protocol, d.protocol)`,
      [[...devices.keys()], [...devices.values()]],
    )
    await client.query(
      `INSERT INTO tags AS t (device_id, tag_name, isa95_path, unit, range_low, range_high, data_type, source_protocol, source_address)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[])
         ON CONFLICT (device_id, tag_name) DO UPDATE SET isa95_path = excluded.isa95_path, unit = excluded.unit, range_low = excluded.range_low,
           range_high = excluded.range_high, data_type = excluded.data_type, source_protocol = excluded.source_protocol, source_address = excluded.source_address
         WHERE excluded.isa95_path IS NOT NULL AND (t.isa95_path, t.unit, t.range_low, t.range_high, t.data_type, t.source_protocol, t.source_address)
           IS DISTINCT FROM (excluded.isa95_path, excluded.unit, excluded.range_low, excluded.range_high, excluded.data_type, excluded.source_protocol, excluded.source_address)`,
      [
        split.map((s) => s.deviceId),
        split.map((s) => s.tagName),
        m.map((x) => x?.isa95Path ?? null),
        m.map((x) => x?.unit ?? null),
        m.map((x) => x?.rangeLow ?? null),
        m.map((x) => x?.rangeHigh ?? null),
        m.map((x) => x?.dataType ?? null),
        m.map((x) => x?.protocol ?? null),
        m.map((x) => x?.address ?? null),
      ],
    )
    // Known for this session once its transaction commits; a rollback leaves them unknown and sent again next time.
    batch.onCommit.push(() => unknown.forEach((t) => session.tags.set(t, true)))
  }

  private count(inserted: number, skipped: number): void {
    this.rowsSent += inserted
    this.rowsSkipped += skipped
    const now = this.now()
    if (now - this.rate.since > 2000) {
      this.rate = { rows: 0, since: now, perSecond: this.rate.perSecond }
    }
    this.rate.rows += inserted + skipped
    const elapsed = Math.max(1, now - this.rate.since)
    this.rate.perSecond = (this.rate.rows * 1000) / elapsed
  }

  private async throttle(rows: number): Promise<void> {
    const limit = this.options.rateLimitRowsPerSecond
    if (limit) await sleep((rows / limit) * 1000)
  }

  /** Sends every sample of [from, to] of the tags again (the tenant skips those it has); cursors do not move. */
  async backfill(from: number, to: number, tagIds?: string[]): Promise<{ rowsSent: number; rowsSkipped: number }> {
    const tags = tagIds ?? (await this.options.source.tagIds())
    const client = await connectTenant(this.options.target)
    let sent = 0
    let skipped = 0
    try {
      await this.prepareSession(client)
      const series = await this.options.source.queryRaw(tags, from, to)
      const total = series.reduce((n, s) => n + s.t.length, 0)
      this.backfillProgress = { from, to, done: 0, total }
      const batchRows = this.options.batchRows ?? 100_000
      for (const s of series) {
        // seq numbers equal times from the range's start: a range starting inside a run of equal times is widened by the caller.
        let seq = 0
        for (let k = 0; k < s.t.length;) {
          const count = Math.min(batchRows, s.t.length - k)
          if (k > 0) seq = s.t[k] === s.t[k - 1] ? seq + 1 : 0
          const batch = newBatch()
          seq = addSeries(batch, s, k, count, seq).seq
          const inserted = await this.sendBatch(client, batch, false)
          sent += inserted
          skipped += count - inserted
          this.count(inserted, count - inserted)
          this.backfillProgress.done += count
          k += count
          await this.throttle(count)
        }
      }
      return { rowsSent: sent, rowsSkipped: skipped }
    } finally {
      this.backfillProgress = null
      await client.end().catch(() => undefined)
    }
  }

  /** Counts per tag per hour, historian against tenant; with `resend`, the mismatched hours are backfilled. */
  async reconcile(from: number, to: number, tagIds?: string[], resend = false): Promise<{ hours: number; mismatches: ReconcileRow[]; resent: number }> {
    const HOUR = 3_600_000
    const tags = tagIds ?? (await this.options.source.tagIds())
    const local = new Map<string, number>()
    for (const s of await this.options.source.queryRaw(tags, from, to)) {
      for (let i = 0; i < s.t.length; i++) {
        const key = `${s.tagId}\u0000${Math.floor(s.t[i] / HOUR) * HOUR}`
        local.set(key, (local.get(key) ?? 0) + 1)
      }
    }
    const remote = new Map<string, number>()
    const client = await connectTenant(this.options.target)
    try {
      const split = tags.map(splitTagId)
      const r = await client.query<{ device_id: string; tag_name: string; hour: string; n: number }>(
        `SELECT device_id, tag_name, (extract(epoch FROM date_trunc('hour', time AT TIME ZONE 'UTC')) * 1000)::bigint AS hour, count(*)::int AS n
           FROM sensor_data WHERE time >= timestamptz 'epoch' + $1 * interval '1 millisecond' AND time <= timestamptz 'epoch' + $2 * interval '1 millisecond'
            AND (device_id, tag_name) IN (SELECT * FROM unnest($3::text[], $4::text[])) GROUP BY 1, 2, 3`,
        [from, to, split.map((s) => s.deviceId), split.map((s) => s.tagName)],
      )
      const byName = new Map(tags.map((t) => [`${splitTagId(t).deviceId}\u0000${splitTagId(t).tagName}`, t]))
      for (const row of r.rows) {
        const tagId = byName.get(`${row.device_id}\u0000${row.tag_name}`)
        if (tagId) remote.set(`${tagId}\u0000${row.hour}`, row.n)
      }
    } catch (error) {
      throw explainTenantError(error, this.options.target)
    } finally {
      await client.end().catch(() => undefined)
    }
    const mismatches: ReconcileRow[] = []
    for (const key of new Set([...local.keys(), ...remote.keys()])) {
      const [tagId, hour] = key.split('\u0000')
      const l = local.get(key) ?? 0
      const t = remote.get(key) ?? 0
      if (l !== t) mismatches.push({ tagId, hour: Number(hour), local: l, tenant: t })
    }
    mismatches.sort((a, b) => a.tagId.localeCompare(b.tagId) || a.hour - b.hour)
    let resent = 0
    if (resend) for (const m of mismatches) resent += (await this.backfill(m.hour, m.hour + HOUR - 1, [m.tagId])).rowsSent
    return { hours: new Set([...local.keys(), ...remote.keys()]).size, mismatches, resent }
  }
}
