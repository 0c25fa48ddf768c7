import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openHistorian, type Historian } from '../../historian'
import { OeeConfigSchema, type TagSeries } from '..'
import { openDatabase } from '../../database/sqlite'
import { migrateProductionDb } from './production-db'
import { OeeService } from './oee-service'

const T = (iso: string): number => Date.parse(iso)
const FROM = T('2024-01-10T06:00:00Z')
const TO = T('2024-01-10T07:00:00Z')

const machine = (id: string) => ({
  id,
  name: `${id} machine`,
  state: { kind: 'enum' as const, tag: `${id}.State`, map: { '1': 'running' as const, '5': 'faulted' as const } },
  counters: { goodTag: `${id}.Good`, rejectTag: `${id}.Reject`, bitWidth: 32 as const },
  idealRatePerMin: 60,
})
const calendar = { timeZone: 'UTC', shifts: [{ name: 'Day', start: '00:00', end: '00:00' }] }

// Line A (A1 → A2): A1 runs the hour, 3,000 good; A2 is faulted 30 min and makes 1,500 good. Line B (B1): 30 min
// faulted, then 1,200 good and 300 rejects.
function series(): TagSeries {
  const at = (iso: string, v: number) => ({ t: T(`2024-01-10T${iso}:00Z`), v })
  return {
    'A1.State': [at('05:59', 1)],
    'A1.Good': [at('05:59', 0), at('06:59', 3000)],
    'A1.Reject': [at('05:59', 0)],
    'A2.State': [at('05:59', 5), at('06:30', 1)],
    'A2.Good': [at('05:59', 0), at('06:59', 1500)],
    'A2.Reject': [at('05:59', 0)],
    'B1.State': [at('05:59', 5), at('06:30', 1)],
    'B1.Good': [at('05:59', 0), at('06:59', 1200)],
    'B1.Reject': [at('05:59', 0), at('06:59', 300)],
  }
}

describe('several lines on one workstation', () => {
  let dir: string
  let historian: Historian
  let service: OeeService
  const config = OeeConfigSchema.parse({
    calendar,
    lines: [
      { name: 'Packaging Line 1', machines: [machine('A1'), machine('A2')] },
      { id: 'pl2', name: 'Packaging Line 2', machines: [machine('B1')] },
    ],
  })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otw-oee-lines-'))
    historian = openHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (const [tag, samples] of Object.entries(series())) for (const s of samples) historian.append(tag, s.t, s.v)
    service = new OeeService({ dataDir: dir, historian, config, now: () => T('2024-01-11T00:00:00Z') })
  })
  afterEach(async () => {
    await service.close()
    historian.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives each line an id (from its name when none is given) and keeps them in the settings', () => {
    expect(service.settings().lines.map((l) => [l.id, l.name, l.machines.map((m) => m.id)])).toEqual([
      ['packaging-line-1', 'Packaging Line 1', ['A1', 'A2']],
      ['pl2', 'Packaging Line 2', ['B1']],
    ])
  })

  it("computes each line from its own machines (in flow order), every line's summary and the site", async () => {
    const a = await service.report({ from: FROM, to: TO, by: 'shift' })
    expect(a.line).toBe('Packaging Line 1')
    expect(a.lineId).toBe('packaging-line-1')
    expect(a.summary.machines.map((m) => m.machine)).toEqual(['A1', 'A2'])
    expect(a.timeline.map((t) => t.machine)).toEqual(['A1', 'A2'])
    // The line's figures are at its bottleneck, A2 (30 min of breakdowns); the output is A2's (the last machine).
    expect(a.summary.line.measuredAt).toBe('A2')
    expect(a.summary.line.availability).toBeCloseTo(0.5, 9)
    expect(a.summary.output.good).toBe(1500)

    const b = await service.report({ from: FROM, to: TO, by: 'shift', line: 'pl2' })
    expect(b.line).toBe('Packaging Line 2')
    expect(b.summary.machines.map((m) => m.machine)).toEqual(['B1'])
    expect(b.summary.line.quality).toBeCloseTo(0.8, 9)
    // By name as well as by id.
    expect((await service.report({ from: FROM, to: TO, by: 'shift', line: 'Packaging Line 2' })).lineId).toBe('pl2')

    // Every line's summary rides along, with the site: each line weighted by its planned production time (60 min each).
    expect(a.site.lines.map((l) => [l.id, l.line.measuredAt])).toEqual([
      ['packaging-line-1', 'A2'],
      ['pl2', 'B1'],
    ])
    expect(b.site).toEqual(a.site)
    const la = a.summary.line
    const lb = b.summary.line
    expect(a.site.plannedProductionMin).toBeCloseTo(120, 9)
    expect(a.site.availability).toBeCloseTo((la.availability! + lb.availability!) / 2, 9)
    expect(a.site.oee).toBeCloseTo((la.oee! + lb.oee!) / 2, 9)
    expect(a.site.oee).toBeCloseTo(a.site.availability! * a.site.performance! * a.site.quality!, 9)

    await expect(service.report({ from: FROM, to: TO, by: 'shift', line: 'Line 9' })).rejects.toThrow(
      'No line "Line 9" — the OEE settings have "Packaging Line 1", "Packaging Line 2"',
    )
  })

  it("stores every line's stops; the stop list and Pareto filter by line", async () => {
    const all = await service.listEvents({ from: FROM, to: TO })
    expect(all.map((e) => e.machine).sort()).toEqual(['A2', 'B1'])
    expect((await service.listEvents({ from: FROM, to: TO, line: 'pl2' })).map((e) => e.machine)).toEqual(['B1'])
    expect(service.pareto({ from: FROM, to: TO, line: 'packaging-line-1' }).reduce((n, c) => n + c.minutes, 0)).toBeCloseTo(30, 9)
    expect(service.pareto({ from: FROM, to: TO }).reduce((n, c) => n + c.minutes, 0)).toBeCloseTo(60, 9)
  })

  it('saves lines: adds, renames (the id stays), moves a machine, removes; unique machine ids across lines', async () => {
    const [l1, l2] = service.settings().lines
    const saved = service.saveLines(
      [
        { ...l1, name: 'Line One', machines: [l1.machines[0]] },
        { ...l2, machines: [...l2.machines, l1.machines[1]] },
        { name: 'Line 3', machines: [machine('C1')] },
      ],
      'anna',
    )
    expect(saved.lines.map((l) => [l.id, l.name, l.machines.map((m) => m.id)])).toEqual([
      ['packaging-line-1', 'Line One', ['A1']],
      ['pl2', 'Packaging Line 2', ['B1', 'A2']],
      ['line-3', 'Line 3', ['C1']],
    ])
    expect(saved.changes.line[0].who).toBe('anna')
    const b = await service.report({ from: FROM, to: TO, by: 'shift', line: 'pl2' })
    expect(b.summary.machines.map((m) => m.machine)).toEqual(['B1', 'A2'])
    expect(b.summary.output.good).toBe(1500)

    expect(() => service.saveLines([{ ...l1 }, { name: 'Other', machines: [machine('A1')] }])).toThrow(
      'lines.1.machines.0.id: line "Other": machine id "A1" is already used on line "Packaging Line 1" — machine ids must be unique across the workstation',
    )
    expect(() => service.saveLines([{ ...l1 }, { ...l2, id: l1.id }])).toThrow('id "packaging-line-1" is already used by line "Packaging Line 1"')
    // Removing a line.
    expect(service.saveLines([saved.lines[0]]).lines.map((l) => l.id)).toEqual(['packaging-line-1'])
    expect((await service.report({ from: FROM, to: TO, by: 'shift' })).site.lines).toHaveLength(1)
  })
})

