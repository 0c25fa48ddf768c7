import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openHistorian, type Historian } from '../../historian'
import { formatRecordingCsv, OeeConfigSchema, runOeeCommand, type LineOeeReport, type OeeConfig, type TagSeries } from '..'
import { openDatabase } from '../../database/sqlite'
import { migrateProductionDb, productionDbVersion } from './production-db'
import { MAX_OEE_RANGE_DAYS, OeeService, queryStart } from './oee-service'
import type { OeeSettingsError } from './oee-settings'

const T = (iso: string): number => Date.parse(iso)

// One machine, a 24 h shift in UTC, ideal 60 units/min (1 s per unit).
const configInput = {
  calendar: { timeZone: 'UTC', shifts: [{ name: 'Day', start: '00:00', end: '00:00' }] },
  line: {
    name: 'Test line',
    machines: [
      {
        id: 'M1',
        state: { kind: 'enum', tag: 'M1.State', faultCodeTag: 'M1.FaultCode', map: { '1': 'running', '2': 'idle', '5': 'faulted', '6': 'planned-stop' } },
        counters: { goodTag: 'M1.Good', rejectTag: 'M1.Reject', bitWidth: 32 },
        idealRatePerMin: 60,
      },
    ],
  },
}

// 06:00–07:00: running, a 15 min fault (101) from 06:10, running again; 2,400 good and 100 rejects.
const SERIES: TagSeries = {
  'M1.State': [
    { t: T('2024-01-10T05:59:00Z'), v: 1 },
    { t: T('2024-01-10T06:10:00Z'), v: 5 },
    { t: T('2024-01-10T06:25:00Z'), v: 1 },
  ],
  'M1.FaultCode': [
    { t: T('2024-01-10T05:59:00Z'), v: 0 },
    { t: T('2024-01-10T06:10:00Z'), v: 101 },
    { t: T('2024-01-10T06:25:00Z'), v: 0 },
  ],
  'M1.Good': [
    { t: T('2024-01-10T05:59:00Z'), v: 0 },
    { t: T('2024-01-10T06:59:59Z'), v: 2400 },
  ],
  'M1.Reject': [
    { t: T('2024-01-10T05:59:00Z'), v: 0 },
    { t: T('2024-01-10T06:59:59Z'), v: 100 },
  ],
}
const FROM = T('2024-01-10T06:00:00Z')
const TO = T('2024-01-10T07:00:00Z')

