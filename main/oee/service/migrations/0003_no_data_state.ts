import type { Database } from '../../../database/sqlite'

const WHO = 'migration 3 (no-data state)'

/**
 * Time without recorded data became its own state, 'no-data' (it was 'unknown', which now means only a value the
 * state map lacks). Up: stored 'unknown' stops nobody touched are discarded (with a history entry), so the next
 * report detects them again as what they are; stops a person coded, commented, split or merged stay as they were.
 * Down: 'no-data' becomes 'unknown' again in stops, their history and the rules, and the setting leaves the config,
 * so an older build reads the file.
 */
export const migration0003 = {
  version: 3,
  name: 'no-data state and setting',
  up(db: Database): void {
    const rows = db
      .prepare<{ id: string; data: string }>(
        "SELECT id, data FROM downtime_events WHERE json_extract(data, '$.state') = 'unknown' AND id NOT IN (SELECT event_id FROM downtime_event_history WHERE action NOT IN ('detected', 'extended', 'auto-coded', 'discarded'))",
      )
      .all()
    const history = db.prepare('INSERT INTO downtime_event_history (event_id, at, who, action, before, after) VALUES (?, ?, ?, ?, ?, NULL)')
    const remove = db.prepare('DELETE FROM downtime_events WHERE id = ?')
    const at = Date.now()
    for (const r of rows) {
      remove.run(r.id)
      history.run(r.id, at, WHO, 'discarded', r.data)
    }
  },
  down(db: Database): void {
    db.exec(`
      UPDATE downtime_events SET data = json_set(data, '$.state', 'unknown') WHERE json_extract(data, '$.state') = 'no-data';
      UPDATE downtime_event_history SET before = json_set(before, '$.state', 'unknown') WHERE json_extract(before, '$.state') = 'no-data';
      UPDATE downtime_event_history SET after = json_set(after, '$.state', 'unknown') WHERE json_extract(after, '$.state') = 'no-data';
      UPDATE production_settings SET value = json_remove(value, '$.noDataTime') WHERE key = 'line-config';
    `)
    const rules = db.prepare<{ value: string }>("SELECT value FROM production_settings WHERE key = 'reason-rules'").get()
    if (rules) {
      const list = JSON.parse(rules.value) as { state?: string }[]
      const older = list.map((r) => (r.state === 'no-data' ? { ...r, state: 'unknown' } : r))
      db.prepare("UPDATE production_settings SET value = ? WHERE key = 'reason-rules'").run(JSON.stringify(older))
    }
  },
}
