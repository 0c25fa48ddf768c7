import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateWorkbenchDb, openWorkbenchDb, type Database } from '../workbench-db'
import { WriteAuditLog } from './audit-log'

const dirs: string[] = []
const dbs: Database[] = []
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const row = (result: 'ok' | 'mismatch' | 'cancelled', address: string | null) => ({
  time: 1,
  user: 'tester',
  connectionId: 'plc',
  connectionName: 'PLC',
  tagId: 'plc:Speed',
  address,
  oldValue: 1,
  newValue: 2,
  result,
  message: result,
})

describe('WriteAuditLog and migration 0003', () => {
  it('stores addresses and the mismatch and cancelled results; down maps them to failed and refused, up keeps the rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-audit-'))
    dirs.push(dir)
    const db = openWorkbenchDb(dir)
    dbs.push(db)
    const audit = new WriteAuditLog(db)
    audit.append(row('ok', 'unit 1 hr:4 (40005)'))
    audit.append(row('mismatch', 'unit 1 hr:4 (40005)'))
    audit.append(row('cancelled', null))
    expect(audit.list().map((r) => [r.result, r.address])).toEqual([
      ['cancelled', null],
      ['mismatch', 'unit 1 hr:4 (40005)'],
      ['ok', 'unit 1 hr:4 (40005)'],
    ])

    expect(migrateWorkbenchDb(db, 2)).toBe(2)
    expect(
      db
        .prepare<{ result: string }>('SELECT result FROM write_audit ORDER BY id')
        .all()
        .map((r) => r.result),
    ).toEqual(['ok', 'failed', 'refused'])
    expect(migrateWorkbenchDb(db)).toBe(4)
    expect(audit.list().map((r) => [r.id, r.result, r.address, r.oldValue, r.newValue])).toEqual([
      [3, 'refused', null, '1', '2'],
      [2, 'failed', null, '1', '2'],
      [1, 'ok', null, '1', '2'],
    ])
    expect(() =>
      db
        .prepare("INSERT INTO write_audit (time, user, connection_id, connection_name, tag_id, result, message) VALUES (1, 'u', 'c', 'c', 't', 'maybe', 'm')")
        .run(),
    ).toThrow(/CHECK/)
  })
})
