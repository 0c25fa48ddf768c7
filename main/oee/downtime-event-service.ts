import { downtimeEventId, type DowntimeEvent, type ReasonCode } from './downtime-event'
import type { DowntimeEventStore, EventAction, EventHistoryEntry, EventQuery } from './downtime-event-store'
import { matchReasonRule, type ReasonRule } from './reason-rules'
import * as tree from './reason-tree'

export class DowntimeEventError extends Error {
  override name = 'DowntimeEventError'
  /** `not-found`: the event (or what it names) does not exist; `invalid`: the request cannot be done as asked. */
  constructor(
    message: string,
    readonly kind: 'not-found' | 'invalid' = 'invalid',
  ) {
    super(message)
  }
}

export interface DowntimeEventServiceOptions {
  /** Clock for history entries; injectable so tests are deterministic. */
  now?: () => number
}

const SYSTEM = 'system'

/** Downtime events, their coding, splits, merges and comments; every change is written to the event history. */
export class DowntimeEventService {
  private readonly now: () => number

  constructor(
    private readonly store: DowntimeEventStore,
    options: DowntimeEventServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now
  }

  list(query?: EventQuery): DowntimeEvent[] {
    return this.store.listEvents(query)
  }

  get(id: string): DowntimeEvent {
    const e = this.store.getEvent(id)
    if (!e) throw new DowntimeEventError(`downtime event ${id} does not exist — it may have been merged; list events to find it`, 'not-found')
    return e
  }

  history(id: string): EventHistoryEntry[] {
    return this.store.listHistory(id)
  }

  /**
   * Stores events from the engine. New events are coded by the rules; an event seen again with a later end
   * (it was still open) is extended, keeping its coding. Events a person split or merged are left alone.
   */
  recordDetected(events: readonly DowntimeEvent[]): { created: number; extended: number } {
    let created = 0
    let extended = 0
    this.store.transaction(() => {
      const rules = this.store.getRules()
      for (const e of events) {
        const existing = this.store.getEvent(e.id)
        if (!existing) {
          const fresh: DowntimeEvent = { ...e }
          delete fresh.reason
          delete fresh.comment
          this.write(null, fresh, SYSTEM, 'detected')
          this.autoCode(fresh, rules)
          created++
        } else if (existing.end !== e.end && !this.wasEditedByHand(e.id)) {
          this.write(existing, { ...existing, end: e.end, durationS: e.durationS, minor: e.minor }, SYSTEM, 'extended')
          extended++
        }
      }
    })
    return { created, extended }
  }

  /** Codes every uncoded event (optionally only in a query) with the current rules; returns how many were coded. */
  applyRules(query?: EventQuery): number {
    const rules = this.store.getRules()
    return this.store.transaction(() => this.store.listEvents(query).filter((e) => !e.reason && this.autoCode(e, rules)).length)
  }

  setRules(rules: ReasonRule[]): void {
    const t = this.store.getReasonTree()
    rules.forEach((r) => tree.assertReasonActive(t, r.reason))
    this.store.putRules(rules)
  }

  rules(): ReasonRule[] {
    return this.store.getRules()
  }

  code(id: string, reason: ReasonCode, who: string): DowntimeEvent {
    tree.assertReasonActive(this.store.getReasonTree(), reason)
    const before = this.get(id)
    return this.write(before, { ...before, reason: { ...reason } }, who, 'coded')
  }

  uncode(id: string, who: string): DowntimeEvent {
    const before = this.get(id)
    const after = { ...before }
    delete after.reason
    return this.write(before, after, who, 'uncoded')
  }

  comment(id: string, text: string, who: string): DowntimeEvent {
    const before = this.get(id)
    const after: DowntimeEvent = { ...before, comment: text.trim() }
    if (!after.comment) delete after.comment
    return this.write(before, after, who, 'commented')
  }

  /** Splits an event at a time strictly inside it; both parts keep state, fault code, reason and comment. */
  split(id: string, at: number, who: string): [DowntimeEvent, DowntimeEvent] {
    const before = this.get(id)
    if (!(at > before.start && at < before.end))
      throw new DowntimeEventError(
        `cannot split event ${id} at ${new Date(at).toISOString()}: the time must lie strictly between its start ${new Date(before.start).toISOString()} and end ${new Date(before.end).toISOString()}`,
      )
    return this.store.transaction(() => {
      const first = this.write(before, { ...before, end: at, durationS: (at - before.start) / 1000 }, who, 'split')
      const second: DowntimeEvent = { ...before, id: this.freeId(before.machine, at), start: at, durationS: (before.end - at) / 1000 }
      this.write(null, second, who, 'split-from')
      return [first, second]
    })
  }

