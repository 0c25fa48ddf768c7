// From the outbox to messages: transitions are routed into groups per target (one transaction with marking them
// dispatched), a group becomes one delivery when its wait or interval is over, and deliveries are sent with retries and
// backoff until they go through. Every step is in alarms.db. A delivery is claimed ('sending', synced to disk) before it
// is sent and marked sent (synced) after the server's answer; SMTP also records reaching the end of data. A restart finds
// the claims a crash left and resolves them: a webhook is sent again with the same Idempotency-Key (the receiver drops
// a repeat: exactly once for it), a mail the server cannot have accepted is sent again (exactly once), and a mail it may
// have accepted is sent again with the same Message-ID (at least once; a second copy is recognisably the same message).
import { randomUUID } from 'node:crypto'
import type { AlarmDelivery, AlarmRule, AlarmTarget, AlarmTargetInfo, AlarmTransition } from '../../../preload/contract'
import { alarmTargetSchema } from '../../../preload/contract'
import type { Database } from '../../database/sqlite'
import type { SecretBox } from '../../secrets/secret-box'
import type { AlarmStore } from './alarm-store'
import { deliver, DeliveryError, type NotificationPayload, type NotifiedTransition } from './notification-senders'

export interface AlarmNotifierOptions {
  db: Database
  outbox: AlarmStore
  box: SecretBox
  rule(ruleId: string): AlarmRule | undefined
  /** The rules among these whose alarm is still unacknowledged, with their current state (for repeats). */
  stillUnacknowledged(ruleIds: readonly string[]): NotifiedTransition[]
  now?: () => number
  /** How often groups and retries are looked at (default 1 s; 0 = only when pump is called). */
  pumpMs?: number
  /** Backoff of a failed delivery: first wait, doubled each time up to the cap. */
  retryFirstMs?: number
  retryMaxMs?: number
  /** After this many failed attempts a delivery is given up and reported. */
  maxAttempts?: number
  onNotice?(level: 'warning' | 'error', message: string): void
}

export class AlarmTargetError extends Error {
  constructor(
    readonly kind: 'not-found' | 'invalid',
    message: string,
  ) {
    super(message)
  }
}

interface GroupRow {
  target_id: string
  group_key: string
  first_waiting_at: number | null
  last_sent_at: number | null
  sent_count: number
}

interface DeliveryRow {
  id: number
  target_id: string
  group_key: string
  idempotency_key: string
  payload_json: string
  transitions: number
  created_at: number
  status: 'pending' | 'sending' | 'sent' | 'failed'
  attempts: number
  next_attempt_at: number | null
  sent_at: number | null
  last_error: string | null
  claimed_at: number | null
  phase: 'end-of-data' | null
  note: string | null
}

/** What a restart does with a claim a crash left, and says so on the delivery. */
export const RESTART_NOTES = {
  webhook:
    'The app stopped while this was being sent (its outcome unknown): sent again with the same Idempotency-Key, which the receiver uses to drop a repeat',
  smtpBeforeEnd: 'The app stopped before the message was complete (the server cannot have accepted it): sent again',
  smtpAfterEnd:
    'The app stopped after the whole message reached the server but before its answer: sent again with the same Message-ID (it may arrive twice, recognisably the same message)',
} as const

export class AlarmNotifier {
  private readonly db: Database
  private readonly now: () => number
  private readonly timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private closed = false

  constructor(private readonly options: AlarmNotifierOptions) {
    this.db = options.db
    this.now = options.now ?? Date.now
    const every = options.pumpMs ?? 1000
    this.resolveClaims()
    if (every > 0) {
      this.timer = setInterval(() => void this.pump(), every)
      this.timer.unref()
    }
  }

  /** Claims left by a crash (only this process sends from this alarms.db): back to pending, saying why, due now. */
  private resolveClaims(): void {
    const claimed = this.db.prepare<DeliveryRow>(`SELECT * FROM alarm_deliveries WHERE status = 'sending'`).all()
    if (claimed.length === 0) return
    const now = this.now()
    const kinds = new Map(this.targets().map((t) => [t.id, t.channel.kind]))
    const update = this.db.prepare(`UPDATE alarm_deliveries SET status = 'pending', next_attempt_at = ?, note = ? WHERE id = ?`)
    this.options.outbox.durably(() => {
      for (const row of claimed) {
        const note =
          kinds.get(row.target_id) === 'smtp' ? (row.phase === 'end-of-data' ? RESTART_NOTES.smtpAfterEnd : RESTART_NOTES.smtpBeforeEnd) : RESTART_NOTES.webhook
        update.run(now, note, row.id)
      }
    }, now)
  }