describe('OeeService on a historian', () => {
  let dir: string
  let historian: Historian
  let service: OeeService
  const config: OeeConfig = OeeConfigSchema.parse(configInput)

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otw-production-'))
    historian = openHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (const [tag, samples] of Object.entries(SERIES)) for (const s of samples) historian.append(tag, s.t, s.v)
    service = new OeeService({ dataDir: dir, historian, config, now: () => T('2024-01-11T00:00:00Z') })
  })
  afterEach(async () => {
    await service.close()
    historian.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('computes A, P, Q and OEE exactly from the recorded samples', async () => {
    const report = await service.report({ from: FROM, to: TO, by: 'shift' })
    const m = report.summary.machines[0]
    expect(m.availability).toBeCloseTo(45 / 60, 12)
    expect(m.performance).toBeCloseTo(2500 / 2700, 12)
    expect(m.quality).toBeCloseTo(2400 / 2500, 12)
    expect(m.oee).toBeCloseTo(2400 / 3600, 12)
    expect(m.lossMin.breakdowns).toBeCloseTo(15, 9)
    expect(m.fullyProductiveMin).toBeCloseTo(40, 9)
    expect(report.summary.bottleneck?.machine).toBe('M1')
    expect(report.timeline[0].segments.map((s) => s.state)).toEqual(['running', 'faulted', 'running'])
  })

  it('refuses a range longer than 400 days, saying the limit and what to pick instead; 400 days are computed', async () => {
    const now = T('2024-01-11T00:00:00Z')
    const refused = { code: 'INVALID_INPUT', details: { maxDays: MAX_OEE_RANGE_DAYS } }
    // { from: 0, to: now } once ran for seconds on the host's main thread.
    await expect(service.report({ from: 0, to: now, by: 'shift' })).rejects.toMatchObject(refused)
    await expect(service.report({ from: 0, to: now, by: 'shift' })).rejects.toThrow(
      'OEE over 19,733 days (1970-01-01 to 2024-01-11) refused: one report covers at most 400 days — pick a shorter range, and report a longer time in parts',
    )
    await expect(service.listEvents({ from: now - 401 * 86_400_000, to: now })).rejects.toMatchObject(refused)
    // The end counts as now at the latest: a range running into the future is measured to now.
    const report = await service.report({ from: now - 400 * 86_400_000, to: now + 365 * 86_400_000, by: 'week' })
    expect(report.to).toBe(now)
    expect(report.summary.machines[0].counts.good).toBe(2400)
  })

  it('stores detected stops, coded by the fault-code rules', async () => {
    const [fault] = await service.listEvents({ from: FROM, to: TO })
    expect(fault).toMatchObject({ machine: 'M1', state: 'faulted', faultCode: 101, durationS: 900, minor: false })
    // The default fault-code rules code 101 as a jam.
    expect(fault.reason).toEqual({ categoryId: 'mechanical', reasonId: 'jam' })
    expect(fault.reasonLabel).toBe('Mechanical / Jam')
  })

  it('keeps codes and comments when the report is computed again, for another range too', async () => {
    await service.report({ from: FROM, to: TO, by: 'shift' })
    const [fault] = await service.listEvents({ from: FROM, to: TO })
    service.code([fault.id], { categoryId: 'organisational', reasonId: 'no-operator' })
    service.comment(fault.id, 'nobody at the line')
    await service.report({ from: FROM, to: TO, by: 'shift' })
    await service.report({ from: T('2024-01-10T06:05:00Z'), to: T('2024-01-10T06:20:00Z'), by: 'day' })
    const events = await service.listEvents({ from: T('2024-01-10T00:00:00Z'), to: TO, states: ['faulted'] })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ id: fault.id, reason: { categoryId: 'organisational', reasonId: 'no-operator' }, comment: 'nobody at the line' })
    expect(events[0].reasonLabel).toBe('Organisational / No operator')
    expect(await service.listEvents({ from: FROM, to: TO, uncodedOnly: true })).toHaveLength(0)
    const pareto = service.pareto({ from: FROM, to: TO })
    expect(pareto).toMatchObject([{ category: 'Organisational', minutes: 15, events: 1 }])
  })

  it('gives the same numbers as otw oee on the same samples written as a recording CSV', async () => {
    const live = await service.report({ from: FROM, to: TO, by: 'shift' })
    let out = ''
    const files: Record<string, string> = { 'machine.json': JSON.stringify(configInput), 'rec.csv': formatRecordingCsv(SERIES) }
    const code = await runOeeCommand(
      ['--config', 'machine.json', '--data', 'rec.csv', '--from', '2024-01-10T06:00:00Z', '--to', '2024-01-10T07:00:00Z', '--json'],
      {
        stdout: (s) => (out += s),
        stderr: () => {},
        readFile: async (p) => files[p],
      },
    )
    expect(code).toBe(0)
    const cli = JSON.parse(out) as LineOeeReport
    const a = cli.periods[0].machines[0]
    const b = live.summary.machines[0]
    expect([b.availability, b.performance, b.quality, b.oee]).toEqual([a.availability, a.performance, a.quality, a.oee])
    expect(b.lossMin).toEqual(a.lossMin)
    expect(live.summary.line.oee).toBe(cli.periods[0].line.oee)
  })

  it('leaves time before the first sample out of planned time by default, and lists no stop for it', async () => {
    const report = await service.report({ from: T('2024-01-10T03:00:00Z'), to: TO, by: 'shift' })
    const m = report.summary.machines[0]
    expect(report.noDataTime).toBe('exclude')
    expect(m.noDataMin).toBeCloseTo(179, 9) // 03:00–05:59
    expect(m.plannedProductionMin).toBeCloseTo(61, 9)
    expect(m.availability).toBeCloseTo(46 / 61, 12)
    expect(report.timeline[0].segments[0]).toMatchObject({ state: 'no-data', start: T('2024-01-10T03:00:00Z'), end: T('2024-01-10T05:59:00Z') })
    expect((await service.listEvents({ from: T('2024-01-10T03:00:00Z'), to: TO })).map((e) => e.state)).toEqual(['faulted'])
  })

  it('counted as breakdown: lists a no-data stretch as an uncoded stop with an id that does not depend on the range', async () => {
    service.saveNoDataTime('breakdown')
    const m = (await service.report({ from: T('2024-01-10T03:00:00Z'), to: TO, by: 'shift' })).summary.machines[0]
    expect(m.plannedProductionMin).toBeCloseTo(240, 9)
    expect(m.availability).toBeCloseTo(46 / 240, 12)
    const early = await service.listEvents({ from: T('2024-01-10T03:00:00Z'), to: TO, uncodedOnly: true })
    const gap = early.find((e) => e.state === 'no-data')!
    expect(gap.start).toBe(queryStart(T('2024-01-10T03:00:00Z')))
    expect(gap.end).toBe(T('2024-01-10T05:59:00Z'))
    const later = await service.listEvents({ from: T('2024-01-10T04:00:00Z'), to: TO, uncodedOnly: true })
    expect(later.filter((e) => e.state === 'no-data').map((e) => e.id)).toEqual([gap.id])
    expect(service.pareto({ from: T('2024-01-10T03:00:00Z'), to: TO }).find((c) => c.category === 'No data')?.minutes).toBeCloseTo(179, 9)
    // Back to leaving it out: the stop leaves the lists and the Pareto.
    service.saveNoDataTime('exclude')
    expect((await service.listEvents({ from: T('2024-01-10T03:00:00Z'), to: TO })).map((e) => e.state)).toEqual(['faulted'])
    expect(service.pareto({ from: T('2024-01-10T03:00:00Z'), to: TO }).reduce((a, c) => a + c.minutes, 0)).toBeCloseTo(15, 9)
  })
})