  /**
   * Merges events of one machine into the earliest: it spans first start to last end, takes the state of the
   * longest part, the first fault code and reason found, and joins the comments. The others are removed.
   */
  merge(ids: readonly string[], who: string): DowntimeEvent {
    if (new Set(ids).size < 2) throw new DowntimeEventError('merge needs at least two different event ids')
    const events = ids.map((id) => this.get(id)).sort((a, b) => a.start - b.start)
    const machines = new Set(events.map((e) => e.machine))
    if (machines.size > 1) throw new DowntimeEventError(`cannot merge events of different machines (${[...machines].join(', ')}) — merge per machine`)
    // Only neighbours merge: a stop of the machine between two picked ones would be swallowed unseen. Minor stops in
    // between are taken in (they are part of the stretch a person calls one stop).
    const between = this.store
      .listEvents({ machine: events[0].machine, from: events[0].start, to: events[events.length - 1].end })
      .filter((e) => !ids.includes(e.id))
    const blocking = between.find((e) => !e.minor && events.some((a, i) => i > 0 && e.start >= events[i - 1].end && e.end <= a.start))
    if (blocking)
      throw new DowntimeEventError(
        `cannot merge: the stops are not adjacent — ${blocking.state} stop ${blocking.id} lies between them; select it too or merge neighbours only`,
      )
    const absorbed = between.filter((e) => e.minor && e.start >= events[0].start && e.end <= events[events.length - 1].end)
    const [first] = events
    const longest = events.reduce((a, b) => (b.durationS > a.durationS ? b : a))
    const end = Math.max(...events.map((e) => e.end))
    const merged: DowntimeEvent = {
      ...first,
      end,
      durationS: (end - first.start) / 1000,
      state: longest.state,
      minor: events.every((e) => e.minor),
    }
    const faultCode = events.find((e) => e.faultCode !== undefined)?.faultCode
    if (faultCode !== undefined) merged.faultCode = faultCode
    else delete merged.faultCode
    const reason = events.find((e) => e.reason)?.reason
    if (reason) merged.reason = reason
    const comments = events.map((e) => e.comment).filter(Boolean)
    if (comments.length) merged.comment = comments.join(' | ')
    return this.store.transaction(() => {
      for (const e of [...events.slice(1), ...absorbed]) {
        this.store.deleteEvent(e.id)
        this.store.appendHistory({ eventId: e.id, at: this.now(), who, action: 'merged-into', before: e, after: merged })
      }
      return this.write(first, merged, who, 'merged')
    })
  }

  reasonTree(): tree.ReasonTree {
    return this.store.getReasonTree()
  }

  addCategory(name: string): string {
    const r = tree.addCategory(this.store.getReasonTree(), name)
    this.store.putReasonTree(r.tree)
    return r.id
  }

  addReason(categoryId: string, name: string): ReasonCode {
    const r = tree.addReason(this.store.getReasonTree(), categoryId, name)
    this.store.putReasonTree(r.tree)
    return { categoryId, reasonId: r.id }
  }

  renameCategory(categoryId: string, name: string): void {
    this.store.putReasonTree(tree.renameCategory(this.store.getReasonTree(), categoryId, name))
  }

  renameReason(code: ReasonCode, name: string): void {
    this.store.putReasonTree(tree.renameReason(this.store.getReasonTree(), code, name))
  }

  /** Retired reasons stay in the tree (coded history keeps its label) but are no longer offered or accepted for coding. */
  retireReason(code: ReasonCode, retired = true): void {
    const t = tree.setReasonRetired(this.store.getReasonTree(), code, retired)
    if (retired && this.store.getRules().some((r) => r.reason.categoryId === code.categoryId && r.reason.reasonId === code.reasonId))
      throw new DowntimeEventError(`reason "${code.reasonId}" is used by a fault-code rule — change the rule first, then retire the reason`)
    this.store.putReasonTree(t)
  }

  retireCategory(categoryId: string, retired = true): void {
    const t = tree.setCategoryRetired(this.store.getReasonTree(), categoryId, retired)
    if (retired && this.store.getRules().some((r) => r.reason.categoryId === categoryId))
      throw new DowntimeEventError(`category "${categoryId}" is used by a fault-code rule — change the rule first, then retire the category`)
    this.store.putReasonTree(t)
  }

  removeReason(code: ReasonCode): void {
    this.store.putReasonTree(tree.removeReason(this.store.getReasonTree(), code, (c) => this.isUsed(c)))
  }

  removeCategory(categoryId: string): void {
    this.store.putReasonTree(tree.removeCategory(this.store.getReasonTree(), categoryId, (c) => this.isUsed(c)))
  }

  private isUsed(code: ReasonCode): boolean {
    const sameCode = (r?: ReasonCode) => r?.categoryId === code.categoryId && r.reasonId === code.reasonId
    return this.store.listEvents().some((e) => sameCode(e.reason)) || this.store.getRules().some((r) => sameCode(r.reason))
  }

  private autoCode(event: DowntimeEvent, rules: readonly ReasonRule[]): boolean {
    const rule = matchReasonRule(event, rules)
    if (!rule) return false
    this.write(event, { ...event, reason: { ...rule.reason } }, SYSTEM, 'auto-coded')
    return true
  }

  private wasEditedByHand(id: string): boolean {
    return this.store.listHistory(id).some((h) => h.action === 'split' || h.action === 'merged' || h.action === 'split-from')
  }

  private freeId(machine: string, at: number): string {
    const base = downtimeEventId(machine, at)
    let id = base
    for (let n = 2; this.store.getEvent(id); n++) id = `${base}#${n}`
    return id
  }

  private write(before: DowntimeEvent | null, after: DowntimeEvent, who: string, action: EventAction): DowntimeEvent {
    this.store.putEvent(after)
    this.store.appendHistory({ eventId: after.id, at: this.now(), who, action, before, after })
    return after
  }
}
