import type { Database } from '../../../database/sqlite'

// Frozen copy of lineIdFromName as it was when this migration was written (a migration never changes with the code).
function lineId(name: string): string {
  return (
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'line'
  )
}

interface StoredConfig {
  line?: { id?: string; name: string; machines: unknown[] }
  lines?: { id?: string; name: string; machines: unknown[] }[]
  [key: string]: unknown
}

/**
 * A workstation holds several lines. Up: the stored `{ line }` becomes `{ lines: [line] }`, the line given an id from
 * its name; nothing else of it changes. Down: the first line goes back to `{ line }` (an older build knows one line);
 * the other lines are kept in the settings history under 'machines', so nobody's work is lost without a trace.
 */
export const migration0004 = {
  version: 4,
  name: 'several lines per workstation',
  up(db: Database): void {
    const row = db.prepare<{ value: string }>("SELECT value FROM production_settings WHERE key = 'line-config'").get()
    if (!row) return
    const config = JSON.parse(row.value) as StoredConfig
    if (!config.line || config.lines) return
    const { line, ...rest } = config
    const next = { ...rest, lines: [{ ...line, id: line.id ?? lineId(line.name) }] }
    db.prepare("UPDATE production_settings SET value = ? WHERE key = 'line-config'").run(JSON.stringify(next))
  },
  down(db: Database): void {
    const row = db.prepare<{ value: string }>("SELECT value FROM production_settings WHERE key = 'line-config'").get()
    if (!row) return
    const config = JSON.parse(row.value) as StoredConfig
    if (!config.lines) return
    const { lines, ...rest } = config
    const [first, ...others] = lines
    db.prepare("UPDATE production_settings SET value = ? WHERE key = 'line-config'").run(JSON.stringify({ ...rest, line: first }))
    if (others.length)
      db.prepare("INSERT INTO production_settings_history (key, at, who, before, after) VALUES ('machines', ?, ?, ?, ?)").run(
        Date.now(),
        'migration 4 down (one line per workstation)',
        JSON.stringify(lines),
        JSON.stringify(first),
      )
  },
}
