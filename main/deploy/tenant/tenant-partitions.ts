// Plain PostgreSQL: sensor_data has one partition per UTC day; the sync creates them ahead of the rows it sends,
// and retention drops whole partitions (no DELETE, no bloat).
import type pg from 'pg'

const DAY_MS = 86_400_000

export function partitionName(dayStartMs: number): string {
  return `sensor_data_p${new Date(dayStartMs).toISOString().slice(0, 10).replace(/-/g, '')}`
}

/** Creates the daily partitions covering [fromMs, toMs] plus `aheadDays` after it; returns the ones it created. */
export async function ensurePartitions(client: pg.Client, fromMs: number, toMs: number, aheadDays = 1): Promise<string[]> {
  const first = Math.floor(fromMs / DAY_MS) * DAY_MS
  const last = Math.floor(toMs / DAY_MS) * DAY_MS + aheadDays * DAY_MS
  const existing = new Set(
    (
      await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sensor_data'::regclass`,
      )
    ).rows.map((r) => r.name),
  )
  const created: string[] = []
  for (let day = first; day <= last; day += DAY_MS) {
    const name = partitionName(day)
    if (existing.has(name)) continue
    const from = new Date(day).toISOString()
    const to = new Date(day + DAY_MS).toISOString()
    await client.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF sensor_data FOR VALUES FROM ('${from}') TO ('${to}')`)
    created.push(name)
  }
  return created
}

/** Drops the partitions that end at or before `cutoffMs`; returns their names. */
export async function dropPartitionsBefore(client: pg.Client, cutoffMs: number): Promise<string[]> {
  const parts = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sensor_data'::regclass`,
  )
  const dropped: string[] = []
  for (const { name } of parts.rows) {
    const m = /^sensor_data_p(\d{4})(\d{2})(\d{2})$/.exec(name)
    if (!m) continue
    const end = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS
    if (end > cutoffMs) continue
    await client.query(`DROP TABLE ${name}`)
    dropped.push(name)
  }
  return dropped
}
