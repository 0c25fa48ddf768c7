import { describe, it, expect } from 'vitest';
import { currentVersion, migrate } from './migrate';
import { migrations } from './migrations/index';
import { openDatabase } from './sqlite';

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return db
    .prepare<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
}

describe('migrations', () => {
  it('applies every migration up, records the version, and goes back down step by step', () => {
    const db = openDatabase(':memory:');
    const latest = migrations[migrations.length - 1].version;
    expect(migrate(db)).toBe(latest);
    expect(currentVersion(db)).toBe(latest);
    expect(tables(db)).toEqual(['blocks', 'rollups', 'schema_version', 'settings', 'tags']);
    expect(migrate(db, 1)).toBe(1);
    expect(tables(db)).toEqual(['blocks', 'schema_version', 'tags']);
    expect(migrate(db, 0)).toBe(0);
    expect(tables(db)).toEqual(['schema_version']);
    expect(migrate(db)).toBe(latest);
    expect(migrate(db)).toBe(latest); // idempotent
    db.close();
  });

  it('numbers migrations 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('refuses a file from a newer build with a clear message', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare('INSERT INTO schema_version VALUES (99, 0)').run();
    expect(() => migrate(db)).toThrow(/newer than this build/);
    db.close();
  });
});
