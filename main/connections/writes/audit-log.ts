import type { AuditEntry } from '../../../preload/contract'
import type { Database } from '../workbench-db'

export type AuditRecord = Omit<AuditEntry, 'id'>

interface Row {
  id: number
  time: number
  user: string
  connection_id: string
  connection_name: string
  tag_id: string
  address: string | null
  old_value: string | null
  new_value: string | null
  result: AuditEntry['result']
  message: string
}

/** Longest value text kept in a row: a refused request may carry anything, the log stays readable. */
const MAX_VALUE_TEXT = 1000

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null
  const whole = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return whole.length > MAX_VALUE_TEXT ? `${whole.slice(0, MAX_VALUE_TEXT)}… (${whole.length} characters)` : whole
}

/** Owns the SQL of the `write_audit` table: append and list, never update or delete. */
export class WriteAuditLog {
  constructor(private readonly db: Database) {}

  append(entry: Omit<AuditRecord, 'oldValue' | 'newValue'> & { oldValue: unknown; newValue: unknown }): number {
    const result = this.db
      .prepare(
        'INSERT INTO write_audit (time, user, connection_id, connection_name, tag_id, address, old_value, new_value, result, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        entry.time,
        entry.user,
        entry.connectionId,
        entry.connectionName,
        entry.tagId,
        entry.address,
        text(entry.oldValue),
        text(entry.newValue),
        entry.result,
        entry.message,
      )
    return Number(result.lastInsertRowid)
  }

  /** Newest first. */
  list(options: { connectionId?: string; limit?: number } = {}): AuditEntry[] {
    const limit = options.limit ?? 500
    const rows = options.connectionId
      ? this.db.prepare<Row>('SELECT * FROM write_audit WHERE connection_id = ? ORDER BY id DESC LIMIT ?').all(options.connectionId, limit)
      : this.db.prepare<Row>('SELECT * FROM write_audit ORDER BY id DESC LIMIT ?').all(limit)
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      user: r.user,
      connectionId: r.connection_id,
      connectionName: r.connection_name,
      tagId: r.tag_id,
      address: r.address,
      oldValue: r.old_value,
      newValue: r.new_value,
      result: r.result,
      message: r.message,
    }))
  }
}