  targets(): AlarmTargetInfo[] {
    return this.db
      .prepare<{ target_json: string; sealed_secret: string | null }>('SELECT target_json, sealed_secret FROM alarm_targets ORDER BY id')
      .all()
      .map((row) => ({ ...alarmTargetSchema.parse(JSON.parse(row.target_json)), hasSecret: row.sealed_secret !== null }))
  }

  /** Saves a target; `secret` undefined keeps the sealed one, '' removes it. */
  saveTarget(target: AlarmTarget, secret: string | undefined): AlarmTargetInfo {
    const sealed = secret === undefined ? undefined : secret === '' ? null : this.options.box.seal(secret)
    const now = this.now()
    this.options.outbox.durably(
      () =>
        this.db
          .prepare(
            `INSERT INTO alarm_targets (id, target_json, sealed_secret, updated_at) VALUES (@id, @json, @sealed, @now)
             ON CONFLICT (id) DO UPDATE SET target_json = excluded.target_json, updated_at = excluded.updated_at,
               sealed_secret = CASE WHEN @keep = 1 THEN alarm_targets.sealed_secret ELSE excluded.sealed_secret END`,
          )
          .run({ id: target.id, json: JSON.stringify(target), sealed: sealed ?? null, now, keep: sealed === undefined ? 1 : 0 }),
      now,
    )
    return this.targets().find((t) => t.id === target.id)!
  }

  deleteTarget(targetId: string): boolean {
    return this.options.outbox.durably(() => {
      this.db.prepare('DELETE FROM alarm_group_waiting WHERE target_id = ?').run(targetId)
      this.db.prepare('DELETE FROM alarm_groups WHERE target_id = ?').run(targetId)
      this.db
        .prepare(`UPDATE alarm_deliveries SET status = 'failed', last_error = 'target deleted' WHERE target_id = ? AND status IN ('pending', 'sending')`)
        .run(targetId)
      return this.db.prepare('DELETE FROM alarm_targets WHERE id = ?').run(targetId).changes > 0
    }, this.now())
  }

