// The alarm service: the engine fed by live values, every transition committed to alarms.db (journal, state, outbox)
// before anyone hears of it, and the requests of the alarms.* channels.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import type { ZodError } from 'zod'
import {
  alarmRuleSchema,
  type ActiveAlarm,
  type AlarmJournalEntry,
  type AlarmRule,
  type AlarmTransition,
  type OutputOf,
  scalarTagValue,
  type TagValue,
} from '../../../preload/contract'
import type { RawSeries } from '../../historian/types'
import type { NotifiedTransition } from './notification-senders'
import { AlarmEngine, AlarmEngineError, type AlarmInput, learnAnomalyBaseline, replayRules } from '..'
import { openAlarmsDb } from './alarms-db'
import { AlarmStore } from './alarm-store'
import { AlarmNotifier } from './alarm-notifier'
import type { SecretBox } from '../../secrets/secret-box'

/** The part of the historian the preview needs. */
export interface AlarmHistory {
  queryRaw(tagIds: readonly string[], from: number, to: number): Promise<RawSeries[]> | RawSeries[]
}

export interface AlarmServiceOptions {
  dataDir: string
  history: AlarmHistory
  /** Who acknowledges and shelves when a request names nobody. */
  user: string
  now?: () => number
  /** How often delays, re-alarms, shelve expiry and stale tags are checked (default 250 ms). */
  tickMs?: number
  /** Seals SMTP passwords and webhook keys. */
  box: SecretBox
  /** How long a live commit may wait for its fsync (what a power loss can take; default 1 s, see the README). */
  syncEveryMs?: number
  /** Notifier timings (tests shorten them; 0 pumpMs = only on new outbox entries and explicit pumps). */
  notify?: { pumpMs?: number; retryFirstMs?: number; retryMaxMs?: number; maxAttempts?: number }
  onNotice?(level: 'warning' | 'error', message: string): void
}

/** Rules that do not parse: each problem names the rule (by place and id) and the field. */
export class AlarmRulesError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message)
  }
}

const PREVIEW_POINTS = 2000

export class AlarmService {
  private readonly store: AlarmStore
  private readonly engine: AlarmEngine
  private readonly now: () => number
  private pending: AlarmTransition[] = []
  private readonly touched = new Set<string>()
  private readonly outboxListeners = new Set<() => void>()
  private readonly changeListeners = new Set<() => void>()
  private readonly timer: NodeJS.Timeout
  private closed = false
  readonly notifier: AlarmNotifier

