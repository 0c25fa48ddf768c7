import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { alarmRuleSchema, type AlarmRuleInput, type TagValue } from '../../../preload/contract'
import { Historian } from '../../historian/historian'
import { tempDir } from '../../historian/test-helpers'
import { openDatabase } from '../../database/sqlite'
import { ALARMS_DB_FILE, ALARMS_SCHEMA_TABLE, migrateAlarmsDb } from './alarms-db'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { AlarmRulesError, AlarmService, type AlarmHistory } from './alarm-service'

const TAG = 'Line1.Capper.HeadTemperature'
const rule = (extra: Partial<AlarmRuleInput> = {}) =>
  alarmRuleSchema.parse({
    id: 'head-hot',
    name: 'Capper head hot',
    tagId: TAG,
    machine: 'Capper',
    condition: { kind: 'high', limit: 80, deadband: 2 },
    ...extra,
  })
const value = (at: number, v: number): TagValue => ({ tagId: TAG, value: v, quality: { status: 'good' }, sourceTime: at, receiveTime: at })

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

function open(dir: string, clock: { now: number }, history: AlarmHistory = { queryRaw: () => [] }): AlarmService {
  const service = new AlarmService({ dataDir: dir, history, user: 'tester', now: () => clock.now, tickMs: 60_000, box: KeyFileSecretBox.inDataDir(dir) })
  cleanups.push(() => void service.close())
  return service
}

/** Every transition that went into the outbox (with no target, the notifier marks them dispatched at once). */
const outboxStates = (service: AlarmService): string[] =>
  service.outbox.db
    .prepare<{ to_state: string }>('SELECT j.to_state FROM alarm_outbox o JOIN alarm_journal j ON j.id = o.journal_id ORDER BY o.id')
    .all()
    .map((r) => r.to_state)

