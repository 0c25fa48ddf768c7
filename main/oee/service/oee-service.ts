import type { OeeEvent, OeeEventHistory, OeeMachineResult, OeePareto, OeePeriod, OeeReasonEdit, OeeReasonTree, OeeReport, OeeSegment, OeeSettings } from '../../../preload/contract/oee'
import type { Database } from '../../database/sqlite'
import { calendarRanges, computeLineOee, DowntimeEventError, DowntimeEventService, NoDataTimeSchema, type NoDataTime, type CalendarRanges, type ReasonRule, type SampleColumns, rankDowntimeByReason, type DowntimeEvent, type LinePeriodResult, type MachineOeeResult, type OeeConfig, type PeriodKind, type TagSeries } from '..'
import { buildStateTimeline, timelineSpan } from '../state-timeline'
import { configTags, demoLineConfig } from './demo-line-config'
import { DEFAULT_REASON_RULES, DEFAULT_REASON_TREE } from './default-reasons'
import { checkCalendar, checkLine, checkRules, OeeSettingsError } from './oee-settings'
import { openProductionDb } from './production-db'
import { SqliteDowntimeEventStore } from './sqlite-downtime-event-store'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** What the service reads from the historian: raw samples (flushed and buffered) and the sample before a time. */
export interface OeeHistorySource {
  queryRaw(tagIds: string[], from: number, to: number): { tagId: string; t: Float64Array | number[]; v: Float64Array | number[] }[]
  valueAt(tagIds: string[], t: number, mode?: 'previous' | 'interpolated'): ({ t: number; v: number } | null)[]
}

export interface OeeServiceOptions {
  dataDir: string
  historian: OeeHistorySource
  /** Line config to use the first time (default: the demo plant's Line1); stored in production.db afterwards. */
  config?: OeeConfig
  now?: () => number
  /** Tag ids the workstation knows now (the tag list); settings naming other tags are refused. */
  knownTags?: () => readonly string[]
}

export interface EventFilter {
  from: number
  to: number
  machine?: string
  uncodedOnly?: boolean
  includeMinor?: boolean
  states?: DowntimeEvent['state'][]
}

const CONFIG_KEY = 'line-config'
// History keys of production_settings_history (the config itself is one value under CONFIG_KEY).
const LINE_KEY = 'machines'
const CALENDAR_KEY = 'calendar'
const RULES_KEY = 'reason-rules'
const REASONS_KEY = 'reason-tree'
const NO_DATA_KEY = 'no-data-time'
const OPERATOR = 'operator'

/**
 * Queries start on a fixed grid (UTC day, at least 6 h before the range) so an event cut by the query start gets the
 * same id whatever range a person picks: codes and comments then survive recomputation.
 */
export function queryStart(from: number): number {
  return Math.floor((from - 6 * HOUR) / DAY) * DAY
}

const minutes = (s: number): number => s / 60

/** OEE of the line from the historian on demand, with downtime events stored in production.db. */
export class OeeService {
  private current: OeeConfig
  private readonly db: Database
  private readonly store: SqliteDowntimeEventStore
  private readonly events: DowntimeEventService
  private readonly now: () => number

  constructor(private readonly options: OeeServiceOptions) {
    this.now = options.now ?? Date.now
    this.db = openProductionDb(options.dataDir)
    this.store = new SqliteDowntimeEventStore(this.db)
    this.events = new DowntimeEventService(this.store, { now: this.now })
    if (this.store.getReasonTree().categories.length === 0) {
      this.store.putReasonTree(DEFAULT_REASON_TREE)
      this.store.putRules(DEFAULT_REASON_RULES)
    }
    const stored = this.store.getSetting<OeeConfig>(CONFIG_KEY)
    this.current = stored ?? options.config ?? demoLineConfig()
    if (!stored) this.store.putSetting(CONFIG_KEY, this.current)
  }

  get config(): OeeConfig {
    return this.current
  }

  /** How time without data counts (a config stored before the setting existed means the default). */
  get noDataTime(): NoDataTime {
    return this.current.noDataTime ?? 'exclude'
  }

  settings(): OeeSettings {
    const changes = (key: string) => this.store.settingsHistory(key, 5).map(({ at, who }) => ({ at, who }))
    return {
      line: this.current.line,
      calendar: this.current.calendar,
      rules: this.store.getRules(),
      noDataTime: this.noDataTime,
      changes: {
        line: changes(LINE_KEY),
        calendar: changes(CALENDAR_KEY),
        rules: changes(RULES_KEY),
        reasons: changes(REASONS_KEY),
        noDataTime: changes(NO_DATA_KEY),
      },
    }
  }