  constructor(private readonly options: AlarmServiceOptions) {
    this.now = options.now ?? Date.now
    this.store = new AlarmStore(openAlarmsDb(options.dataDir), options.syncEveryMs)
    this.engine = new AlarmEngine({
      onTransition: (t) => {
        this.pending.push(t)
        this.touched.add(t.ruleId)
      },
    })
    this.notifier = new AlarmNotifier({
      db: this.store.db,
      outbox: this.store,
      box: options.box,
      now: this.now,
      rule: (id) => this.engine.rule(id),
      stillUnacknowledged: (ruleIds) => this.stillUnacknowledged(ruleIds),
      onNotice: options.onNotice,
      ...options.notify,
    })
    // The notifier runs after the value path has returned, once for any number of commits meanwhile.
    let wakeQueued = false
    this.outboxListeners.add(() => {
      if (wakeQueued) return
      wakeQueued = true
      setImmediate(() => {
        wakeQueued = false
        void this.notifier.pump()
      })
    })
    const states = this.store.states()
    const now = this.now()
    for (const rule of this.store.rules()) this.engine.upsertRule(rule, now, states.get(rule.id))
    this.commit()
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 250)
    this.timer.unref()
  }

  /** Live values, each judged at its receive time; the transitions they cause are committed before this returns. */
  ingest(values: readonly TagValue[]): void {
    if (this.closed) return
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!
      // An array tag is judged by its JSON text (rules compare scalars).
      this.engine.ingestOne(Array.isArray(value.value) ? { ...value, value: scalarTagValue(value.value) } : (value as AlarmInput), value.receiveTime, i)
    }
    if (this.pending.length > 0) this.commit()
  }

  tick(now = this.now()): void {
    if (this.closed) return
    this.engine.tick(now)
    if (this.pending.length > 0) this.commit()
    this.store.syncIfDue(now)
  }

  /** Called after transitions reach the outbox (the notifier wakes up). */
  onOutbox(listener: () => void): () => void {
    this.outboxListeners.add(listener)
    return () => this.outboxListeners.delete(listener)
  }

  /** Called after any change of what alarms.active answers. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  get outbox(): AlarmStore {
    return this.store
  }

  /** An anomaly rule without a learned baseline gets one from the history of its normal period; other rules pass as they are. */
  async prepareRule(rule: AlarmRule): Promise<AlarmRule> {
    const c = rule.condition
    if (c.kind !== 'anomaly' || c.baseline.features) return rule
    const [series] = await this.options.history.queryRaw([rule.tagId], c.baseline.from, c.baseline.to)
    const features = learnAnomalyBaseline(c, rule.tagId, series ?? { t: [], v: [] })
    return { ...rule, condition: { ...c, baseline: { ...c.baseline, features } } }
  }

  rules(): AlarmRule[] {
    return this.engine.rules().sort((a, b) => a.id.localeCompare(b.id))
  }

  saveRule(rule: AlarmRule, who?: string): AlarmRule {
    this.saveRules([rule], who)
    return rule
  }

  /** Adds or replaces rules in one transaction; a rule that existed keeps its state. */
  saveRules(rules: readonly AlarmRule[], who?: string): void {
    const now = this.now()
    this.store.saveRules(rules, who ?? this.options.user, now)
    for (const rule of rules) this.engine.upsertRule(rule, now)
    this.commit(true)
  }

  /** Removes a rule; the journal keeps who deleted it, when, its state then and its whole definition. */
  deleteRule(ruleId: string, who?: string, comment?: string): boolean {
    const rule = this.engine.rule(ruleId)
    if (!rule) return false
    this.commit()
    const now = this.now()
    this.store.deleteRule(rule, this.engine.snapshot(ruleId), who ?? this.options.user, now, comment ?? null)
    this.engine.removeRule(ruleId)
    this.notifyChange()
    return true
  }

  active(filter?: { search?: string; includeShelved?: boolean }): ActiveAlarm[] {
    const search = filter?.search?.toLowerCase()
    const out: ActiveAlarm[] = []
    for (const { rule, snapshot } of this.engine.notNormal()) {
      if (snapshot.shelvedUntil !== null && !filter?.includeShelved) continue
      if (snapshot.state === 'normal' && snapshot.shelvedUntil === null) continue
      const alarm: ActiveAlarm = {
        ruleId: rule.id,
        name: rule.name,
        tagId: rule.tagId,
        machine: rule.machine ?? null,
        severity: rule.severity,
        message: rule.message ?? null,
        state: snapshot.state,
        eventId: snapshot.eventId,
        activeSince: snapshot.activeSince,
        lastValue: snapshot.lastValue,
        shelvedUntil: snapshot.shelvedUntil,
        suppressed: snapshot.suppressed,
      }
      if (search && ![alarm.ruleId, alarm.name, alarm.tagId, alarm.machine ?? '', alarm.message ?? ''].some((s) => s.toLowerCase().includes(search))) continue
      out.push(alarm)
    }
    return out.sort((a, b) => b.severity - a.severity || (b.activeSince ?? 0) - (a.activeSince ?? 0) || a.ruleId.localeCompare(b.ruleId))
  }

  acknowledge(ruleIds: readonly string[], who?: string, comment?: string): string[] {
    const now = this.now()
    this.requireRules(ruleIds)
    const acknowledged = ruleIds.filter((id) => this.engine.acknowledge(id, who ?? this.options.user, now, comment ?? null))
    this.commit(true)
    return acknowledged
  }

  shelve(ruleIds: readonly string[], durationMs: number, who?: string, comment?: string): string[] {
    const now = this.now()
    this.requireRules(ruleIds)
    for (const id of ruleIds) this.engine.shelve(id, now + durationMs, who ?? this.options.user, now, comment ?? null)
    this.commit(true)
    return [...ruleIds]
  }

  suppress(machine: string, suppressed: boolean, who?: string): number {
    const count = this.engine.setMachineSuppressed(machine, suppressed, who ?? this.options.user, this.now())
    this.commit(true)
    return count
  }

  journal(filter?: { ruleId?: string; from?: number; to?: number; limit?: number }): AlarmJournalEntry[] {
    return this.store.journal(filter ?? {})
  }

  /** Writes the journal of a range (oldest first) into <dataDir>/exports/. */
  exportJournal(input: { from?: number; to?: number; format: 'csv' | 'json' }): { file: string; entries: number } {
    const entries = this.store.journal({ from: input.from, to: input.to, limit: 1_000_000 }).reverse()
    const dir = join(this.options.dataDir, 'exports')
    mkdirSync(dir, { recursive: true })
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-')
    const file = join(dir, `alarm-journal-${stamp}.${input.format}`)
    writeFileSync(file, input.format === 'json' ? JSON.stringify(entries, null, 2) : journalCsv(entries))
    return { file, entries: entries.length }
  }

  /** Replays `rule` over the last `hours` of recorded history. */
  async preview(draft: AlarmRule, hours: number, now = this.now()): Promise<OutputOf<'alarms.preview'>> {
    const rule = await this.prepareRule(draft)
    const from = now - hours * 3_600_000
    const [series] = await this.options.history.queryRaw([rule.tagId], from, now)
    const recorded = series ?? { tagId: rule.tagId, t: new Float64Array(0), v: new Float64Array(0), q: new Uint8Array(0) }
    const transitions = replayRules([{ ...rule, enabled: true }], [recorded], from, now)
    return {
      from,
      to: now,
      transitions,
      raised: transitions.filter((t) => t.to === 'active-unacknowledged' && t.cause !== 're-alarm').length,
      samples: recorded.t.length,
      series: decimate(recorded.t, recorded.v, PREVIEW_POINTS),
    }
  }

  exportRules(): string {
    return stringifyYaml({ rules: this.rules() })
  }

  /** All or nothing: one bad rule (or an anomaly baseline that cannot be learned) and none is imported. */
  async importRules(yaml: string, who?: string): Promise<string[]> {
    const rules = await Promise.all(parseRulesYaml(yaml).map((rule) => this.prepareRule(rule)))
    this.saveRules(rules, who)
    return rules.map((r) => r.id)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    this.commit()
    await this.notifier.close()
    this.store.close()
  }

  private stillUnacknowledged(ruleIds: readonly string[]): NotifiedTransition[] {
    const now = this.now()
    return ruleIds.flatMap((id) => {
      const rule = this.engine.rule(id)
      const s = this.engine.snapshot(id)
      if (!rule || !s || s.state !== 'active-unacknowledged' || s.shelvedUntil !== null || s.suppressed) return []
      return [
        {
          ruleId: id,
          eventId: s.eventId,
          at: now,
          from: s.state,
          to: s.state,
          cause: 're-alarm' as const,
          value: s.lastValue,
          who: null,
          comment: null,
          shelved: false,
          suppressed: false,
          ruleName: rule.name,
          tagId: rule.tagId,
          severity: rule.severity,
          machine: rule.machine ?? null,
          message: rule.message ?? null,
        },
      ]
    })
  }

  private requireRules(ruleIds: readonly string[]): void {
    const unknown = ruleIds.filter((id) => !this.engine.rule(id))
    if (unknown.length > 0) throw new AlarmEngineError('not-found', `Alarm rule ${unknown.slice(0, 5).join(', ')} does not exist — check the rule list`)
  }

  /** `byPerson`: what someone did (acknowledge, shelve, a rule saved) is synced to disk before it is answered. */
  private commit(byPerson = false): void {
    let changed = byPerson
    if (this.pending.length > 0) {
      const snapshots = [...this.touched].flatMap((id) => this.engine.snapshot(id) ?? [])
      this.store.commit(this.pending, snapshots, this.now(), byPerson)
      this.pending = []
      this.touched.clear()
      for (const listener of this.outboxListeners) listener()
      changed = true
    }
    if (changed) this.notifyChange()
  }

  private notifyChange(): void {
    for (const listener of this.changeListeners) listener()
  }
}