describe('production.db migration 4 (several lines)', () => {
  const oldConfig = {
    calendar,
    line: { name: 'Packaging Line 1', machines: [machine('A1'), machine('A2')] },
    noDataTime: 'breakdown',
  }

  it('up: the stored one-line settings become the first of the lines, nothing lost; down: back to one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-production-db4-'))
    const db = openDatabase(join(dir, 'production.db'))
    const setting = () =>
      JSON.parse(db.prepare<{ value: string }>("SELECT value FROM production_settings WHERE key = 'line-config'").get()!.value) as Record<string, unknown>
    try {
      migrateProductionDb(db, 3)
      db.prepare("INSERT INTO production_settings (key, value) VALUES ('line-config', ?)").run(JSON.stringify(oldConfig))
      expect(migrateProductionDb(db)).toBe(4)
      const up = setting()
      expect(up).not.toHaveProperty('line')
      expect(up).toEqual({ calendar, noDataTime: 'breakdown', lines: [{ id: 'packaging-line-1', ...oldConfig.line }] })
      // What the service reads back is the same line, with its id.
      expect(OeeConfigSchema.parse(up).lines[0]).toMatchObject({ id: 'packaging-line-1', name: 'Packaging Line 1' })

      // A second line added by this build: down keeps the first and records the others in the settings history.
      const two = { ...up, lines: [...(up.lines as unknown[]), { id: 'pl2', name: 'Packaging Line 2', machines: [machine('B1')] }] }
      db.prepare("UPDATE production_settings SET value = ? WHERE key = 'line-config'").run(JSON.stringify(two))
      expect(migrateProductionDb(db, 3)).toBe(3)
      expect(setting()).toEqual({ calendar, noDataTime: 'breakdown', line: { id: 'packaging-line-1', ...oldConfig.line } })
      const kept = db.prepare<{ before: string }>("SELECT before FROM production_settings_history WHERE key = 'machines' ORDER BY seq DESC").get()!
      expect((JSON.parse(kept.before) as { name: string }[]).map((l) => l.name)).toEqual(['Packaging Line 1', 'Packaging Line 2'])
      expect(migrateProductionDb(db)).toBe(4)
      expect((setting().lines as { id: string }[]).map((l) => l.id)).toEqual(['packaging-line-1'])
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a workstation opened on old settings starts with them as its one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-production-db4s-'))
    const historian = openHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    const db = openDatabase(join(dir, 'production.db'))
    migrateProductionDb(db, 3)
    db.prepare("INSERT INTO production_settings (key, value) VALUES ('line-config', ?)").run(JSON.stringify(oldConfig))
    db.close()
    const service = new OeeService({ dataDir: dir, historian, now: () => T('2024-01-11T00:00:00Z') })
    try {
      const s = service.settings()
      expect(s.lines.map((l) => [l.id, l.name, l.machines.map((m) => m.id)])).toEqual([['packaging-line-1', 'Packaging Line 1', ['A1', 'A2']]])
      expect(s.noDataTime).toBe('breakdown')
    } finally {
      await service.close()
      historian.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
