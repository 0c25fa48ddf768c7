// The alarm engine: rules indexed by tag, evaluated one value at a time, with the OPC UA Part 9 / ISA-18.2 state machine.
// Pure: no clock, no storage. Times come with the values (and with tick), so a replay of history runs the same code.
import type { AlarmCause, AlarmRule, AlarmStateName, AlarmTransition } from '../../preload/contract'
import { AlarmEngineError } from './alarm-engine-error'
import { ANOMALY_WINDOW_CAPACITY, anomalyVerdict, windowFeatures } from './anomaly'

export type AlarmValue = number | boolean | string | null
export type QualityStatus = 'good' | 'uncertain' | 'bad'

/** What the engine needs of a live value; a TagValue fits. */
export interface AlarmInput {
  tagId: string
  value: AlarmValue
  quality: { status: QualityStatus }
  stale?: boolean
}

/** The persistent part of one rule's state: enough to carry on after a restart without raising again. */
export interface AlarmStateSnapshot {
  ruleId: string
  state: AlarmStateName
  eventId: string | null
  eventSeq: number
  activeSince: number | null
  lastValue: AlarmValue
  shelvedUntil: number | null
  suppressed: boolean
  onDeadline: number | null
  offDeadline: number | null
  reAlarmDeadline: number | null
}

export { AlarmEngineError }

const NONE = Infinity

const HIGH = 1
const LOW = 2

/** One rule and its live state; numbers instead of optionals so the per-value path allocates nothing. */
class RuleRuntime {
  // First, what every value reads (one cache line of the object), copied from the rule once so that the hot path
  // does not touch the rule and its condition (five shapes) at all.
  readonly enabled: boolean
  /** 1 high, 2 low, 0 any other kind (judged by the switch in `evaluate`). */
  readonly limitKind: 0 | 1 | 2
  readonly limit: number
  readonly deadband: number
  next = NONE
  /** The condition as last evaluated (with the deadband's memory); false until a value says otherwise. */
  condition = false
  // The last value judged. A number is kept unboxed, in place: storing each new value's heap number here would give
  // the collector an old→young pointer per rule and value and keep every value alive past its batch.
  private lastNumber = NaN
  private lastIsNumber = false
  private lastOther: AlarmValue = null
  state: AlarmStateName = 'normal'
  eventId: string | null = null
  eventSeq = 0
  activeSince: number | null = null
  suppressed = false
  onDeadline = NONE
  offDeadline = NONE
  reAlarmDeadline = NONE
  shelvedUntil = NONE
  staleDeadline = NONE
  rateRefTime = NaN
  rateRefValue = NaN
  readonly heldStates: Set<number | string> | null
  readonly onDelayMs: number
  /** The anomaly rule's current window of values (allocated once per rule). */
  readonly window: Float64Array | null
  windowStart = NaN
  windowCount = 0

  get lastValue(): AlarmValue {
    return this.lastIsNumber ? this.lastNumber : this.lastOther
  }

  set lastValue(value: AlarmValue) {
    if (typeof value === 'number') {
      this.lastNumber = value
      this.lastIsNumber = true
    } else {
      this.lastIsNumber = false
      this.lastOther = value
    }
  }

  constructor(readonly rule: AlarmRule) {
    const c = rule.condition
    this.enabled = rule.enabled
    this.limitKind = c.kind === 'high' ? HIGH : c.kind === 'low' ? LOW : 0
    this.limit = c.kind === 'high' || c.kind === 'low' ? c.limit : NaN
    this.deadband = c.kind === 'high' || c.kind === 'low' ? c.deadband : NaN
    this.heldStates = c.kind === 'stateHeld' ? new Set(c.states) : null
    this.window = c.kind === 'anomaly' ? new Float64Array(ANOMALY_WINDOW_CAPACITY) : null
    // "Held longer than N" is an on-delay on "is in the state".
    this.onDelayMs = rule.onDelayMs + (c.kind === 'stateHeld' ? c.forMs : 0)
  }

  isActive(): boolean {
    return this.state === 'active-unacknowledged' || this.state === 'active-acknowledged'
  }
}