/** Rules from YAML: a list, or an object with `rules:`; every problem is named by place, id and field. */
export function parseRulesYaml(yaml: string): AlarmRule[] {
  let document: unknown
  try {
    document = parseYaml(yaml)
  } catch (error) {
    throw new AlarmRulesError(`The rules file is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, [])
  }
  const list = Array.isArray(document) ? document : (document as { rules?: unknown } | null)?.rules
  if (!Array.isArray(list)) throw new AlarmRulesError('The rules file holds no list of rules — write a list, or `rules:` followed by a list', [])
  const problems: string[] = []
  const rules: AlarmRule[] = []
  const seen = new Set<string>()
  list.forEach((item, index) => {
    const parsed = alarmRuleSchema.safeParse(item)
    const label = `rule ${index + 1}${typeof (item as { id?: unknown })?.id === 'string' ? ` (${(item as { id: string }).id})` : ''}`
    if (!parsed.success) problems.push(...zodProblems(parsed.error).map((p) => `${label}: ${p}`))
    else if (seen.has(parsed.data.id)) problems.push(`${label}: the id is used by an earlier rule`)
    else {
      seen.add(parsed.data.id)
      rules.push(parsed.data)
    }
  })
  if (problems.length > 0) {
    throw new AlarmRulesError(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the rules file: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''} — fix them and import again`,
      problems,
    )
  }
  return rules
}

