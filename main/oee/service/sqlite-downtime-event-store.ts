import type { Database, Statement } from '../../database/sqlite'
import type { DowntimeEvent, DowntimeEventStore, EventHistoryEntry, EventQuery, ReasonRule, ReasonTree } from '..'

const EMPTY_TREE: ReasonTree = { categories: [] }

/** The downtime event store on SQLite (production.db); owns all SQL of the downtime tables and production settings. */
export class SqliteDowntimeEventStore implements DowntimeEventStore {
  // Preparing a statement costs more than running it; a month of stops runs the same few thousands of times.
  private readonly statements = new Map<string, Statement<unknown>>()

  constructor(private readonly db: Database) {}

  private sql<R = Record<string, unknown>>(text: string): Statement<R> {
    let st = this.statements.get(text)
    if (!st) {
      st = this.db.prepare<unknown>(text)
      this.statements.set(text, st)
    }
    return st as Statement<R>
  }

  getEvent(id: string): DowntimeEvent | undefined {
    const row = this.sql<{ data: string }>('SELECT data FROM downtime_events WHERE id = ?').get(id)
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
    return this.sql<{ data: string }>(sql)
      .all(...params)
      .map((r) => JSON.parse(r.data) as DowntimeEvent)
  }

  putEvent(event: DowntimeEvent): void {
    this.sql(
      'INSERT INTO downtime_events (id, machine, start_ms, end_ms, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET machine = excluded.machine, start_ms = excluded.start_ms, end_ms = excluded.end_ms, data = excluded.data',
    ).run(event.id, event.machine, event.start, event.end, JSON.stringify(event))
  }

  deleteEvent(id: string): void {
    this.sql('DELETE FROM downtime_events WHERE id = ?').run(id)
  }

  appendHistory(entry: EventHistoryEntry): void {
    this.sql('INSERT INTO downtime_event_history (event_id, at, who, action, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(
      entry.eventId,
      entry.at,
      entry.who,
      entry.action,
      entry.before && JSON.stringify(entry.before),
      entry.after && JSON.stringify(entry.after),
    )
  }

  listHistory(eventId: string): EventHistoryEntry[] {
    return this.sql<{ event_id: string; at: number; who: string; action: string; before: string | null; after: string | null }>(
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

  /** Whether a person merged the id away: such ids are not re-created from detection. */
  wasMergedAway(eventId: string): boolean {
    return this.sql("SELECT 1 FROM downtime_event_history WHERE event_id = ? AND action = 'merged-into' LIMIT 1").get(eventId) !== undefined
  }

  /**
   * Removes stored events nobody touched (only detected, extended or auto-coded) so the next computation detects
   * them again under new settings; events a person coded, commented, split or merged stay. Returns how many.
   */
  discardUntouchedEvents(at: number, who: string): number {
    const rows = this.sql<{ data: string }>(
      "SELECT data FROM downtime_events WHERE id NOT IN (SELECT event_id FROM downtime_event_history WHERE action NOT IN ('detected', 'extended', 'auto-coded', 'discarded'))",
    ).all()
    for (const r of rows) {
      const e = JSON.parse(r.data) as DowntimeEvent
      this.deleteEvent(e.id)
      this.appendHistory({ eventId: e.id, at, who, action: 'discarded', before: e, after: null })
    }
    return rows.length
  }

  /** Records a settings change: who, when, before and after. */
  recordSettingChange(key: string, before: unknown, after: unknown, at: number, who: string): void {
    this.sql('INSERT INTO production_settings_history (key, at, who, before, after) VALUES (?, ?, ?, ?, ?)').run(
      key,
      at,
      who,
      before === undefined ? null : JSON.stringify(before),
      JSON.stringify(after),
    )
  }

  settingsHistory(key: string, limit = 50): { at: number; who: string; before: unknown; after: unknown }[] {
    return this.sql<{ at: number; who: string; before: string | null; after: string }>(
      'SELECT at, who, before, after FROM production_settings_history WHERE key = ? ORDER BY seq DESC LIMIT ?',
    )
      .all(key, limit)
      .map((r) => ({ at: r.at, who: r.who, before: r.before === null ? null : (JSON.parse(r.before) as unknown), after: JSON.parse(r.after) as unknown }))
  }

  getSetting<T>(key: string): T | undefined {
    const row = this.sql<{ value: string }>('SELECT value FROM production_settings WHERE key = ?').get(key)
    return row && (JSON.parse(row.value) as T)
  }

  putSetting(key: string, value: unknown): void {
    this.sql('INSERT INTO production_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value))
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