  /**
   * Saves a new config (history kept). Stops nobody touched are detected again under it; coded, commented, split or
   * merged ones stay as people left them. Every report after this computes with the new settings.
   */
  private saveConfig(next: OeeConfig, key: string, before: unknown, after: unknown, who: string): void {
    this.store.transaction(() => {
      this.store.putSetting(CONFIG_KEY, next)
      this.store.recordSettingChange(key, before, after, this.now(), who)
      this.store.discardUntouchedEvents(this.now(), who)
    })
    this.current = next
  }

  saveLine(input: unknown, who = OPERATOR): OeeSettings {
    const known = this.options.knownTags ? new Set(this.options.knownTags()) : null
    const line = checkLine(input, known, new Set(configTags(this.current)))
    this.saveConfig({ ...this.current, line }, LINE_KEY, this.current.line, line, who)
    return this.settings()
  }

  saveCalendar(input: unknown, who = OPERATOR): OeeSettings {
    const calendar = checkCalendar(input)
    this.saveConfig({ ...this.current, calendar }, CALENDAR_KEY, this.current.calendar, calendar, who)
    return this.settings()
  }

  /**
   * Saves how time without data counts. Left out: no-data stretches leave planned production time and the stop
   * lists; as breakdown: they are stops again (detected anew, like every untouched stop after a settings change).
   */
  saveNoDataTime(input: unknown, who = OPERATOR): OeeSettings {
    const parsed = NoDataTimeSchema.safeParse(input)
    if (!parsed.success)
      throw new OeeSettingsError('Time without data', [{ path: 'noDataTime', message: `"${String(input)}" is not a choice — use "exclude" (leave out of planned time) or "breakdown"` }])
    if (parsed.data !== this.noDataTime) this.saveConfig({ ...this.current, noDataTime: parsed.data }, NO_DATA_KEY, this.noDataTime, parsed.data, who)
    return this.settings()
  }

  /** Saves the fault-code rules and codes every uncoded stop that a rule now matches. */
  saveRules(rules: readonly ReasonRule[], who = OPERATOR): OeeSettings {
    const checked = checkRules(rules, this.store.getReasonTree(), this.current.line.machines.map((m) => m.id))
    this.store.transaction(() => {
      this.store.recordSettingChange(RULES_KEY, this.store.getRules(), checked, this.now(), who)
      this.store.putRules(checked)
      this.events.applyRules()
    })
    return this.settings()
  }

  editReasons(edit: OeeReasonEdit, who = OPERATOR): OeeReasonTree {
    this.store.transaction(() => {
      const before = this.store.getReasonTree()
      const e = this.events
      if (edit.op === 'addCategory') e.addCategory(edit.name)
      else if (edit.op === 'addReason') e.addReason(edit.categoryId, edit.name)
      else if (edit.op === 'renameCategory') e.renameCategory(edit.categoryId, edit.name)
      else if (edit.op === 'renameReason') e.renameReason(edit.reason, edit.name)
      else if (edit.op === 'retireCategory') e.retireCategory(edit.categoryId, edit.retired)
      else e.retireReason(edit.reason, edit.retired)
      this.store.recordSettingChange(REASONS_KEY, before, this.store.getReasonTree(), this.now(), who)
    })
    return this.store.getReasonTree()
  }

