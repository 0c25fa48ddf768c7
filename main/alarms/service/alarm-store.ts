// All SQL of alarms.db: rules, current states, the journal and the outbox.
import type { AlarmJournalEntry, AlarmRule, AlarmTransition } from '../../../preload/contract'
import { alarmRuleSchema } from '../../../preload/contract'
import type { Database, Statement } from '../../database/sqlite'
import type { AlarmStateSnapshot } from '..'

interface JournalRow {
  id: number
  rule_id: string
  event_id: string | null
  at: number
  from_state: string
  to_state: string
  cause: string
  value_json: string
  who: string | null
  comment: string | null
  shelved: number
  suppressed: number
  definition_json: string | null
}

export interface OutboxEntry {
  outboxId: number
  journalId: number
  transition: AlarmTransition
}

/** Transitions a person should hear about: raised, raised again, cleared, and a shelve ending on an unacknowledged alarm. */
export function isNotifiable(t: AlarmTransition): boolean {
  if (t.shelved || t.suppressed) return false
  if (t.cause === 'shelve-expired') return t.to === 'active-unacknowledged'
  if (t.cause === 're-alarm') return true
  if (t.cause !== 'condition' && t.cause !== 'on-delay' && t.cause !== 'off-delay') return false
  return t.to === 'active-unacknowledged' || t.from === 'active-unacknowledged' || t.from === 'active-acknowledged'
}

/** How long a live commit may stay in the WAL without an fsync (what a power loss can take), by default. */
export const SYNC_EVERY_MS = 1000

export class AlarmStore {
  private lastSyncAt = -Infinity
  /** When the oldest commit not yet synced to disk was made; null when everything is on disk. */
  private unsyncedSince: number | null = null
  /** How many FULL commits (fsyncs of the WAL) this store has made. */
  syncs = 0
  private readonly markSynced: Statement
  private readonly insertJournal: Statement
  private readonly insertOutbox: Statement
  private readonly upsertState: Statement
  private readonly writeTransitions: (transitions: readonly AlarmTransition[], snapshots: readonly AlarmStateSnapshot[], now: number) => void

