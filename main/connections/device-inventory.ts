import type { DeviceIdentity } from '../connectors/connector'
import type { Database } from './workbench-db'

/** One device as the inventory keeps it. */
export interface DeviceRecord extends Omit<DeviceIdentity, 'seenAt'> {
  connectionId: string
  firstSeen: number
  lastSeen: number
  /** When it last answered an identification. */
  identifiedAt: number
}

interface Row {
  connection_id: string
  key: string
  kind: DeviceIdentity['kind']
  facts: string
  note: string | null
  first_seen: number
  last_seen: number
  identified_at: number
}

// Sparkplug nodes and devices carry their own last message time; the others are seen whenever their connection delivers.
const OWN_SEEN = "kind NOT IN ('sparkplug-node', 'sparkplug-device')"

/** Owns the SQL of the `devices` table in workbench.db: what each device said about itself, first and last seen. */
export class DeviceInventory {
  private readonly seen = new Map<string, number>()

  constructor(private readonly db: Database) {}

  /** Stores what a connection's devices answered; facts and note are replaced, first seen is kept. */
  record(connectionId: string, devices: readonly DeviceIdentity[], now: number): void {
    const upsert = this.db.prepare(`INSERT INTO devices (connection_id, key, kind, facts, note, first_seen, last_seen, identified_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (connection_id, key) DO UPDATE SET kind = excluded.kind, facts = excluded.facts, note = excluded.note,
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen), identified_at = excluded.identified_at`)
    this.db.transaction(() => {
      for (const d of devices) {
        const seenAt = d.seenAt ?? now
        upsert.run(connectionId, d.key, d.kind, JSON.stringify(d.facts), d.note ?? null, seenAt, seenAt, now)
      }
    })()
  }

  /** Data arrived from a connection at `time`; written by flush(). */
  markSeen(connectionId: string, time: number): void {
    if ((this.seen.get(connectionId) ?? 0) < time) this.seen.set(connectionId, time)
  }

  flush(): void {
    if (this.seen.size === 0) return
    const update = this.db.prepare(`UPDATE devices SET last_seen = max(last_seen, ?) WHERE connection_id = ? AND ${OWN_SEEN}`)
    const pending = [...this.seen]
    this.seen.clear()
    this.db.transaction(() => {
      for (const [connectionId, time] of pending) update.run(time, connectionId)
    })()
  }

  list(): DeviceRecord[] {
    const rows = this.db.prepare('SELECT * FROM devices ORDER BY connection_id, key').all() as unknown as Row[]
    return rows.map((r) => ({
      connectionId: r.connection_id,
      key: r.key,
      kind: r.kind,
      facts: JSON.parse(r.facts) as Record<string, string>,
      note: r.note ?? undefined,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      identifiedAt: r.identified_at,
    }))
  }
}
