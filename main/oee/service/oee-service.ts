import { WorkbenchError } from '../../../preload/contract'
import type { OeeEvent, OeeEventHistory, OeePareto, OeeReasonEdit, OeeReasonTree, OeeReport, OeeSettings } from '../../../preload/contract/oee'
import type { Database } from '../../database/sqlite'
import {
  calendarRanges,
  DowntimeEventError,
  DowntimeEventService,
  NoDataTimeSchema,
  type NoDataTime,
  type CalendarRanges,
  type ReasonRule,
  rankDowntimeByReason,
  type DowntimeEvent,
  type OeeConfig,
  OeeConfigSchema,
  type PeriodKind,
  findLine,
} from '..'
import { allMachines, configTags, demoLineConfig, lineOnly } from './demo-line-config'
import { siteOee } from './site-oee'
import { DEFAULT_REASON_RULES, DEFAULT_REASON_TREE } from './default-reasons'
import type { OeeHistoryRead, RawColumns } from './oee-computation'
import { checkCalendar, checkLines, checkRules, OeeSettingsError } from './oee-settings'
import { OeeThread } from './oee-thread-client'
import { openProductionDb } from './production-db'
import { SqliteDowntimeEventStore } from './sqlite-downtime-event-store'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * What the service reads from the historian: raw samples (flushed and buffered) and the sample before a time. The
 * threaded historian answers with promises (its thread reads); a historian opened in this thread (tests, the bench)
 * may answer directly.
 */
export interface OeeHistorySource {
  queryRaw(tagIds: string[], from: number, to: number): Promise<RawColumns[]> | RawColumns[]
  valueAt(tagIds: string[], t: number, mode?: 'previous' | 'interpolated'): Promise<({ t: number; v: number } | null)[]> | ({ t: number; v: number } | null)[]
}

/** The longest range one report or stop list computes (a year and its edges; the view's presets are a week at most). */
export const MAX_OEE_RANGE_DAYS = 400

export interface OeeServiceOptions {
  dataDir: string
  historian: OeeHistorySource
  /** Lines and calendar to use the first time (default: the demo plant's Line1); stored in production.db afterwards. */
  config?: OeeConfig
  now?: () => number
  /** Tag ids the workstation knows now (the tag list); settings naming other tags are refused. */
  knownTags?: () => readonly string[]
}

export interface EventFilter {
  from: number
  to: number
  machine?: string
  /** Only stops of this line's machines (id or name). */
  line?: string
  uncodedOnly?: boolean
  includeMinor?: boolean
  states?: DowntimeEvent['state'][]
}

/** Stops checked or stored between two turns of the event loop (a slice takes a few milliseconds). */
const UPSERT_SLICE = 250
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

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

/** OEE of every line and the site from the historian on demand, with downtime events stored in production.db. */
export class OeeService {
  private current: OeeConfig
  private readonly db: Database
  private readonly store: SqliteDowntimeEventStore
  private readonly events: DowntimeEventService
  private readonly now: () => number
  private readonly thread = new OeeThread()