  /** One test message now, outside the outbox: says what the server answered or why it failed. */
  async sendTest(targetId: string): Promise<{ ok: boolean; message: string }> {
    const { target, secret } = this.targetWithSecret(targetId)
    const now = this.now()
    const payload: NotificationPayload = { kind: 'test', targetId, groupKey: 'test', idempotencyKey: `test-${randomUUID()}`, createdAt: now, transitions: [] }
    try {
      return { ok: true, message: await deliver(target, secret, payload, now) }
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) }
    }
  }

  deliveries(filter?: { targetId?: string; limit?: number }): AlarmDelivery[] {
    const rows = filter?.targetId
      ? this.db.prepare<DeliveryRow>('SELECT * FROM alarm_deliveries WHERE target_id = ? ORDER BY id DESC LIMIT ?').all(filter.targetId, filter.limit ?? 200)
      : this.db.prepare<DeliveryRow>('SELECT * FROM alarm_deliveries ORDER BY id DESC LIMIT ?').all(filter?.limit ?? 200)
    return rows.map((r) => ({
      id: r.id,
      targetId: r.target_id,
      groupKey: r.group_key,
      idempotencyKey: r.idempotency_key,
      createdAt: r.created_at,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      sentAt: r.sent_at,
      lastError: r.last_error,
      transitions: r.transitions,
      note: r.note,
    }))
  }

  /** Routes the outbox, forms due groups, sends due deliveries. Calls while one runs make it run once more after. */
  pump(): Promise<void> {
    if (this.closed) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        const now = this.now()
        this.route(now)
        this.formGroups(now)
        await this.sendDue()
      } while (this.again && !this.closed)
    })().finally(() => (this.running = undefined))
    return this.running
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    await this.running
  }

  private enabledTargets(): AlarmTarget[] {
    return this.targets().filter((t) => t.enabled)
  }

  private targetWithSecret(targetId: string): { target: AlarmTarget; secret: string | null } {
    const row = this.db
      .prepare<{ target_json: string; sealed_secret: string | null }>('SELECT target_json, sealed_secret FROM alarm_targets WHERE id = ?')
      .get(targetId)
    if (!row) throw new AlarmTargetError('not-found', `Notification target ${targetId} does not exist — check the target list`)
    return {
      target: alarmTargetSchema.parse(JSON.parse(row.target_json)),
      secret: row.sealed_secret === null ? null : this.options.box.open(row.sealed_secret),
    }
  }

  /** Outbox entries into each enabled target's groups, and marked dispatched, in one transaction. */
  private route(now: number): void {
    const waiting = this.options.outbox.waitingOutbox()
    if (waiting.length === 0) return
    const targets = this.enabledTargets()
    const addGroup = this.db.prepare(
      `INSERT INTO alarm_groups (target_id, group_key, first_waiting_at) VALUES (?, ?, ?)
       ON CONFLICT (target_id, group_key) DO UPDATE SET first_waiting_at = coalesce(alarm_groups.first_waiting_at, excluded.first_waiting_at)`,
    )
    const addWaiting = this.db.prepare('INSERT OR IGNORE INTO alarm_group_waiting (target_id, group_key, journal_id) VALUES (?, ?, ?)')
    this.db.transaction(() => {
      for (const entry of waiting) {
        const rule = this.options.rule(entry.transition.ruleId)
        for (const target of targets) {
          if ((rule?.severity ?? 1000) < target.minSeverity) continue
          const key = groupKeyOf(target, entry.transition.ruleId, rule)
          addGroup.run(target.id, key, now)
          addWaiting.run(target.id, key, entry.journalId)
        }
      }
      this.options.outbox.markDispatched(
        waiting.map((w) => w.outboxId),
        now,
      )
    })()
  }

  /** Groups whose wait (first message) or interval (later ones) is over become one delivery each; repeats are added. */
  private formGroups(now: number): void {
    const targets = new Map(this.enabledTargets().map((t) => [t.id, t]))
    const groups = this.db.prepare<GroupRow>('SELECT * FROM alarm_groups').all()
    for (const group of groups) {
      const target = targets.get(group.target_id)
      if (!target) continue
      const { waitMs, intervalMs, repeatMs } = target.grouping
      if (group.first_waiting_at !== null) {
        const due = group.last_sent_at === null ? group.first_waiting_at + waitMs : Math.max(group.first_waiting_at + waitMs, group.last_sent_at + intervalMs)
        if (now >= due) this.formDelivery(target, group, now)
      } else if (repeatMs > 0 && group.last_sent_at !== null && now >= group.last_sent_at + repeatMs) this.formReminder(target, group, now)
    }
  }

  private formDelivery(target: AlarmTarget, group: GroupRow, now: number): void {
    const journalIds = this.db
      .prepare<{ journal_id: number }>('SELECT journal_id FROM alarm_group_waiting WHERE target_id = ? AND group_key = ? ORDER BY journal_id')
      .all(group.target_id, group.group_key)
      .map((r) => r.journal_id)
    const transitions = journalIds.flatMap((id) => {
      const t = this.options.outbox.journalEntry(id)
      return t ? [this.describe(t)] : []
    })
    this.db.transaction(() => {
      if (transitions.length > 0) this.insertDelivery(target, group, 'alarms', transitions, now)
      this.db.prepare('DELETE FROM alarm_group_waiting WHERE target_id = ? AND group_key = ?').run(group.target_id, group.group_key)
      this.db
        .prepare('UPDATE alarm_groups SET first_waiting_at = NULL, last_sent_at = ?, sent_count = sent_count + 1 WHERE target_id = ? AND group_key = ?')
        .run(now, group.target_id, group.group_key)
    })()
  }

  private formReminder(target: AlarmTarget, group: GroupRow, now: number): void {
    const ruleIds = this.lastRuleIdsOf(group)
    const still = this.options.stillUnacknowledged(ruleIds)
    this.db.transaction(() => {
      if (still.length > 0) this.insertDelivery(target, group, 'reminder', still, now)
      // Nothing left to remind of: the group rests until the next transition.
      if (still.length > 0)
        this.db.prepare('UPDATE alarm_groups SET last_sent_at = ? WHERE target_id = ? AND group_key = ?').run(now, group.target_id, group.group_key)
      else this.db.prepare('DELETE FROM alarm_groups WHERE target_id = ? AND group_key = ?').run(group.target_id, group.group_key)
    })()
  }

  private lastRuleIdsOf(group: GroupRow): string[] {
    const last = this.db
      .prepare<{ payload_json: string }>('SELECT payload_json FROM alarm_deliveries WHERE target_id = ? AND group_key = ? ORDER BY id DESC LIMIT 1')
      .get(group.target_id, group.group_key)
    if (!last) return []
    return [...new Set((JSON.parse(last.payload_json) as NotificationPayload).transitions.map((t) => t.ruleId))]
  }

  private insertDelivery(target: AlarmTarget, group: GroupRow, kind: NotificationPayload['kind'], transitions: NotifiedTransition[], now: number): void {
    const idempotencyKey = randomUUID()
    const payload: NotificationPayload = { kind, targetId: target.id, groupKey: group.group_key, idempotencyKey, createdAt: now, transitions }
    this.db
      .prepare(
        `INSERT INTO alarm_deliveries (target_id, group_key, idempotency_key, payload_json, transitions, created_at, status, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(target.id, group.group_key, idempotencyKey, JSON.stringify(payload), transitions.length, now, now)
  }

  private async sendDue(): Promise<void> {
    const due = this.db
      .prepare<DeliveryRow>(`SELECT * FROM alarm_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 100`)
      .all(this.now())
    const failedTargets = new Set<string>()
    for (const row of due) {
      if (this.closed) return
      // One failure per target per round: the next delivery to a server that is down waits for its own retry.
      if (failedTargets.has(row.target_id)) continue
      let target: { target: AlarmTarget; secret: string | null }
      try {
        target = this.targetWithSecret(row.target_id)
      } catch (error) {
        this.fail(row, error instanceof Error ? error.message : String(error), false)
        continue
      }
      // The claim is synced to disk (and with it every transition this message tells of) before anything leaves.
      const claimedAt = this.now()
      this.options.outbox.durably(
        () => this.db.prepare(`UPDATE alarm_deliveries SET status = 'sending', claimed_at = ?, phase = NULL WHERE id = ?`).run(claimedAt, row.id),
        claimedAt,
      )
      const endOfData = (): void => {
        const at = this.now()
        this.options.outbox.durably(() => this.db.prepare(`UPDATE alarm_deliveries SET phase = 'end-of-data' WHERE id = ?`).run(row.id), at)
      }
      try {
        await deliver(target.target, target.secret, JSON.parse(row.payload_json) as NotificationPayload, this.now(), { endOfData })
        const sentAt = this.now()
        this.options.outbox.durably(
          () =>
            this.db
              .prepare(
                `UPDATE alarm_deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL WHERE id = ?`,
              )
              .run(sentAt, row.id),
          sentAt,
        )
      } catch (error) {
        failedTargets.add(row.target_id)
        const retry = error instanceof DeliveryError ? error.retry : true
        this.fail(row, error instanceof Error ? error.message : String(error), retry)
      }
    }
  }

  private fail(row: DeliveryRow, message: string, retry: boolean): void {
    const attempts = row.attempts + 1
    const giveUp = !retry || attempts >= (this.options.maxAttempts ?? 50)
    const wait = Math.min(this.options.retryMaxMs ?? 300_000, (this.options.retryFirstMs ?? 1000) * 2 ** (attempts - 1))
    this.db
      .prepare('UPDATE alarm_deliveries SET attempts = ?, last_error = ?, status = ?, next_attempt_at = ? WHERE id = ?')
      .run(attempts, message, giveUp ? 'failed' : 'pending', giveUp ? null : this.now() + wait, row.id)
    if (giveUp)
      this.options.onNotice?.('error', `Alarm notification to ${row.target_id} given up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${message}`)
    else if (attempts === 1) this.options.onNotice?.('warning', `Alarm notification to ${row.target_id} failed, retrying: ${message}`)
  }

  private describe(t: AlarmTransition): NotifiedTransition {
    const rule = this.options.rule(t.ruleId)
    return {
      ...t,
      ruleName: rule?.name ?? t.ruleId,
      tagId: rule?.tagId ?? '',
      severity: rule?.severity ?? 0,
      machine: rule?.machine ?? null,
      message: rule?.message ?? null,
    }
  }
}

function groupKeyOf(target: AlarmTarget, ruleId: string, rule: AlarmRule | undefined): string {
  switch (target.grouping.by) {
    case 'rule':
      return `rule:${ruleId}`
    case 'machine':
      return `machine:${rule?.machine ?? '(none)'}`
    case 'all':
      return 'all'
  }
}
