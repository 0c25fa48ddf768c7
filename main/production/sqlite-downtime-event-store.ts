import type { Database } from '../historian/sqlite'
import type { DowntimeEvent, DowntimeEventStore, EventHistoryEntry, EventQuery, ReasonRule, ReasonTree } from '../oee'

const EMPTY_TREE: ReasonTree = { categories: [] }

/** The downtime event store on SQLite (production.db); owns all SQL of the downtime tables and production settings. */
export class SqliteDowntimeEventStore implements DowntimeEventStore {
  constructor(private readonly db: Database) {}

  getEvent(id: string): DowntimeEvent | undefined {
    const row = this.db.prepare<{ data: string }>('SELECT data FROM downtime_events WHERE id = ?').get(id)
    return row && (JSON.parse(row.data) as DowntimeEvent)
  }

  listEvents(query: EventQuery = {}): DowntimeEvent[] {
    const where: string[] = []
    const params: unknown[] = []
    if (query.machine !== undefined) {
      where.push('machine = ?')
      params.push(query.machine)
    }
    if (query.from !== undefined) {
      where.push('end_ms > ?')
      params.push(query.from)
    }
    if (query.to !== undefined) {
      where.push('start_ms < ?')
      params.push(query.to)
    }
    const sql = `SELECT data FROM downtime_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_ms, machine`
    return this.db
      .prepare<{ data: string }>(sql)
      .all(...params)
      .map((r) => JSON.parse(r.data) as DowntimeEvent)
  }

  putEvent(event: DowntimeEvent): void {
    this.db
      .prepare('INSERT INTO downtime_events (id, machine, start_ms, end_ms, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET machine = excluded.machine, start_ms = excluded.start_ms, end_ms = excluded.end_ms, data = excluded.data')
      .run(event.id, event.machine, event.start, event.end, JSON.stringify(event))
  }

  deleteEvent(id: string): void {
    this.db.prepare('DELETE FROM downtime_events WHERE id = ?').run(id)
  }

  appendHistory(entry: EventHistoryEntry): void {
    this.db
      .prepare('INSERT INTO downtime_event_history (event_id, at, who, action, before, after) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.eventId, entry.at, entry.who, entry.action, entry.before && JSON.stringify(entry.before), entry.after && JSON.stringify(entry.after))
  }

  listHistory(eventId: string): EventHistoryEntry[] {
    return this.db
      .prepare<{ event_id: string; at: number; who: string; action: string; before: string | null; after: string | null }>(
        'SELECT event_id, at, who, action, before, after FROM downtime_event_history WHERE event_id = ? ORDER BY seq',
      )
      .all(eventId)
      .map((r) => ({
        eventId: r.event_id,
        at: r.at,
        who: r.who,
        action: r.action as EventHistoryEntry['action'],
        before: r.before === null ? null : (JSON.parse(r.before) as DowntimeEvent),
        after: r.after === null ? null : (JSON.parse(r.after) as DowntimeEvent),
      }))
  }

  /** Whether the id ever existed (e.g. it was merged away): such ids are not re-created from detection. */
  hasHistory(eventId: string): boolean {
    return this.db.prepare('SELECT 1 FROM downtime_event_history WHERE event_id = ? LIMIT 1').get(eventId) !== undefined
  }

  getSetting<T>(key: string): T | undefined {
    const row = this.db.prepare<{ value: string }>('SELECT value FROM production_settings WHERE key = ?').get(key)
    return row && (JSON.parse(row.value) as T)
  }

  putSetting(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO production_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value))
  }

  getReasonTree(): ReasonTree {
    return this.getSetting<ReasonTree>('reason-tree') ?? EMPTY_TREE
  }

  putReasonTree(tree: ReasonTree): void {
    this.putSetting('reason-tree', tree)
  }

  getRules(): ReasonRule[] {
    return this.getSetting<ReasonRule[]>('reason-rules') ?? []
  }

  putRules(rules: ReasonRule[]): void {
    this.putSetting('reason-rules', rules)
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)()
  }
}