export interface AlarmEngineOptions {
  onTransition(transition: AlarmTransition): void
}

export class AlarmEngine {
  private readonly runtimes = new Map<string, RuleRuntime>()
  private readonly byTag = new Map<string, RuleRuntime[]>()
  /** The tag id and rules last seen at each batch position (see `ingestOne`); forgotten whenever a rule comes or goes. */
  private readonly memoIds: string[] = []
  private readonly memoLists: Array<RuleRuntime[] | undefined> = []
  private readonly timed = new Set<RuleRuntime>()
  private readonly anomalyScratch = new Float64Array(ANOMALY_WINDOW_CAPACITY)
  private readonly anomalyFeatures = new Float64Array(2)

  constructor(private readonly options: AlarmEngineOptions) {}

  /** Adds or replaces a rule; a changed rule keeps its state and is judged afresh by the next value. */
  upsertRule(rule: AlarmRule, now: number, snapshot?: AlarmStateSnapshot): void {
    const previous = this.runtimes.get(rule.id)
    if (previous) this.detach(previous)
    const runtime = new RuleRuntime(rule)
    const carried = snapshot ?? (previous ? snapshotOf(previous) : undefined)
    if (carried) restoreInto(runtime, carried)
    this.runtimes.set(rule.id, runtime)
    const list = this.byTag.get(rule.tagId)
    if (list) list.push(runtime)
    else this.byTag.set(rule.tagId, [runtime])
    this.forgetPositions()
    if (rule.condition.kind === 'stale' && runtime.staleDeadline === NONE) runtime.staleDeadline = now + rule.condition.afterMs
    if (!rule.enabled && runtime.state !== 'normal') this.toNormalBecauseDisabled(runtime, now)
    this.schedule(runtime)
  }

  removeRule(ruleId: string): boolean {
    const runtime = this.runtimes.get(ruleId)
    if (!runtime) return false
    this.detach(runtime)
    return true
  }

  rules(): AlarmRule[] {
    return [...this.runtimes.values()].map((r) => r.rule)
  }

  rule(ruleId: string): AlarmRule | undefined {
    return this.runtimes.get(ruleId)?.rule
  }

  /** Evaluates every rule on each value's tag at time `at` (the value's receive time live, its recorded time in a replay). */
  ingest(values: readonly AlarmInput[], at: number): void {
    for (let i = 0; i < values.length; i++) this.ingestOne(values[i]!, at, i)
  }