function zodProblems(error: ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(rule)'}: ${issue.message}`)
}

const CSV_COLUMNS = ['id', 'at', 'time', 'ruleId', 'eventId', 'from', 'to', 'cause', 'value', 'who', 'comment', 'shelved', 'suppressed', 'definition'] as const

function journalCsv(entries: readonly AlarmJournalEntry[]): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v)
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  const lines = entries.map((e) =>
    [
      e.id,
      e.at,
      new Date(e.at).toISOString(),
      e.ruleId,
      e.eventId,
      e.from,
      e.to,
      e.cause,
      e.value,
      e.who,
      e.comment,
      e.shelved,
      e.suppressed,
      e.definition ? JSON.stringify(e.definition) : null,
    ]
      .map(cell)
      .join(','),
  )
  return [CSV_COLUMNS.join(','), ...lines].join('\n') + '\n'
}

/** At most `points` points, keeping each slice's minimum and maximum so a short spike still shows. */
function decimate(t: ArrayLike<number>, v: ArrayLike<number>, points: number): { t: number[]; v: (number | null)[] } {
  const out = { t: [] as number[], v: [] as (number | null)[] }
  const push = (i: number): void => {
    out.t.push(t[i]!)
    out.v.push(Number.isNaN(v[i]!) ? null : v[i]!)
  }
  if (t.length <= points) {
    for (let i = 0; i < t.length; i++) push(i)
    return out
  }
  const slice = Math.ceil(t.length / (points / 2))
  for (let start = 0; start < t.length; start += slice) {
    const end = Math.min(t.length, start + slice)
    let lo = start
    let hi = start
    for (let i = start; i < end; i++) {
      if (Number.isNaN(v[i]!)) {
        lo = hi = i
        break
      }
      if (v[i]! < v[lo]!) lo = i
      if (v[i]! > v[hi]!) hi = i
    }
    push(Math.min(lo, hi))
    if (lo !== hi) push(Math.max(lo, hi))
  }
  return out
}
