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

/** The part of the historian the sync reads (the in-process Historian and the ThreadedHistorian both fit). */
export interface HistorianSource {
  tagIds(): string[] | Promise<string[]>
  queryRaw(tagIds: readonly string[], from: number, to: number): RawSeries[] | Promise<RawSeries[]>
}

export interface TenantSyncOptions {
  source: HistorianSource
  cursors: SyncCursorStore
  target: TenantTarget
  /** Rows per COPY and transaction (default 50,000). */
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

interface Row {
  tagId: string
  t: number
  v: number
  q: number
  seq: number
}

const DEVICE_SEPARATOR = '/'

/** A historian tag id `device/tag` maps to device_id and tag_name; one without a device goes under `workstation`. */
export function splitTagId(tagId: string): { deviceId: string; tagName: string } {
  const at = tagId.indexOf(DEVICE_SEPARATOR)
  return at > 0 ? { deviceId: tagId.slice(0, at), tagName: tagId.slice(at + 1) } : { deviceId: 'workstation', tagName: tagId }
}

function copyText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

function copyNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return 'Infinity'
  if (v === -Infinity) return '-Infinity'
  return Object.is(v, -0) ? '-0' : String(v)
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
  private lagPoints: number | null = null
  private rate = { rows: 0, since: 0, perSecond: 0 }
  private tagCount = 0
  private backfillProgress: SyncStatus['backfill'] = null
  private flavor: TenantFlavor['kind'] | null = null
  private loop: Promise<void> | null = null
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
      const windows = new Map<string, number>()
      const done = new Set<string>()
      while (done.size < tags.length && !this.stopping) {
        if (this.paused) break
        const batch: Row[] = []
        const moves = new Map<string, SyncCursor & { sent: number }>()
        for (const tagId of tags) {
          if (done.has(tagId)) continue
          const room = (this.options.batchRows ?? 50_000) - batch.length
          if (room <= 0) break
          const cursor = cursors.get(tagId) ?? null
          const read = await this.readAfter(tagId, cursor, horizon, room, windows)
          if (read.rows.length === 0) {
            done.add(tagId)
            continue
          }
          for (const r of read.rows) batch.push(r)
          const last = read.rows[read.rows.length - 1]
          const next = { lastT: last.t, countAtT: last.seq + 1 }
          moves.set(tagId, { ...next, sent: read.rows.length })
          cursors.set(tagId, next)
          if (read.exhausted) done.add(tagId)
        }
        if (batch.length === 0) break
        const inserted = await this.sendBatch(client, batch)
        this.options.cursors.advance(this.key, moves)
        sent += inserted
        skipped += batch.length - inserted
        this.count(inserted, batch.length - inserted)
        await this.throttle(batch.length)
      }
      this.lagMs = tags.length ? Math.max(0, horizon - Math.min(...tags.map((t) => cursors.get(t)?.lastT ?? horizon))) : 0
      this.lagPoints = done.size === tags.length ? 0 : null
      this.state = this.paused ? 'paused' : 'caught-up'
      this.lastSyncAt = this.now()
      this.lastError = null
      return { rowsSent: sent, rowsSkipped: skipped }
    } finally {
      await client.end().catch(() => undefined)
    }
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
      `CREATE TEMP TABLE IF NOT EXISTS otw_sync_batch (t bigint NOT NULL, device_id text NOT NULL, tag_name text NOT NULL, value double precision, quality smallint NOT NULL, seq integer NOT NULL) ON COMMIT DELETE ROWS`,
    )
  }

  /** Rows of one tag after its cursor up to `horizon`, at most `limit`, reading windows of time that grow while empty. */
  private async readAfter(
    tagId: string,
    cursor: SyncCursor | null,
    horizon: number,
    limit: number,
    windows: Map<string, number>,
  ): Promise<{ rows: Row[]; exhausted: boolean }> {
    let from = cursor?.lastT ?? 0
    let window = windows.get(tagId) ?? this.options.windowMs ?? 3_600_000
    while (from <= horizon) {
      const to = Math.min(horizon, from + window)
      const [series] = await this.options.source.queryRaw([tagId], from, to)
      const rows: Row[] = []
      if (series) {
        let seq = 0
        let prevT = Number.NaN
        for (let i = 0; i < series.t.length && rows.length < limit; i++) {
          const t = series.t[i]
          seq = t === prevT ? seq + 1 : 0
          prevT = t
          if (cursor && t === cursor.lastT && seq < cursor.countAtT) continue
          rows.push({ tagId, t, v: series.v[i], q: series.q[i], seq })
        }
        const full = rows.length >= limit
        if (rows.length > 0) {
          windows.set(tagId, window)
          return { rows, exhausted: !full && to >= horizon }
        }
      }
      if (to >= horizon) break
      from = to
      window *= 4
    }
    return { rows: [], exhausted: true }
  }

  /** COPY into the temporary table, then INSERT … SELECT … ON CONFLICT DO NOTHING (and the hourly sums from what was new), one transaction. */
  private async sendBatch(client: pg.Client, rows: Row[]): Promise<number> {
    let minT = Infinity
    let maxT = -Infinity
    for (const r of rows) {
      if (r.t < minT) minT = r.t
      if (r.t > maxT) maxT = r.t
    }
    if (this.flavor === 'plain') await ensurePartitions(client, minT, maxT, 1)
    await client.query('BEGIN')
    try {
      const names = new Map<string, string>()
      const lineOf = (r: Row) => {
        let prefix = names.get(r.tagId)
        if (prefix === undefined) {
          const { deviceId, tagName } = splitTagId(r.tagId)
          prefix = `${copyText(deviceId)}\t${copyText(tagName)}\t`
          names.set(r.tagId, prefix)
        }
        return `${r.t}\t${prefix}${copyNumber(r.v)}\t${r.q}\t${r.seq}\n`
      }
      const chunks = function* () {
        const lines: string[] = []
        for (const r of rows) {
          lines.push(lineOf(r))
          if (lines.length === 5000) yield lines.splice(0).join('')
        }
        if (lines.length) yield lines.join('')
      }
      await pipeline(Readable.from(chunks()), client.query(copyFrom('COPY otw_sync_batch (t, device_id, tag_name, value, quality, seq) FROM STDIN')))
      await client.query(`INSERT INTO devices (device_id, name) SELECT DISTINCT device_id, device_id FROM otw_sync_batch ON CONFLICT DO NOTHING`)
      await client.query(`INSERT INTO tags (device_id, tag_name) SELECT DISTINCT device_id, tag_name FROM otw_sync_batch ON CONFLICT DO NOTHING`)
      const insert = `INSERT INTO sensor_data (time, device_id, tag_name, value, quality, seq)
        SELECT timestamptz 'epoch' + t * interval '1 millisecond', device_id, tag_name, value, quality, seq FROM otw_sync_batch
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
      for (const s of series) {
        const rows: Row[] = []
        let seq = 0
        for (let i = 0; i < s.t.length; i++) {
          seq = i > 0 && s.t[i] === s.t[i - 1] ? seq + 1 : 0
          rows.push({ tagId: s.tagId, t: s.t[i], v: s.v[i], q: s.q[i], seq })
        }
        const batchRows = this.options.batchRows ?? 50_000
        for (let k = 0; k < rows.length; k += batchRows) {
          const part = rows.slice(k, k + batchRows)
          const inserted = await this.sendBatch(client, part)
          sent += inserted
          skipped += part.length - inserted
          this.count(inserted, part.length - inserted)
          this.backfillProgress.done += part.length
          await this.throttle(part.length)
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