  /**
   * Judges one value. `position` is its place in the caller's batch: live batches carry the same tags in the same order
   * with the same id strings, so the rules of a position are remembered and found again by one string compare (a pointer
   * compare for the same string) instead of a hash lookup whose table and keys are out of the cache by the next batch.
   */
  ingestOne(input: AlarmInput, at: number, position = -1): void {
    let list: RuleRuntime[] | undefined
    if (position < 0) list = this.byTag.get(input.tagId)
    else if (this.memoIds[position] === input.tagId) list = this.memoLists[position]
    else {
      list = this.byTag.get(input.tagId)
      this.memoIds[position] = input.tagId
      this.memoLists[position] = list
    }
    if (!list) return
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!
      if (!r.enabled) continue
      if (r.next <= at) this.runDeadlines(r, at)
      const condition = this.evaluate(r, input, at)
      if (condition === undefined) continue
      r.lastValue = input.value
      if (condition !== r.condition) this.conditionChanged(r, condition, at)
    }
  }

  /** Runs the timers due by `now`: delays, re-alarms, shelve expiry, stale tags. Each transition is stamped with its own due time. */
  tick(now: number): void {
    for (const r of this.timed) if (r.next <= now) this.runDeadlines(r, now)
  }

  acknowledge(ruleId: string, who: string | null, at: number, comment: string | null = null): boolean {
    const r = this.runtimeOf(ruleId)
    if (r.state === 'active-unacknowledged') this.move(r, 'active-acknowledged', 'acknowledge', at, who, comment)
    else if (r.state === 'cleared-unacknowledged') {
      this.move(r, 'normal', 'acknowledge', at, who, comment)
      r.eventId = null
      r.activeSince = null
    } else return false
    return true
  }

  /** Shelves until `until` (expires on its own); `until <= at` unshelves now. */
  shelve(ruleId: string, until: number, who: string | null, at: number, comment: string | null = null): void {
    const r = this.runtimeOf(ruleId)
    if (until <= at) {
      if (r.shelvedUntil === NONE) return
      r.shelvedUntil = NONE
      this.move(r, r.state, 'unshelve', at, who, comment)
    } else {
      r.shelvedUntil = until
      this.move(r, r.state, 'shelve', at, who, comment)
    }
    this.schedule(r)
  }

  /** Suppresses every rule of `machine` (a planned stop): no alarm is raised meanwhile; raised ones clear as usual. */
  setMachineSuppressed(machine: string, suppressed: boolean, who: string | null, at: number): number {
    let count = 0
    for (const r of this.runtimes.values()) {
      if (r.rule.machine !== machine || r.suppressed === suppressed) continue
      count++
      r.suppressed = suppressed
      this.move(r, r.state, suppressed ? 'suppress' : 'unsuppress', at, who, null)
      if (suppressed && r.state === 'pending') {
        r.onDeadline = NONE
        this.move(r, 'normal', 'suppress', at, who, null)
      } else if (suppressed) r.onDeadline = NONE
      else if (r.condition && r.rule.enabled) this.conditionBecameTrue(r, at)
      this.schedule(r)
    }
    return count
  }

  snapshot(ruleId: string): AlarmStateSnapshot | undefined {
    const r = this.runtimes.get(ruleId)
    return r ? snapshotOf(r) : undefined
  }

  /** Every rule not at rest: not normal, shelved or suppressed. */
  notNormal(): Array<{ rule: AlarmRule; snapshot: AlarmStateSnapshot }> {
    const out: Array<{ rule: AlarmRule; snapshot: AlarmStateSnapshot }> = []
    for (const r of this.runtimes.values()) {
      if (r.state !== 'normal' || r.shelvedUntil !== NONE) out.push({ rule: r.rule, snapshot: snapshotOf(r) })
    }
    return out
  }

  /** The earliest time a timer is due (Infinity when none): a replay ticks exactly there. */
  nextDue(): number {
    let next = NONE
    for (const r of this.timed) if (r.next < next) next = r.next
    return next
  }

  private runtimeOf(ruleId: string): RuleRuntime {
    const r = this.runtimes.get(ruleId)
    if (!r) throw new AlarmEngineError('not-found', `Alarm rule ${ruleId} does not exist — check the rule list`)
    return r
  }

  private forgetPositions(): void {
    this.memoIds.length = 0
    this.memoLists.length = 0
  }

  private detach(r: RuleRuntime): void {
    this.forgetPositions()
    this.runtimes.delete(r.rule.id)
    this.timed.delete(r)
    const list = this.byTag.get(r.rule.tagId)
    if (!list) return
    const index = list.indexOf(r)
    if (index >= 0) list.splice(index, 1)
    if (list.length === 0) this.byTag.delete(r.rule.tagId)
  }

  /** The rule's condition for this value, or undefined when the value cannot say (bad quality for a limit, NaN). */
  private evaluate(r: RuleRuntime, input: AlarmInput, at: number): boolean | undefined {
    const limitKind = r.limitKind
    if (limitKind !== 0) {
      // Limits are most rules: judged from the runtime's own fields, without reading the rule.
      const n = numeric(input)
      if (n !== n) return undefined
      if (limitKind === HIGH) return r.condition ? n >= r.limit - r.deadband : n > r.limit
      return r.condition ? n <= r.limit + r.deadband : n < r.limit
    }
    const c = r.rule.condition
    switch (c.kind) {
      case 'high':
      case 'low': {
        const n = numeric(input)
        if (n !== n) return undefined
        if (c.kind === 'high') return r.condition ? n >= c.limit - c.deadband : n > c.limit
        return r.condition ? n <= c.limit + c.deadband : n < c.limit
      }
      case 'rateOfChange': {
        const n = numeric(input)
        if (n !== n) return undefined
        if (r.rateRefTime !== r.rateRefTime) {
          r.rateRefTime = at
          r.rateRefValue = n
          return undefined
        }
        const elapsed = at - r.rateRefTime
        if (elapsed < c.windowMs) return undefined
        const rate = ((n - r.rateRefValue) / elapsed) * 1000
        r.rateRefTime = at
        r.rateRefValue = n
        return c.direction === 'rising' ? rate > c.perSecond : c.direction === 'falling' ? -rate > c.perSecond : Math.abs(rate) > c.perSecond
      }
      case 'stale':
        if (input.stale) return true
        r.staleDeadline = at + c.afterMs
        this.schedule(r)
        return false
      case 'badQuality':
        return input.quality.status === 'bad' || (c.includeUncertain && input.quality.status === 'uncertain')
      case 'anomaly': {
        const n = numeric(input)
        const baseline = c.baseline.features
        if (n !== n || !baseline) return undefined
        const window = r.window!
        if (r.windowStart !== r.windowStart) r.windowStart = at
        let verdict: boolean | undefined
        if (at - r.windowStart >= c.windowMs) {
          // A tumbling window closes: judged once, on its features, with a quarter of the threshold as hysteresis.
          if (r.windowCount >= c.minSamples) {
            windowFeatures(window, r.windowCount, this.anomalyScratch, this.anomalyFeatures)
            verdict = anomalyVerdict(this.anomalyFeatures, baseline, r.condition ? c.threshold * 0.75 : c.threshold)
          }
          r.windowStart = at
          r.windowCount = 0
        }
        if (r.windowCount < ANOMALY_WINDOW_CAPACITY) window[r.windowCount++] = n
        return verdict
      }
      case 'stateHeld': {
        if (input.stale || input.quality.status === 'bad') return undefined
        const v = input.value
        if (typeof v === 'number' || typeof v === 'string') return r.heldStates!.has(v)
        if (typeof v === 'boolean') return r.heldStates!.has(v ? 1 : 0)
        return undefined
      }
    }
  }

  private conditionChanged(r: RuleRuntime, condition: boolean, at: number): void {
    r.condition = condition
    if (condition) this.conditionBecameTrue(r, at)
    else this.conditionBecameFalse(r, at)
    this.schedule(r)
  }

  private conditionBecameTrue(r: RuleRuntime, at: number): void {
    if (r.offDeadline !== NONE) {
      // Back within the off-delay: the alarm never cleared, no new event.
      r.offDeadline = NONE
      return
    }
    if (r.state !== 'normal' && r.state !== 'cleared-unacknowledged') return
    if (r.suppressed) return
    if (r.onDelayMs > 0) {
      r.onDeadline = at + r.onDelayMs
      if (r.state === 'normal') this.move(r, 'pending', 'condition', at, null, null)
    } else this.raise(r, at, 'condition')
  }

  private conditionBecameFalse(r: RuleRuntime, at: number): void {
    if (r.state === 'pending') {
      r.onDeadline = NONE
      this.move(r, 'normal', 'condition', at, null, null)
    } else if (r.state === 'cleared-unacknowledged') r.onDeadline = NONE
    else if (r.isActive()) {
      if (r.rule.offDelayMs > 0) r.offDeadline = at + r.rule.offDelayMs
      else this.clear(r, at, 'condition')
    }
  }

  private raise(r: RuleRuntime, at: number, cause: AlarmCause): void {
    r.onDeadline = NONE
    r.eventSeq++
    r.eventId = `${r.rule.id}#${r.eventSeq}`
    r.activeSince = at
    r.reAlarmDeadline = r.rule.reAlarmMs > 0 ? at + r.rule.reAlarmMs : NONE
    this.move(r, 'active-unacknowledged', cause, at, null, null)
  }

  private clear(r: RuleRuntime, at: number, cause: AlarmCause): void {
    r.offDeadline = NONE
    r.reAlarmDeadline = NONE
    const to = r.state === 'active-unacknowledged' ? 'cleared-unacknowledged' : 'normal'
    this.move(r, to, cause, at, null, null)
    if (to === 'normal') {
      r.eventId = null
      r.activeSince = null
    }
  }

  private toNormalBecauseDisabled(r: RuleRuntime, at: number): void {
    r.onDeadline = r.offDeadline = r.reAlarmDeadline = NONE
    r.condition = false
    this.move(r, 'normal', 'rule-changed', at, null, 'rule disabled')
    r.eventId = null
    r.activeSince = null
  }

  private runDeadlines(r: RuleRuntime, now: number): void {
    while (r.next <= now) {
      const due = r.next
      if (r.onDeadline === due) {
        if (r.suppressed) {
          r.onDeadline = NONE
          if (r.state === 'pending') this.move(r, 'normal', 'suppress', due, null, null)
        } else this.raise(r, due, 'on-delay')
      } else if (r.offDeadline === due) this.clear(r, due, 'off-delay')
      else if (r.reAlarmDeadline === due) {
        r.reAlarmDeadline = due + r.rule.reAlarmMs
        this.move(r, 'active-unacknowledged', 're-alarm', due, null, null)
      } else if (r.shelvedUntil === due) {
        r.shelvedUntil = NONE
        this.move(r, r.state, 'shelve-expired', due, null, null)
      } else if (r.staleDeadline === due) {
        r.staleDeadline = NONE
        if (!r.condition) {
          r.condition = true
          this.conditionBecameTrue(r, due)
        }
      }
      this.schedule(r)
    }
  }

  private schedule(r: RuleRuntime): void {
    const next = Math.min(r.onDeadline, r.offDeadline, r.reAlarmDeadline, r.shelvedUntil, r.staleDeadline)
    const was = r.next
    r.next = next
    // A runtime is in `timed` exactly while its next deadline is set (a stale rule reschedules on every value).
    if (next === NONE) {
      if (was !== NONE) this.timed.delete(r)
    } else if (was === NONE) this.timed.add(r)
  }

  private move(r: RuleRuntime, to: AlarmStateName, cause: AlarmCause, at: number, who: string | null, comment: string | null): void {
    const from = r.state
    r.state = to
    this.options.onTransition({
      ruleId: r.rule.id,
      eventId: r.eventId,
      at,
      from,
      to,
      cause,
      value: r.lastValue,
      who,
      comment,
      shelved: r.shelvedUntil !== NONE && r.shelvedUntil > at,
      suppressed: r.suppressed,
    })
  }
}