  constructor(private readonly options: OeeServiceOptions) {
    this.now = options.now ?? Date.now
    this.db = openProductionDb(options.dataDir)
    this.store = new SqliteDowntimeEventStore(this.db)
    this.events = new DowntimeEventService(this.store, { now: this.now })
    if (this.store.getReasonTree().categories.length === 0) {
      this.store.putReasonTree(DEFAULT_REASON_TREE)
      this.store.putRules(DEFAULT_REASON_RULES)
    }
    const raw = this.store.getSetting<unknown>(CONFIG_KEY)
    // Migration 4 stored the lines shape; a value the schema refuses is still used as stored (a person can fix it).
    const parsed = raw === undefined ? undefined : OeeConfigSchema.safeParse(raw)
    const stored = parsed === undefined ? undefined : parsed.success ? parsed.data : (raw as OeeConfig)
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
      lines: this.current.lines,
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

  /** Saves every line (a line left out is removed, a new id is a new line); history keeps the lines before and after. */
  saveLines(input: unknown, who = OPERATOR): OeeSettings {
    const known = this.options.knownTags ? new Set(this.options.knownTags()) : null
    const lines = checkLines(input, known, new Set(configTags(this.current)))
    this.saveConfig({ ...this.current, lines }, LINE_KEY, this.current.lines, lines, who)
    return this.settings()
  }

  /** The machine ids of this line (id or name), to keep a list to it; null when no line is asked for (every machine). */
  private machineIdsOf(idOrName: string | undefined): ReadonlySet<string> | null {
    return idOrName === undefined ? null : new Set(this.line(idOrName).machines.map((m) => m.id))
  }

  /** The line with this id (or name); the first line when none is asked for. */
  line(idOrName?: string): OeeConfig['lines'][number] {
    if (idOrName === undefined) return this.current.lines[0]
    const found = findLine(this.current.lines, idOrName)
    if (!found)
      throw new WorkbenchError('NOT_FOUND', `No line "${idOrName}" — the OEE settings have ${this.current.lines.map((l) => `"${l.name}"`).join(', ')}`, {
        lines: this.current.lines.map((l) => ({ id: l.id, name: l.name })),
      })
    return found
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
      throw new OeeSettingsError('Time without data', [
        { path: 'noDataTime', message: `"${String(input)}" is not a choice — use "exclude" (leave out of planned time) or "breakdown"` },
      ])
    if (parsed.data !== this.noDataTime) this.saveConfig({ ...this.current, noDataTime: parsed.data }, NO_DATA_KEY, this.noDataTime, parsed.data, who)
    return this.settings()
  }

  /** Saves the fault-code rules and codes every uncoded stop that a rule now matches. */
  saveRules(rules: readonly ReasonRule[], who = OPERATOR): OeeSettings {
    const checked = checkRules(
      rules,
      this.store.getReasonTree(),
      allMachines(this.current).map((m) => m.id),
    )
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

  async close(): Promise<void> {
    await this.thread.close()
    if (this.db.open) this.db.close()
  }

  /** The historian reads for a range: every tag the config reads, from the grid-aligned query start to `to`. */
  async readHistory(config: OeeConfig, from: number, to: number): Promise<OeeHistoryRead> {
    const start = queryStart(from)
    const tags = configTags(config)
    const [before, raw] = await Promise.all([this.options.historian.valueAt(tags, start - 1, 'previous'), this.options.historian.queryRaw(tags, start, to)])
    return { start, before, raw: raw.map((r) => ({ tagId: r.tagId, t: r.t, v: r.v })) }
  }

  /**
   * Reads the range from the historian and computes one line (the config's first unless `line` names one) on the OEE
   * thread: the whole range, and per shift, day or week. Only that line's tags are read. Nothing is stored.
   */
  async compute(input: { from: number; to: number; by?: Exclude<PeriodKind, 'range'>; timeline?: boolean; line?: string }, config = this.current) {
    const range = this.clampRange(input.from, input.to)
    const line = input.line === undefined ? config.lines[0] : findLine(config.lines, input.line)
    if (!line) throw new WorkbenchError('NOT_FOUND', `No line "${input.line}" in the OEE settings`)
    const one = lineOnly(config, line.id)
    const history = await this.readHistory(one, range.from, range.to)
    return { range, line, ...(await this.thread.compute({ config: one, range, by: input.by, timeline: input.timeline ?? false, history })) }
  }

  /** Every line of the config over the range, one after another on the OEE thread. */
  private async computeAll(input: { from: number; to: number; by?: Exclude<PeriodKind, 'range'>; timeline?: boolean }, config: OeeConfig) {
    const results = []
    for (const l of config.lines) results.push(await this.compute({ ...input, line: l.id }, config))
    return results
  }

  /** The range asked for, ending now at the latest, and refused when one computation would cover too long a time. */
  private clampRange(from: number, to: number): { from: number; to: number } {
    const end = Math.min(to, this.now())
    const range = { from, to: Math.max(from + 1000, end) }
    const days = (range.to - range.from) / DAY
    if (days > MAX_OEE_RANGE_DAYS) {
      const date = (t: number) => new Date(t).toISOString().slice(0, 10)
      throw new WorkbenchError(
        'INVALID_INPUT',
        `OEE over ${Math.ceil(days).toLocaleString('en')} days (${date(range.from)} to ${date(range.to)}) refused: one report covers at most ${MAX_OEE_RANGE_DAYS} days — pick a shorter range, and report a longer time in parts`,
        { days, maxDays: MAX_OEE_RANGE_DAYS },
      )
    }
    return range
  }

  /**
   * One line's report (the first unless `line` names one) with every other line's summary and the site: all lines are
   * computed, so every line's stops are detected and stored.
   */
  async report(input: { from: number; to: number; by: Exclude<PeriodKind, 'range'>; line?: string }): Promise<OeeReport> {
    const config = this.current
    const chosen = this.line(input.line)
    const { from, to, by } = input
    const results = []
    for (const l of config.lines)
      results.push(await this.compute(l.id === chosen.id ? { from, to, by, timeline: true, line: l.id } : { from, to, line: l.id }, config))
    const mine = results.find((r) => r.line.id === chosen.id)!
    await this.upsertDetected(
      results.flatMap((r) => r.events),
      config,
    )
    const { range, summary, periods, timeline, warnings } = mine
    return {
      line: chosen.name,
      lineId: chosen.id,
      timeZone: config.calendar.timeZone,
      from: range.from,
      to: range.to,
      by: input.by,
      noDataTime: config.noDataTime ?? 'exclude',
      summary,
      periods,
      timeline,
      warnings,
      site: siteOee(results.map((r) => ({ id: r.line.id, name: r.line.name, summary: r.summary }))),
    }
  }

  /**
   * Stores detected events. An event already stored keeps its code and comment (only its end moves while it is open);
   * one that overlaps a stored stop of the same machine and state is that stop seen from another range; ids that were
   * merged away or split by hand are not brought back. A year holds thousands of stops: they are checked, then
   * stored, a slice at a time, and other requests are answered between slices.
   */
  private async upsertDetected(detected: readonly DowntimeEvent[], config: OeeConfig): Promise<void> {
    const fresh: DowntimeEvent[] = []
    for (let i = 0; i < detected.length; i += UPSERT_SLICE) {
      if (i > 0) await nextTurn()
      // Settings saved meanwhile: these are the old settings' stops (the next computation detects the new ones).
      if (config !== this.current) return
      for (const e of detected.slice(i, i + UPSERT_SLICE)) {
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
    }
    for (let i = 0; i < fresh.length; i += UPSERT_SLICE) {
      await nextTurn()
      if (config !== this.current) return
      this.events.recordDetected(fresh.slice(i, i + UPSERT_SLICE))
    }
  }

  /** Detects events in the range (so new stops appear) and lists the stored ones. */
  async listEvents(filter: EventFilter): Promise<OeeEvent[]> {
    const config = this.current
    const onLine = this.machineIdsOf(filter.line)
    const results = await this.computeAll({ from: filter.from, to: filter.to }, config)
    await this.upsertDetected(
      results.flatMap((r) => r.events),
      config,
    )
    return this.store
      .listEvents({ from: filter.from, to: filter.to, machine: filter.machine })
      .filter(
        (e) =>
          (!onLine || onLine.has(e.machine)) &&
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
    return this.store
      .transaction(() => ids.map((id) => (reason ? this.events.code(id, reason, who) : this.events.uncode(id, who))))
      .map((e) => this.toContract(e))
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
  pareto(input: { from: number; to: number; machine?: string; line?: string }): OeePareto {
    const onLine = this.machineIdsOf(input.line)
    const events = this.store
      .listEvents({ from: input.from, to: input.to, machine: input.machine })
      .filter((e) => (!onLine || onLine.has(e.machine)) && (e.state !== 'no-data' || this.noDataTime === 'breakdown'))
      .map((e) => ({ ...e, durationS: (Math.min(e.end, input.to) - Math.max(e.start, input.from)) / 1000 }))
    return rankDowntimeByReason(events, this.store.getReasonTree())
  }
}
