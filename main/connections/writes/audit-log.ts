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
  old_value: string | null
  new_value: string | null
  result: AuditEntry['result']
  message: string
}

const text = (value: unknown): string | null => (value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value))

/** Owns the SQL of the `write_audit` table: append and list, never update or delete. */
export class WriteAuditLog {
  constructor(private readonly db: Database) {}

  append(entry: Omit<AuditRecord, 'oldValue' | 'newValue'> & { oldValue: unknown; newValue: unknown }): number {
    const result = this.db
      .prepare(
        'INSERT INTO write_audit (time, user, connection_id, connection_name, tag_id, old_value, new_value, result, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        entry.time,
        entry.user,
        entry.connectionId,
        entry.connectionName,
        entry.tagId,
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
      oldValue: r.old_value,
      newValue: r.new_value,
      result: r.result,
      message: r.message,
    }))
  }
}
