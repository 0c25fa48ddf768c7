import type { DowntimeEvent } from './downtime-event'
import type { ReasonRule } from './reason-rules'
import { EMPTY_REASON_TREE, type ReasonTree } from './reason-tree'

export type EventAction =
  'detected' | 'extended' | 'auto-coded' | 'coded' | 'uncoded' | 'commented' | 'split' | 'split-from' | 'merged' | 'merged-into' | 'discarded'

/** One change to one event: who, when, and the event before and after (null when created or removed). */
export interface EventHistoryEntry {
  eventId: string
  at: number
  who: string
  action: EventAction
  before: DowntimeEvent | null
  after: DowntimeEvent | null
}

export interface EventQuery {
  machine?: string
  /** Events ending after this time (epoch ms). */
  from?: number
  /** Events starting before this time (epoch ms). */
  to?: number
}

/**
 * Storage behind the downtime service. Synchronous on purpose: the SQLite store (better-sqlite3) is synchronous,
 * and transaction() must make split and merge all-or-nothing.
 */
export interface DowntimeEventStore {
  getEvent(id: string): DowntimeEvent | undefined
  /** Sorted by start time. */
  listEvents(query?: EventQuery): DowntimeEvent[]
  putEvent(event: DowntimeEvent): void
  deleteEvent(id: string): void
  appendHistory(entry: EventHistoryEntry): void
  /** Oldest first. */
  listHistory(eventId: string): EventHistoryEntry[]
  getReasonTree(): ReasonTree
  putReasonTree(tree: ReasonTree): void
  getRules(): ReasonRule[]
  putRules(rules: ReasonRule[]): void
  transaction<T>(work: () => T): T
}

const copy = <T>(x: T): T => structuredClone(x)

/** Keeps everything in maps; copies on the way in and out so callers cannot change stored data by accident. */
export class InMemoryDowntimeEventStore implements DowntimeEventStore {
  private events = new Map<string, DowntimeEvent>()
  private history: EventHistoryEntry[] = []
  private tree: ReasonTree = EMPTY_REASON_TREE
  private rules: ReasonRule[] = []

  getEvent(id: string) {
    const e = this.events.get(id)
    return e && copy(e)
  }

  listEvents(query: EventQuery = {}) {
    return [...this.events.values()]
      .filter(
        (e) =>
          (query.machine === undefined || e.machine === query.machine) &&
          (query.from === undefined || e.end > query.from) &&
          (query.to === undefined || e.start < query.to),
      )
      .sort((a, b) => a.start - b.start || a.machine.localeCompare(b.machine))
      .map(copy)
  }

  putEvent(event: DowntimeEvent) {
    this.events.set(event.id, copy(event))
  }

  deleteEvent(id: string) {
    this.events.delete(id)
  }

  appendHistory(entry: EventHistoryEntry) {
    this.history.push(copy(entry))
  }

  listHistory(eventId: string) {
    return this.history.filter((h) => h.eventId === eventId).map(copy)
  }

  getReasonTree() {
    return copy(this.tree)
  }

  putReasonTree(tree: ReasonTree) {
    this.tree = copy(tree)
  }

  getRules() {
    return copy(this.rules)
  }

  putRules(rules: ReasonRule[]) {
    this.rules = copy(rules)
  }

  transaction<T>(work: () => T): T {
    const saved = { events: new Map(this.events), history: [...this.history], tree: this.tree, rules: this.rules }
    try {
      return work()
    } catch (err) {
      Object.assign(this, saved)
      throw err
    }
  }
}
