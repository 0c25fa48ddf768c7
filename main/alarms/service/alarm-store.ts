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

export class AlarmStore {
  private readonly insertJournal: Statement
  private readonly insertOutbox: Statement
  private readonly upsertState: Statement
  private readonly writeTransitions: (transitions: readonly AlarmTransition[], snapshots: readonly AlarmStateSnapshot[], now: number) => void

  constructor(readonly db: Database) {
    this.insertJournal = db.prepare(
      `INSERT INTO alarm_journal (rule_id, event_id, at, from_state, to_state, cause, value_json, who, comment, shelved, suppressed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        ).lastInsertRowid
        if (isNotifiable(t)) this.insertOutbox.run(journalId, t.ruleId, now)
      }
      for (const s of snapshots) this.upsertState.run(s.ruleId, JSON.stringify(s), now)
    })
  }

  /** The journal entries, the outbox entries and the new states of the rules they touched, in one transaction. */
  commit(transitions: readonly AlarmTransition[], snapshots: readonly AlarmStateSnapshot[], now: number): void {
    this.writeTransitions(transitions, snapshots, now)
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
    this.db.transaction(() => {
      for (const rule of rules) upsert.run(rule.id, JSON.stringify(rule), now, who)
    })()
  }

  deleteRule(ruleId: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM alarm_states WHERE rule_id = ?').run(ruleId)
      return this.db.prepare('DELETE FROM alarm_rules WHERE id = ?').run(ruleId).changes > 0
    })()
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
  }
}