function numeric(input: AlarmInput): number {
  if (input.stale || input.quality.status === 'bad') return NaN
  const v = input.value
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : NaN
}

const orNull = (t: number): number | null => (t === NONE ? null : t)
const orNone = (t: number | null): number => (t === null ? NONE : t)

function snapshotOf(r: RuleRuntime): AlarmStateSnapshot {
  return {
    ruleId: r.rule.id,
    state: r.state,
    eventId: r.eventId,
    eventSeq: r.eventSeq,
    activeSince: r.activeSince,
    lastValue: r.lastValue,
    shelvedUntil: orNull(r.shelvedUntil),
    suppressed: r.suppressed,
    onDeadline: orNull(r.onDeadline),
    offDeadline: orNull(r.offDeadline),
    reAlarmDeadline: orNull(r.reAlarmDeadline),
  }
}

function restoreInto(r: RuleRuntime, s: AlarmStateSnapshot): void {
  r.state = s.state
  r.eventId = s.eventId
  r.eventSeq = s.eventSeq
  r.activeSince = s.activeSince
  r.lastValue = s.lastValue
  r.shelvedUntil = orNone(s.shelvedUntil)
  r.suppressed = s.suppressed
  r.onDeadline = orNone(s.onDeadline)
  r.offDeadline = orNone(s.offDeadline)
  r.reAlarmDeadline = orNone(s.reAlarmDeadline)
  // A value that still breaches after a restart finds the alarm already raised: no second event.
  r.condition = r.state === 'pending' || (r.isActive() && r.offDeadline === NONE)
}