describe('alarm service on a real alarms.db', () => {
  it('a restart during an active alarm: state, journal and outbox survive; the same breach does not fire again', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const clock = { now: 1_000 }
    const first = open(tmp.dir, clock)
    first.saveRule(rule())
    first.ingest([value(1_000, 85)])
    expect(first.active().map((a) => [a.ruleId, a.state, a.eventId])).toEqual([['head-hot', 'active-unacknowledged', 'head-hot#1']])
    expect(outboxStates(first)).toEqual(['active-unacknowledged'])
    await first.close()

    clock.now = 10_000
    const second = open(tmp.dir, clock)
    expect(second.active().map((a) => a.state)).toEqual(['active-unacknowledged'])
    second.ingest([value(10_000, 86)])
    expect(second.journal().map((j) => j.cause)).toEqual(['condition'])
    expect(outboxStates(second)).toEqual(['active-unacknowledged'])
    expect(second.acknowledge(['head-hot'])).toEqual(['head-hot'])
    second.ingest([value(11_000, 77)])
    expect(second.active()).toEqual([])
    expect(second.journal().map((j) => `${j.from}>${j.to} ${j.cause} ${j.who ?? ''} ${String(j.value)}`)).toEqual([
      'active-acknowledged>normal condition  77',
      'active-unacknowledged>active-acknowledged acknowledge tester 86',
      'normal>active-unacknowledged condition  85',
    ])
    // The raise and the clear are to be notified; the acknowledgement is not.
    expect(outboxStates(second)).toEqual(['active-unacknowledged', 'normal'])
  })

  it('shelve and suppress through the service; an unknown rule is named', () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const clock = { now: 0 }
    const service = open(tmp.dir, clock)
    service.saveRule(rule())
    service.ingest([value(0, 90)])
    service.shelve(['head-hot'], 60_000, 'ben', 'sensor swap')
    expect(service.active()).toEqual([])
    expect(service.active({ includeShelved: true })[0]).toMatchObject({ ruleId: 'head-hot', shelvedUntil: 60_000 })
    clock.now = 61_000
    service.tick()
    expect(service.active()[0]).toMatchObject({ shelvedUntil: null, state: 'active-unacknowledged' })
    expect(service.suppress('Capper', true)).toBe(1)
    expect(() => service.acknowledge(['no-such-rule'])).toThrow(/Alarm rule no-such-rule does not exist/)
  })

  it('exports the journal as CSV and JSON into the exports folder', () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const service = open(tmp.dir, { now: 5_000 })
    service.saveRule(rule({ message: 'check the "cooling", now' }))
    service.ingest([value(1_000, 90), value(2_000, 10)])
    const csv = service.exportJournal({ format: 'csv' })
    expect(csv.entries).toBe(2)
    const lines = readFileSync(csv.file, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('id,at,time,ruleId,eventId,from,to,cause,value,who,comment,shelved,suppressed,definition')
    expect(lines[1]).toBe('1,1000,1970-01-01T00:00:01.000Z,head-hot,head-hot#1,normal,active-unacknowledged,condition,90,,,false,false,')
    const json = service.exportJournal({ format: 'json', from: 1_500 })
    expect(JSON.parse(readFileSync(json.file, 'utf8'))).toMatchObject([{ to: 'cleared-unacknowledged', value: 10 }])
  })

  it('deleting a rule is journaled (who, when, its state then, the reason and its whole definition), survives a restart and is exported', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const clock = { now: 1_000 }
    const service = open(tmp.dir, clock)
    const hot = rule({ message: 'check the cooling', onDelayMs: 0, severity: 800 })
    service.saveRule(hot)
    service.ingest([value(1_000, 95)])
    clock.now = 7_000
    expect(service.deleteRule('head-hot', 'maria', 'sensor replaced')).toBe(true)
    expect(service.deleteRule('head-hot', 'maria')).toBe(false)
    expect(service.rules()).toEqual([])
    expect(service.active()).toEqual([])
    const [deletion] = service.journal()
    expect(deletion).toMatchObject({
      ruleId: 'head-hot',
      at: 7_000,
      cause: 'rule-deleted',
      from: 'active-unacknowledged',
      to: 'normal',
      who: 'maria',
      comment: 'sensor replaced',
      value: 95,
      definition: hot,
    })
    await service.close()
    const again = open(tmp.dir, clock)
    expect(again.rules()).toEqual([])
    expect(again.journal()[0]).toMatchObject({ cause: 'rule-deleted', definition: hot })
    const csv = readFileSync(again.exportJournal({ format: 'csv' }).file, 'utf8')
      .trim()
      .split('\n')
    expect(csv.at(-1)).toContain(',rule-deleted,95,maria,sensor replaced,false,false,')
    expect(JSON.parse(csv.at(-1)!.slice(csv.at(-1)!.indexOf('"{')).slice(1, -1).replace(/""/g, '"'))).toEqual(hot)
    const json = JSON.parse(readFileSync(again.exportJournal({ format: 'json' }).file, 'utf8')) as Array<{ cause: string; definition: unknown }>
    expect(json.find((e) => e.cause === 'rule-deleted')!.definition).toEqual(hot)
  })

  it('durability: live commits are synced within syncEveryMs (by the next commit or tick), what a person did at once', () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const clock = { now: 10_000 }
    const service = open(tmp.dir, clock)
    service.saveRule(rule())
    // The save was synced; a value within the second after it stays in the WAL until the next sync.
    clock.now = 10_100
    service.ingest([value(10_100, 90)])
    expect(service.outbox.notSyncedSince()).toBe(10_100)
    clock.now = 10_500
    service.tick()
    expect(service.outbox.notSyncedSince()).toBe(10_100)
    clock.now = 11_200
    service.tick()
    expect(service.outbox.notSyncedSince()).toBeNull()
    clock.now = 11_300
    service.ingest([value(11_300, 10)])
    expect(service.outbox.notSyncedSince()).toBe(11_300)
    service.acknowledge(['head-hot'])
    expect(service.outbox.notSyncedSince()).toBeNull()
  })

  it('rules round-trip through YAML; a bad file names the rule and the field and imports nothing', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const service = open(tmp.dir, { now: 0 })
    service.saveRule(rule({ onDelayMs: 5000 }))
    const yaml = service.exportRules()
    expect(yaml).toContain('onDelayMs: 5000')
    const other = tempDir()
    cleanups.push(other.remove)
    const copy = open(other.dir, { now: 0 })
    expect(await copy.importRules(yaml)).toEqual(['head-hot'])
    expect(copy.rules()).toEqual(service.rules())
    const bad =
      'rules:\n  - id: ok\n    name: fine\n    tagId: a\n    condition: { kind: low, limit: 1 }\n  - id: broken\n    name: b\n    tagId: a\n    condition: { kind: high, limit: hot }\n'
    await expect(copy.importRules(bad)).rejects.toThrow(AlarmRulesError)
    await expect(copy.importRules(bad)).rejects.toThrow(/rule 2 \(broken\): condition.limit/)
    expect(copy.rules().map((r) => r.id)).toEqual(['head-hot'])
    await expect(copy.importRules('rules: [')).rejects.toThrow(/not valid YAML/)
  })

  it('preview replays a rule over recorded history from a real historian file', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const historian = new Historian({ file: join(tmp.dir, 'h.otwh'), flushIntervalMs: 0 })
    cleanups.push(() => historian.close())
    const hour = 3_600_000
    const start = 10 * hour
    // 80.5 °C for ten minutes an hour into the two recorded hours; 70 °C otherwise, one sample a second.
    for (let t = start; t < start + 2 * hour; t += 1000) historian.append(TAG, t, t >= start + hour && t < start + hour + 600_000 ? 85 : 70)
    historian.flush()
    const service = open(tmp.dir, { now: start + 2 * hour }, historian)
    const preview = await service.preview(rule({ onDelayMs: 60_000 }), 3)
    expect(preview.samples).toBe(7200)
    expect(preview.raised).toBe(1)
    expect(preview.transitions.map((t) => `${t.at - start} ${t.to}`)).toEqual([
      `${hour} pending`,
      `${hour + 60_000} active-unacknowledged`,
      `${hour + 600_000} cleared-unacknowledged`,
    ])
    expect(preview.series.t.length).toBeLessThanOrEqual(2000)
    expect(Math.max(...preview.series.v.map((v) => v ?? 0))).toBe(85)
  })

  it('an anomaly rule learns its baseline from the normal period when it is prepared, and says when it cannot', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    const historian = new Historian({ file: join(tmp.dir, 'h.otwh'), flushIntervalMs: 0 })
    cleanups.push(() => historian.close())
    // 1.5 mm/s with a little noise for an hour, then a rise.
    for (let s = 0; s < 5400; s++) historian.append(TAG, s * 1000, s < 3600 ? 1.5 + 0.05 * Math.sin(s) : 1.5 + (s - 3600) / 300)
    historian.flush()
    const service = open(tmp.dir, { now: 5400 * 1000 }, historian)
    const draft = rule({ condition: { kind: 'anomaly', windowMs: 60_000, baseline: { from: 0, to: 1_800_000 } } })
    const prepared = await service.prepareRule(draft)
    expect(prepared.condition.kind === 'anomaly' && prepared.condition.baseline.features?.map((f) => f.name)).toEqual(['median', 'p90'])
    const preview = await service.preview(draft, 2)
    expect(preview.transitions.find((t) => t.to === 'active-unacknowledged')!.at).toBeGreaterThan(3_600_000)
    const tooShort = rule({ condition: { kind: 'anomaly', windowMs: 60_000, baseline: { from: 0, to: 120_000 } } })
    await expect(service.prepareRule(tooShort)).rejects.toThrow(/only 2 windows of 60 s .* pick a longer normal period/)
  })

  it('alarms.db has its own numbered migrations, down and up again', async () => {
    const tmp = tempDir()
    cleanups.push(tmp.remove)
    await open(tmp.dir, { now: 0 }).close()
    expect(existsSync(join(tmp.dir, ALARMS_DB_FILE))).toBe(true)
    const db = openDatabase(join(tmp.dir, ALARMS_DB_FILE))
    cleanups.push(() => db.close())
    expect(migrateAlarmsDb(db, 0)).toBe(0)
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN ('alarm_rules', 'alarm_states', 'alarm_journal', 'alarm_outbox')`).get()).toEqual({
      n: 0,
    })
    expect(migrateAlarmsDb(db)).toBe(3)
    expect(db.prepare(`SELECT max(version) AS v FROM ${ALARMS_SCHEMA_TABLE}`).get()).toEqual({ v: 3 })
  })
})