  constructor(
    readonly db: Database,
    private readonly syncEveryMs = SYNC_EVERY_MS,
  ) {
    this.markSynced = db.prepare('INSERT INTO alarm_sync (id, synced_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET synced_at = excluded.synced_at')
    this.insertJournal = db.prepare(
      `INSERT INTO alarm_journal (rule_id, event_id, at, from_state, to_state, cause, value_json, who, comment, shelved, suppressed, definition_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertOutbox = db.prepare('INSERT INTO alarm_outbox (journal_id, rule_id, created_at) VALUES (?, ?, ?)')
    this.upsertState = db.prepare(
      `INSERT INTO alarm_states (rule_id, snapshot_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (rule_id) DO UPDATE SET snapshot_json = excluded.snapshot_json, updated_at = excluded.updated_at`,
    )
    this.writeTransitions = db.transaction((transitions: readonly AlarmTransition[], snapshots: readonly AlarmStateSnapshot[], now: number) => {
      for (const t of transitions) {
        const journalId = this.insertJournal.run(
          t.ruleId,
          t.eventId,
          t.at,
          t.from,
          t.to,
          t.cause,
          JSON.stringify(t.value),
          t.who,
          t.comment,
          t.shelved ? 1 : 0,
          t.suppressed ? 1 : 0,
          null,
        ).lastInsertRowid
        if (isNotifiable(t)) this.insertOutbox.run(journalId, t.ruleId, now)
      }
      for (const s of snapshots) this.upsertState.run(s.ruleId, JSON.stringify(s), now)
    })
  }

  /**
   * The journal entries, the outbox entries and the new states of the rules they touched, in one transaction. It is in
   * the WAL when this returns (an app crash loses nothing); it is synced to disk at once when `durable` (what a person
   * did) or when the last sync is `syncEveryMs` old, else by the next sync (`syncIfDue`, `durably`).
   */
  commit(transitions: readonly AlarmTransition[], snapshots: readonly AlarmStateSnapshot[], now: number, durable = false): void {
    if (durable || now - this.lastSyncAt >= this.syncEveryMs) this.durably(() => this.writeTransitions(transitions, snapshots, now), now)
    else {
      this.writeTransitions(transitions, snapshots, now)
      this.unsyncedSince ??= now
    }
  }

  /**
   * Runs `fn` in one transaction committed with synchronous = FULL: SQLite fsyncs the WAL, which puts on disk this
   * transaction and every earlier one.
   */
  durably<T>(fn: () => T, now = Date.now()): T {
    this.db.pragma('synchronous = FULL')
    try {
      const result = this.db.transaction(fn)()
      this.syncs++
      this.lastSyncAt = now
      this.unsyncedSince = null
      return result
    } finally {
      this.db.pragma('synchronous = NORMAL')
    }
  }

  /** Syncs commits left in the WAL once the last sync is `syncEveryMs` old (the service calls it from its tick). */
  syncIfDue(now: number, force = false): boolean {
    if (this.unsyncedSince === null || (!force && now - this.lastSyncAt < this.syncEveryMs)) return false
    this.durably(() => this.markSynced.run(now), now)
    return true
  }

  /** The oldest commit a power loss could still take (null: everything is on disk). */
  notSyncedSince(): number | null {
    return this.unsyncedSince
  }

  /** A rule's deletion, journaled with who, when and its definition, in one durable transaction with removing it. */
  deleteRule(rule: AlarmRule, state: AlarmStateSnapshot | undefined, who: string | null, now: number, comment: string | null): boolean {
    return this.durably(() => {
      this.insertJournal.run(
        rule.id,
        state?.eventId ?? null,
        now,
        state?.state ?? 'normal',
        'normal',
        'rule-deleted',
        JSON.stringify(state?.lastValue ?? null),
        who,
        comment,
        state?.shelvedUntil != null ? 1 : 0,
        state?.suppressed ? 1 : 0,
        JSON.stringify(rule),
      )
      this.db.prepare('DELETE FROM alarm_states WHERE rule_id = ?').run(rule.id)
      return this.db.prepare('DELETE FROM alarm_rules WHERE id = ?').run(rule.id).changes > 0
    }, now)
  }

  rules(): AlarmRule[] {
    return this.db
      .prepare<{ rule_json: string }>('SELECT rule_json FROM alarm_rules ORDER BY id')
      .all()
      .map((row) => alarmRuleSchema.parse(JSON.parse(row.rule_json)))
  }

  /** Adds or replaces rules in one transaction. */
  saveRules(rules: readonly AlarmRule[], who: string | null, now: number): void {
    const upsert = this.db.prepare(
      `INSERT INTO alarm_rules (id, rule_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET rule_json = excluded.rule_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    this.durably(() => {
      for (const rule of rules) upsert.run(rule.id, JSON.stringify(rule), now, who)
    }, now)
  }

  states(): Map<string, AlarmStateSnapshot> {
    const rows = this.db.prepare<{ rule_id: string; snapshot_json: string }>('SELECT rule_id, snapshot_json FROM alarm_states').all()
    return new Map(rows.map((row) => [row.rule_id, JSON.parse(row.snapshot_json) as AlarmStateSnapshot]))
  }

  journal(filter: { ruleId?: string; from?: number; to?: number; limit?: number }): AlarmJournalEntry[] {
    const where: string[] = []
    const params: unknown[] = []
    const add = (clause: string, value: unknown): void => {
      where.push(clause)
      params.push(value)
    }
    if (filter.ruleId !== undefined) add('rule_id = ?', filter.ruleId)
    if (filter.from !== undefined) add('at >= ?', filter.from)
    if (filter.to !== undefined) add('at <= ?', filter.to)
    const sql = `SELECT * FROM alarm_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`
    return this.db
      .prepare<JournalRow>(sql)
      .all(...params, filter.limit ?? 1000)
      .map(journalEntryOf)
  }

  /** Outbox entries not yet handed to the notifier, oldest first. */
  waitingOutbox(limit = 1000): OutboxEntry[] {
    return this.db
      .prepare<JournalRow & { outbox_id: number }>(
        `SELECT o.id AS outbox_id, j.* FROM alarm_outbox o JOIN alarm_journal j ON j.id = o.journal_id
         WHERE o.dispatched_at IS NULL ORDER BY o.id LIMIT ?`,
      )
      .all(limit)
      .map((row) => {
        const { id, ...transition } = journalEntryOf(row)
        return { outboxId: row.outbox_id, journalId: id, transition }
      })
  }

  journalEntry(journalId: number): AlarmJournalEntry | undefined {
    const row = this.db.prepare<JournalRow>('SELECT * FROM alarm_journal WHERE id = ?').get(journalId)
    return row ? journalEntryOf(row) : undefined
  }

  markDispatched(outboxIds: readonly number[], now: number): void {
    const mark = this.db.prepare('UPDATE alarm_outbox SET dispatched_at = ? WHERE id = ?')
    this.db.transaction(() => {
      for (const id of outboxIds) mark.run(now, id)
    })()
  }

  close(): void {
    this.syncIfDue(Date.now(), true)
    this.db.close()
  }
}

function journalEntryOf(row: JournalRow): AlarmJournalEntry {
  return {
    id: row.id,
    ruleId: row.rule_id,
    eventId: row.event_id,
    at: row.at,
    from: row.from_state as AlarmJournalEntry['from'],
    to: row.to_state as AlarmJournalEntry['to'],
    cause: row.cause as AlarmJournalEntry['cause'],
    value: JSON.parse(row.value_json) as AlarmJournalEntry['value'],
    who: row.who,
    comment: row.comment,
    shelved: row.shelved === 1,
    suppressed: row.suppressed === 1,
    definition: row.definition_json === null ? null : alarmRuleSchema.parse(JSON.parse(row.definition_json)),
  }
}