describe('production.db migrations', () => {
  it('go up and down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-production-db-'))
    const db = openDatabase(join(dir, 'production.db'))
    try {
      expect(migrateProductionDb(db)).toBe(4)
      expect(productionDbVersion(db)).toBe(4)
      expect(migrateProductionDb(db, 1)).toBe(1)
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'production_settings_history'").get()).toBeUndefined()
      expect(migrateProductionDb(db, 0)).toBe(0)
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'downtime_events'").get()).toBeUndefined()
      expect(migrateProductionDb(db)).toBe(4)
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('production.db migration 3 (no-data state)', () => {
  const event = (id: string, state: string, start: string) =>
    JSON.stringify({ id, machine: 'M1', start: T(start), end: T(start) + 3_600_000, durationS: 3600, state, minor: false })

  it('up: discards untouched unknown stops so they are detected again, keeps coded ones; down: no-data back to unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-production-db3-'))
    const db = openDatabase(join(dir, 'production.db'))
    try {
      migrateProductionDb(db, 2)
      const put = db.prepare('INSERT INTO downtime_events (id, machine, start_ms, end_ms, data) VALUES (?, ?, ?, ?, ?)')
      const history = db.prepare('INSERT INTO downtime_event_history (event_id, at, who, action, before, after) VALUES (?, 1, ?, ?, NULL, ?)')
      put.run('a', 'M1', T('2024-01-10T00:00:00Z'), T('2024-01-10T01:00:00Z'), event('a', 'unknown', '2024-01-10T00:00:00Z'))
      history.run('a', 'system', 'detected', event('a', 'unknown', '2024-01-10T00:00:00Z'))
      put.run('b', 'M1', T('2024-01-10T02:00:00Z'), T('2024-01-10T03:00:00Z'), event('b', 'unknown', '2024-01-10T02:00:00Z'))
      history.run('b', 'anna', 'coded', event('b', 'unknown', '2024-01-10T02:00:00Z'))
      put.run('c', 'M1', T('2024-01-10T04:00:00Z'), T('2024-01-10T05:00:00Z'), event('c', 'faulted', '2024-01-10T04:00:00Z'))
      db.prepare("INSERT INTO production_settings (key, value) VALUES ('line-config', ?)").run(JSON.stringify({ ...configInput, noDataTime: 'breakdown' }))
      db.prepare("INSERT INTO production_settings (key, value) VALUES ('reason-rules', ?)").run(
        JSON.stringify([{ state: 'no-data', reason: { categoryId: 'organisational', reasonId: 'no-operator' } }]),
      )

      expect(migrateProductionDb(db)).toBe(4)
      const ids = () =>
        db
          .prepare<{ id: string }>('SELECT id FROM downtime_events ORDER BY id')
          .all()
          .map((r) => r.id)
      expect(ids()).toEqual(['b', 'c'])
      expect(
        db
          .prepare<{ action: string }>("SELECT action FROM downtime_event_history WHERE event_id = 'a' ORDER BY seq")
          .all()
          .map((r) => r.action),
      ).toEqual(['detected', 'discarded'])

      // A no-data stop recorded by this build turns back into 'unknown' for an older one.
      put.run('d', 'M1', T('2024-01-10T06:00:00Z'), T('2024-01-10T07:00:00Z'), event('d', 'no-data', '2024-01-10T06:00:00Z'))
      history.run('d', 'system', 'detected', event('d', 'no-data', '2024-01-10T06:00:00Z'))
      expect(migrateProductionDb(db, 2)).toBe(2)
      const state = (id: string) =>
        (JSON.parse(db.prepare<{ data: string }>('SELECT data FROM downtime_events WHERE id = ?').get(id)!.data) as { state: string }).state
      expect(state('d')).toBe('unknown')
      expect(db.prepare<{ n: number }>("SELECT count(*) AS n FROM downtime_event_history WHERE after LIKE '%no-data%'").get()!.n).toBe(0)
      const setting = (key: string) =>
        JSON.parse(db.prepare<{ value: string }>('SELECT value FROM production_settings WHERE key = ?').get(key)!.value) as unknown
      expect(setting('line-config')).not.toHaveProperty('noDataTime')
      expect(setting('reason-rules')).toEqual([{ state: 'unknown', reason: { categoryId: 'organisational', reasonId: 'no-operator' } }])
      expect(migrateProductionDb(db)).toBe(4)
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('OEE settings in production.db', () => {
  let dir: string
  let historian: Historian
  let service: OeeService
  const config: OeeConfig = OeeConfigSchema.parse(configInput)
  const known = ['M1.State', 'M1.FaultCode', 'M1.Good', 'M1.Reject', 'M1.Total', 'M1.Product']
  const open = () => new OeeService({ dataDir: dir, historian, config, now: () => T('2024-01-11T00:00:00Z'), knownTags: () => known })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otw-production-settings-'))
    historian = openHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (const [tag, samples] of Object.entries(SERIES)) for (const s of samples) historian.append(tag, s.t, s.v)
    service = open()
  })
  afterEach(async () => {
    await service.close()
    historian.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('saves the machine configuration, keeps it after a restart, and recomputes with it', async () => {
    const before = (await service.report({ from: FROM, to: TO, by: 'shift' })).summary.machines[0]
    expect(before.performance).toBeCloseTo(2500 / 2700, 12)
    const machine = { ...configInput.line.machines[0], idealRatePerMin: 120, minorStopThresholdS: 1200 }
    const saved = service.saveLines([{ name: 'Test line', machines: [machine] }], 'anna')
    expect(saved.lines[0].machines[0]).toMatchObject({ idealRatePerMin: 120, minorStopThresholdS: 1200 })
    expect(saved.changes.line).toEqual([{ at: T('2024-01-11T00:00:00Z'), who: 'anna' }])
    await service.close()
    service = open()
    expect(service.settings().lines[0].machines[0].idealRatePerMin).toBe(120)
    const after = (await service.report({ from: FROM, to: TO, by: 'shift' })).summary.machines[0]
    // Ideal 2 units/s: performance halves; the 15 min fault is now a minor stop (threshold 20 min): run time is 60 min.
    expect(after.performance).toBeCloseTo(1250 / 3600, 12)
    expect(after.availability).toBe(1)
    expect(await service.listEvents({ from: FROM, to: TO })).toEqual([])
    expect((await service.listEvents({ from: FROM, to: TO, includeMinor: true }))[0]).toMatchObject({ state: 'faulted', minor: true })
  })

  it('saves how time without data counts, keeps it after a restart, and refuses anything else', async () => {
    expect(service.settings().noDataTime).toBe('exclude')
    const saved = service.saveNoDataTime('breakdown', 'anna')
    expect(saved.noDataTime).toBe('breakdown')
    expect(saved.changes.noDataTime).toEqual([{ at: T('2024-01-11T00:00:00Z'), who: 'anna' }])
    await service.close()
    service = open()
    expect(service.settings().noDataTime).toBe('breakdown')
    expect((await service.report({ from: T('2024-01-10T05:00:00Z'), to: TO, by: 'shift' })).summary.machines[0].plannedProductionMin).toBeCloseTo(120, 9)
    expect(() => service.saveNoDataTime('ignore')).toThrow(
      'Time without data not saved: noDataTime: "ignore" is not a choice — use "exclude" (leave out of planned time) or "breakdown"',
    )
    // Saving the same choice again records no change.
    service.saveNoDataTime('breakdown', 'ben')
    expect(service.settings().changes.noDataTime).toHaveLength(1)
  })

  it('refuses unknown tags, duplicate ids and a state map without running, listing every problem', async () => {
    const m = configInput.line.machines[0]
    expect(() => service.saveLines([{ name: 'L', machines: [{ ...m, state: { ...m.state, tag: 'M1.Stat' } }] }])).toThrow(
      'Machine configuration not saved: lines.0.machines.0.state.tag: line "L", M1: unknown tag "M1.Stat" — pick one from the tag list (is its connection up?)',
    )
    const problemsOf = (work: () => unknown): unknown => {
      try {
        work()
      } catch (error) {
        return (error as OeeSettingsError).problems
      }
      return undefined
    }
    expect(problemsOf(() => service.saveLines([{ name: 'L', machines: [{ ...m, state: { ...m.state, map: { '2': 'idle' } } }] }]))).toEqual([
      { path: 'lines.0.machines.0.state.map', message: 'line "L", M1: no value of M1.State means "running" — map the running value' },
    ])
    expect(problemsOf(() => service.saveLines([{ name: 'L', machines: [m, { ...m }] }]))).toEqual([
      { path: 'lines.0.machines.1.id', message: 'line "L": machine id "M1" is already used on this line — machine ids must be unique across the workstation' },
    ])
    // Unique across lines: the same machine on two lines, and two lines of one name, are refused, naming line and field.
    expect(
      problemsOf(() =>
        service.saveLines([
          { name: 'Line 1', machines: [m] },
          { name: 'Line 2', machines: [m] },
        ]),
      ),
    ).toEqual([
      {
        path: 'lines.1.machines.0.id',
        message: 'line "Line 2": machine id "M1" is already used on line "Line 1" — machine ids must be unique across the workstation',
      },
    ])
    expect(
      problemsOf(() =>
        service.saveLines([
          { id: 'a', name: 'Line 1', machines: [m] },
          { id: 'b', name: 'line 1', machines: [{ ...m, id: 'M9' }] },
        ]),
      ),
    ).toEqual([{ path: 'lines.1.name', message: 'line "line 1": the name is used by line 1 too — give each line its own name' }])
    expect(problemsOf(() => service.saveLines([{ name: '', machines: [m] }]))).toEqual([
      { path: 'lines.0.name', message: 'line 1: name: line name must not be empty' },
    ])
    expect(problemsOf(() => service.saveLines([]))).toEqual([{ path: 'lines', message: 'no line — keep at least one line with one machine' }])
    expect(() => service.saveLines([{ name: 'L', machines: [{ ...m, idealRatePerMin: undefined }] }])).toThrow(/no ideal speed/)
    // Nothing was saved.
    expect(service.settings().lines).toHaveLength(1)
    expect(service.settings().lines[0].machines).toHaveLength(1)
    expect(service.settings().changes.line).toEqual([])
  })

  it('saves the calendar: a shorter shift changes planned time; overlapping shifts are refused', async () => {
    service.saveCalendar({ timeZone: 'UTC', shifts: [{ name: 'Day', start: '06:30', end: '18:00' }] }, 'ben')
    const m = (await service.report({ from: FROM, to: TO, by: 'shift' })).summary.machines[0]
    expect(m.plannedProductionMin).toBeCloseTo(30, 9)
    expect(() =>
      service.saveCalendar({
        timeZone: 'UTC',
        shifts: [
          { name: 'A', start: '06:00', end: '14:00' },
          { name: 'B', start: '13:00', end: '22:00' },
        ],
      }),
    ).toThrow(/shifts "A" \(06:00–14:00\) and "B" \(13:00–22:00\) overlap/)
    expect(() => service.saveCalendar({ timeZone: 'Mars/Olympus', shifts: [{ name: 'A', start: '06:00', end: '14:00' }] })).toThrow(/unknown IANA time zone/)
    expect(service.ranges(T('2024-01-10T07:00:00Z')).currentShift).toMatchObject({ label: '2024-01-10 Day', from: T('2024-01-10T06:30:00Z') })
  })

  it('edits the reason tree: add, rename, retire; a retired reason is not accepted for coding', async () => {
    let tree = service.editReasons({ op: 'addCategory', name: 'Quality' }, 'anna')
    tree = service.editReasons({ op: 'addReason', categoryId: 'quality', name: 'Foam in bottle' }, 'anna')
    expect(tree.categories.at(-1)).toEqual({ id: 'quality', name: 'Quality', reasons: [{ id: 'foam-in-bottle', name: 'Foam in bottle' }] })
    service.editReasons({ op: 'renameReason', reason: { categoryId: 'quality', reasonId: 'foam-in-bottle' }, name: 'Foaming' })
    const [fault] = await service.listEvents({ from: FROM, to: TO })
    service.code([fault.id], { categoryId: 'quality', reasonId: 'foam-in-bottle' }, 'anna')
    tree = service.editReasons({ op: 'retireReason', reason: { categoryId: 'quality', reasonId: 'foam-in-bottle' }, retired: true })
    expect(tree.categories.at(-1)?.reasons[0]).toEqual({ id: 'foam-in-bottle', name: 'Foaming', retired: true })
    // Coded history keeps its label; new coding with it is refused.
    expect((await service.listEvents({ from: FROM, to: TO }))[0].reasonLabel).toBe('Quality / Foaming')
    expect(() => service.code([fault.id], { categoryId: 'quality', reasonId: 'foam-in-bottle' })).toThrow(/retired/)
    expect(() => service.editReasons({ op: 'addReason', categoryId: 'nope', name: 'x' })).toThrow(/does not exist/)
    expect(() => service.editReasons({ op: 'retireReason', reason: { categoryId: 'mechanical', reasonId: 'jam' }, retired: true })).toThrow(
      /used by a fault-code rule/,
    )
    expect(service.settings().changes.reasons).toHaveLength(4)
  })

  it('saves fault-code rules and codes uncoded stops with them; a rule on a missing machine is refused', async () => {
    service.saveRules([], 'anna')
    const [fault] = await service.listEvents({ from: FROM, to: TO })
    service.code([fault.id], null)
    service.saveRules([{ faultCodes: [101], reason: { categoryId: 'electrical', reasonId: 'drive' } }], 'anna')
    expect((await service.listEvents({ from: FROM, to: TO }))[0].reasonLabel).toBe('Electrical / Drive / motor')
    expect(() => service.saveRules([{ machine: 'M9', reason: { categoryId: 'electrical', reasonId: 'drive' } }])).toThrow(/machine "M9" is on no line/)
    expect(() => service.saveRules([{ reason: { categoryId: 'electrical', reasonId: 'drive' } }])).toThrow(/no condition/)
  })

  it('splits and merges stops with their history; refuses a split outside the stop and a merge across a stop', async () => {
    const [fault] = await service.listEvents({ from: FROM, to: TO })
    expect(() => service.split(fault.id, T('2024-01-10T06:30:00Z'))).toThrow(/strictly between/)
    const [a, b] = service.split(fault.id, T('2024-01-10T06:15:00Z'), 'anna')
    expect([a.durationS, b.durationS]).toEqual([300, 600])
    const [b1, c] = service.split(b.id, T('2024-01-10T06:20:00Z'), 'anna')
    expect(() => service.merge([a.id, c.id], 'ben')).toThrow(/not adjacent — faulted stop .* lies between them/)
    const merged = service.merge([a.id, b1.id, c.id], 'ben')
    expect(merged).toMatchObject({ id: fault.id, durationS: 900 })
    expect(service.history(fault.id).map((h) => [h.action, h.who])).toEqual([
      ['detected', 'system'],
      ['auto-coded', 'system'],
      ['split', 'anna'],
      ['merged', 'ben'],
    ])
    expect(service.history(c.id).map((h) => h.action)).toEqual(['split-from', 'merged-into'])
    expect(() => service.history('nope')).toThrow(/does not exist/)
    // A report after the edits keeps the merged stop as it is.
    await service.report({ from: FROM, to: TO, by: 'shift' })
    expect((await service.listEvents({ from: FROM, to: TO })).map((e) => e.id)).toEqual([fault.id])
  })
})
