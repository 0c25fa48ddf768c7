import { describe, it, expect } from 'vitest'
import { migrate, schemaVersion } from '../database/numbered-migrations'
import { openHistorian } from './index'
import { migrations, VERSION_TABLE } from './migrations/index'
import { openDatabase } from '../database/sqlite'
import { tempDir } from './test-helpers'

type Db = ReturnType<typeof openDatabase>

function tables(db: Db): string[] {
  return db
    .prepare<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name)
}

function indexes(db: Db): string[] {
  return db
    .prepare<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
    .all()
    .map((r) => r.name)
}

function columns(db: Db, table: string): string[] {
  return db
    .prepare<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
    .all()
    .map((r) => r.name)
}

describe('historian migrations (shared numbered runner)', () => {
  it('applies every migration up, records the version, and goes back down step by step', () => {
    const db = openDatabase(':memory:')
    const latest = migrations[migrations.length - 1].version
    expect(migrate(db, migrations, VERSION_TABLE)).toBe(latest)
    expect(schemaVersion(db, VERSION_TABLE)).toBe(latest)
    expect(tables(db)).toEqual(['blocks', 'retention_hold', 'rollups', 'schema_version', 'settings', 'tags'])
    expect(columns(db, 'blocks')).toContain('rollup')
    expect(indexes(db)).toContain('blocks_no_data')
    expect(migrate(db, migrations, VERSION_TABLE, 5)).toBe(5)
    expect(tables(db)).toEqual(['blocks', 'rollups', 'schema_version', 'settings', 'tags'])
    expect(migrate(db, migrations, VERSION_TABLE, 4)).toBe(4)
    expect(indexes(db)).not.toContain('blocks_no_data')
    expect(migrate(db, migrations, VERSION_TABLE, 3)).toBe(3)
    expect(columns(db, 'blocks')).not.toContain('rollup')
    expect(migrate(db, migrations, VERSION_TABLE, 1)).toBe(1)
    expect(tables(db)).toEqual(['blocks', 'schema_version', 'tags'])
    expect(migrate(db, migrations, VERSION_TABLE, 0)).toBe(0)
    expect(tables(db)).toEqual(['schema_version'])
    expect(migrate(db, migrations, VERSION_TABLE)).toBe(latest)
    expect(migrate(db, migrations, VERSION_TABLE)).toBe(latest) // idempotent
    db.close()
  })

  it('numbers migrations 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
  })

  it('refuses a file from a newer build with a clear message, and the historian does not open it', () => {
    const d = tempDir()
    const db = openDatabase(d.file('new.otwh'))
    migrate(db, migrations, VERSION_TABLE)
    db.prepare('INSERT INTO schema_version VALUES (99, 0)').run()
    expect(() => migrate(db, migrations, VERSION_TABLE)).toThrow(/newer than this build/)
    db.close()
    expect(() => openHistorian({ file: d.file('new.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })).toThrow(/newer than this build.*newer OT Workbench/)
    d.remove()
  })

  it('opens a file written at version 3, upgrades it in place and keeps its data; down to 3 and up again', () => {
    const d = tempDir()
    const file = d.file('v3.otwh')
    const h0 = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0, blockRollupMs: 0 })
    for (let i = 0; i < 500; i++) h0.append('T', 1_700_000_000_000 + i * 100, i / 3)
    h0.close()
    const db = openDatabase(file)
    expect(migrate(db, migrations, VERSION_TABLE, 3)).toBe(3) // what an older build left on disk
    expect(columns(db, 'blocks')).not.toContain('rollup')
    db.close()
    const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    expect(schemaVersion(h.database, VERSION_TABLE)).toBe(migrations[migrations.length - 1].version)
    const [raw] = h.queryRaw(['T'], 0, 2e12)
    expect(raw.t.length).toBe(500)
    expect(raw.v[499]).toBe(499 / 3)
    h.close()
    d.remove()
  })
})