  /** Shift, day and week ranges from the configured calendar, in the plant's time zone. */
  ranges(now = this.now()): CalendarRanges {
    return calendarRanges(this.current.calendar, now)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** The tags each machine's counters read: these come back as columns, never as one object per sample. */
  private counterTags(): Set<string> {
    return new Set(this.config.line.machines.flatMap((m) => [m.counters.totalTag, m.counters.goodTag, m.counters.rejectTag].filter((t): t is string => !!t)))
  }

  /**
   * Per-tag series from the grid-aligned query start to `to`, with the sample before it as the starting state.
   * Counter tags come as columns (`counterColumns`): a month at 1 Hz is millions of readings.
   */
  series(from: number, to: number): { series: TagSeries; counterColumns: Record<string, SampleColumns>; start: number } {
    const start = queryStart(from)
    const tags = configTags(this.config)
    const counters = this.counterTags()
    const stateTags = new Set(this.config.line.machines.flatMap((m) => (m.state.kind === 'enum' ? [m.state.tag] : [m.state.runningTag])))
    const before = this.options.historian.valueAt(tags, start - 1, 'previous')
    const raw = this.options.historian.queryRaw(tags, start, to)
    const series: TagSeries = {}
    const counterColumns: Record<string, SampleColumns> = {}
    tags.forEach((tag, i) => {
      const prev = before[i]
      const r = raw.find((x) => x.tagId === tag)
      if (counters.has(tag) && !stateTags.has(tag)) {
        const empty = new Float64Array(0)
        counterColumns[tag] = { t: r?.t ?? empty, v: r?.v ?? empty, ...(prev && Number.isFinite(prev.v) ? { before: { t: prev.t, v: prev.v } } : {}) }
        return
      }
      const samples: { t: number; v: number }[] = []
      if (prev && Number.isFinite(prev.v)) samples.push({ t: prev.t, v: prev.v })
      else if (stateTags.has(tag)) samples.push({ t: start, v: Number.NaN }) // no data before: unknown from the grid start
      if (r)
        for (let k = 0; k < r.t.length; k++) {
          const v = r.v[k]
          // A gap is not a count; a state gap is kept (NaN is 'unknown').
          if (!Number.isFinite(v) && !stateTags.has(tag)) continue
          if (samples.length && samples[samples.length - 1].t === r.t[k]) samples[samples.length - 1] = { t: r.t[k], v }
          else samples.push({ t: r.t[k], v })
        }
      series[tag] = samples
    })
    return { series, counterColumns, start }
  }

  /** Reads the range from the historian and computes the line: the whole range, and per shift, day or week. */
  compute(input: { from: number; to: number; by: Exclude<PeriodKind, 'range'> }) {
    const range = this.clampRange(input.from, input.to)
    const { series, counterColumns } = this.series(range.from, range.to)
    const result = computeLineOee({ config: this.config, series, counterColumns, range, by: 'range', alsoBy: [input.by] })
    return { range, series, result, trend: result.alsoPeriods?.[input.by] ?? [] }
  }

  private clampRange(from: number, to: number): { from: number; to: number } {
    const end = Math.min(to, this.now())
    return { from, to: Math.max(from + 1000, end) }
  }

  report(input: { from: number; to: number; by: Exclude<PeriodKind, 'range'> }): OeeReport {
    const { range, series, result: whole, trend } = this.compute(input)
    this.upsertDetected(whole.events)
    const timeline = this.config.line.machines.map((m) => {
      const segments = buildStateTimeline(m.state, series, timelineSpan(m.state, series, range))
      const clipped: OeeSegment[] = []
      for (const s of segments) {
        const start = Math.max(s.start, range.from)
        const end = Math.min(s.end, range.to)
        if (end <= start) continue
        clipped.push(s.faultCode !== undefined ? { start, end, state: s.state, faultCode: s.faultCode } : { start, end, state: s.state })
      }
      return { machine: m.id, segments: clipped }
    })
    return {
      line: this.config.line.name,
      timeZone: this.config.calendar.timeZone,
      from: range.from,
      to: range.to,
      by: input.by,
      noDataTime: this.noDataTime,
      summary: this.period(whole.periods[0]),
      periods: trend.map((p) => this.period(p)),
      timeline,
      warnings: [...new Set([...whole.warnings])],
    }
  }

  private period(p: LinePeriodResult): OeePeriod {
    return {
      label: p.period.label,
      kind: p.period.kind,
      start: p.period.start,
      end: p.period.end,
      line: p.line,
      bottleneck: p.bottleneck,
      output: p.output,
      machines: p.machines.map((m) => this.machineResult(m)),
    }
  }

  private machineResult(m: MachineOeeResult): OeeMachineResult {
    const lossSum = Object.values(m.lossMin).reduce((a, b) => a + b, 0)
    const plannedProductionMin = minutes(m.plannedProductionS)
    return {
      machine: m.machine,
      name: this.config.line.machines.find((x) => x.id === m.machine)?.name ?? m.machine,
      availability: m.availability,
      performance: m.performance,
      quality: m.quality,
      oee: m.oee,
      scheduledMin: minutes(m.scheduledS),
      calendarPlannedStopMin: minutes(m.calendarPlannedStopS),
      plannedStopStateMin: minutes(m.plannedStopStateS),
      plannedProductionMin,
      noDataMin: minutes(m.noDataS),
      noDataBreakdownMin: m.noDataBreakdownMin,
      runMin: minutes(m.runS),
      blockedStarvedMin: minutes(m.blockedStarvedS),
      blockedStarvedLossMin: m.blockedStarvedLossMin,
      fullyProductiveMin: plannedProductionMin - lossSum - m.blockedStarvedLossMin,
      stateMin: Object.fromEntries(Object.entries(m.stateS).map(([k, v]) => [k, minutes(v)])),
      counts: { total: m.counts.total, good: m.counts.good, reject: m.counts.reject },
      lossMin: m.lossMin,
      lossUnits: m.lossUnits,
      flags: m.flags,
    }
  }

  /**
   * Stores detected events. An event already stored keeps its code and comment (only its end moves while it is open);
   * one that overlaps a stored stop of the same machine and state is that stop seen from another range; ids that were
   * merged away or split by hand are not brought back.
   */
  private upsertDetected(detected: readonly DowntimeEvent[]): void {
    const fresh: DowntimeEvent[] = []
    for (const e of detected) {
      if (this.store.getEvent(e.id)) {
        fresh.push(e)
        continue
      }
      if (this.store.wasMergedAway(e.id)) continue
      const same = this.store.listEvents({ machine: e.machine, from: e.start, to: e.end }).find((x) => x.state === e.state && x.faultCode === e.faultCode)
      if (same) {
        if (e.end > same.end) fresh.push({ ...same, end: e.end, durationS: (e.end - same.start) / 1000, minor: same.minor && e.minor })
        continue
      }
      fresh.push(e)
    }
    this.events.recordDetected(fresh)
  }

  /** Detects events in the range (so new stops appear) and lists the stored ones. */
  listEvents(filter: EventFilter): OeeEvent[] {
    const range = this.clampRange(filter.from, filter.to)
    const { series, counterColumns } = this.series(range.from, range.to)
    this.upsertDetected(computeLineOee({ config: this.config, series, counterColumns, range, by: 'range' }).events)
    return this.store
      .listEvents({ from: filter.from, to: filter.to, machine: filter.machine })
      .filter(
        (e) =>
          e.state !== 'running' &&
          (e.state !== 'no-data' || this.noDataTime === 'breakdown') &&
          (filter.includeMinor || !e.minor) &&
          (!filter.uncodedOnly || (!e.reason && e.state !== 'planned-stop')) &&
          (!filter.states || filter.states.includes(e.state)),
      )
      .map((e) => this.toContract(e))
  }

  private toContract(e: DowntimeEvent): OeeEvent {
    if (!e.reason) return e
    const category = this.store.getReasonTree().categories.find((c) => c.id === e.reason!.categoryId)
    const reason = category?.reasons.find((r) => r.id === e.reason!.reasonId)
    return { ...e, reasonLabel: `${category?.name ?? e.reason.categoryId} / ${reason?.name ?? e.reason.reasonId}` }
  }

  /** Codes (or, with null, uncodes) many events in one transaction. */
  code(ids: readonly string[], reason: { categoryId: string; reasonId: string } | null, who = OPERATOR): OeeEvent[] {
    return this.store.transaction(() => ids.map((id) => (reason ? this.events.code(id, reason, who) : this.events.uncode(id, who)))).map((e) => this.toContract(e))
  }

  comment(id: string, text: string, who = OPERATOR): OeeEvent {
    return this.toContract(this.events.comment(id, text, who))
  }

  split(id: string, at: number, who = OPERATOR): OeeEvent[] {
    return this.events.split(id, at, who).map((e) => this.toContract(e))
  }

  merge(ids: readonly string[], who = OPERATOR): OeeEvent {
    return this.toContract(this.events.merge(ids, who))
  }

  /** Every change to the event, oldest first (an id that was merged away still has its history). */
  history(id: string): OeeEventHistory {
    const entries = this.events.history(id)
    if (entries.length === 0) throw new DowntimeEventError(`downtime event ${id} does not exist — list events to find it`, 'not-found')
    return entries.map((h) => ({ ...h, before: h.before && this.toContract(h.before), after: h.after && this.toContract(h.after) }))
  }

  reasons(): OeeReasonTree {
    return this.store.getReasonTree()
  }

  /** Downtime by reason within the range (events clipped to it), ranked by minutes. */
  pareto(input: { from: number; to: number; machine?: string }): OeePareto {
    const events = this.store
      .listEvents({ from: input.from, to: input.to, machine: input.machine })
      .filter((e) => e.state !== 'no-data' || this.noDataTime === 'breakdown')
      .map((e) => ({ ...e, durationS: (Math.min(e.end, input.to) - Math.max(e.start, input.from)) / 1000 }))
    return rankDowntimeByReason(events, this.store.getReasonTree())
  }
}
