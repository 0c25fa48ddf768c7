import { z } from 'zod'
import { tagIdSchema } from './schemas'

const DAY_MS = 86_400_000
const durationMs = z
  .number()
  .int()
  .min(0)
  .max(30 * DAY_MS)

/** What makes a rule's condition true (the alarm itself then follows the delays and the state machine). */
export const alarmConditionSchema = z.discriminatedUnion('kind', [
  /** Active above `limit`; back to normal only below `limit - deadband` (OPC UA Part 9 AlarmDeadband). */
  z.object({ kind: z.literal('high'), limit: z.number(), deadband: z.number().min(0).default(0) }).strict(),
  /** Active below `limit`; back to normal only above `limit + deadband`. */
  z.object({ kind: z.literal('low'), limit: z.number(), deadband: z.number().min(0).default(0) }).strict(),
  /** Active while the change over each `windowMs` exceeds `perSecond` (units per second) in the given direction. */
  z
    .object({
      kind: z.literal('rateOfChange'),
      perSecond: z.number().positive('the rate limit must be above 0'),
      windowMs: z.number().int().min(100).max(DAY_MS).default(1_000),
      direction: z.enum(['rising', 'falling', 'either']).default('either'),
    })
    .strict(),
  /** Active when no value has arrived for `afterMs`, or the connection marked the tag stale. */
  z.object({ kind: z.literal('stale'), afterMs: z.number().int().min(100).max(DAY_MS) }).strict(),
  /** Active while the tag's quality is bad (or uncertain too, when `includeUncertain`). */
  z.object({ kind: z.literal('badQuality'), includeUncertain: z.boolean().default(false) }).strict(),
  /** Active once the tag has held one of `states` (numbers or text, e.g. 5 = Faulted) for longer than `forMs`. */
  z
    .object({
      kind: z.literal('stateHeld'),
      states: z.array(z.union([z.number(), z.string().max(100)])).min(1, 'name at least one state'),
      forMs: durationMs,
    })
    .strict(),
  /**
   * Robust z-score of windowed features (median and 90th percentile of each window) against a baseline learned from a
   * chosen normal period of the history: active while a feature is more than `threshold` robust deviations above normal.
   */
  z
    .object({
      kind: z.literal('anomaly'),
      windowMs: z.number().int().min(1_000).max(DAY_MS).default(60_000),
      threshold: z.number().positive().default(6),
      /** A window with fewer values is not judged. */
      minSamples: z.number().int().min(3).max(4096).default(10),
      baseline: z
        .object({
          from: z.number(),
          to: z.number(),
          /** Learned from the history of from…to when the rule is saved (left out: learned then). */
          features: z.array(z.object({ name: z.enum(['median', 'p90']), median: z.number(), mad: z.number().min(0) }).strict()).optional(),
        })
        .strict()
        .refine((b) => b.to > b.from, 'the normal period must end after it starts'),
    })
    .strict(),
])
export type AlarmCondition = z.infer<typeof alarmConditionSchema>
export type AlarmConditionInput = z.input<typeof alarmConditionSchema>

export const alarmRuleSchema = z
  .object({
    id: z
      .string()
      .min(1, 'the rule id is empty')
      .max(200)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and . _ : - in a rule id'),
    name: z.string().min(1, 'the rule needs a name').max(200),
    tagId: tagIdSchema,
    condition: alarmConditionSchema,
    /** 1 (low) to 1000 (urgent), as OPC UA Part 9 Severity. */
    severity: z.number().int().min(1).max(1000).default(500),
    /** The machine the rule belongs to: its planned stops suppress the rule. */
    machine: z.string().max(200).optional(),
    enabled: z.boolean().default(true),
    /** The condition must hold this long before the alarm is raised (Part 9 OnDelay). */
    onDelayMs: durationMs.default(0),
    /** The condition must be gone this long before the alarm clears (Part 9 OffDelay). */
    offDelayMs: durationMs.default(0),
    /** An alarm still active this long after it was raised is raised again, unacknowledged (Part 9 ReAlarmTime); 0 = never. */
    reAlarmMs: durationMs.default(0),
    message: z.string().max(500).optional(),
  })
  .strict()
export type AlarmRule = z.infer<typeof alarmRuleSchema>
export type AlarmRuleInput = z.input<typeof alarmRuleSchema>

export const alarmStates = ['normal', 'pending', 'active-unacknowledged', 'active-acknowledged', 'cleared-unacknowledged'] as const
export const alarmStateSchema = z.enum(alarmStates)
export type AlarmStateName = z.infer<typeof alarmStateSchema>

export const alarmCauses = [
  'condition',
  'on-delay',
  'off-delay',
  're-alarm',
  'acknowledge',
  'shelve',
  'unshelve',
  'shelve-expired',
  'suppress',
  'unsuppress',
  'rule-changed',
  'rule-deleted',
] as const
export const alarmCauseSchema = z.enum(alarmCauses)
export type AlarmCause = z.infer<typeof alarmCauseSchema>

const alarmValueSchema = z.union([z.number(), z.boolean(), z.string(), z.null()])

/** One entry of the journal: every change of an alarm's state, shelving or suppression. */
export const alarmTransitionSchema = z.object({
  ruleId: z.string(),
  /** One id per raise: a new event after a clear gets a new id. */
  eventId: z.string().nullable(),
  at: z.number(),
  from: alarmStateSchema,
  to: alarmStateSchema,
  cause: alarmCauseSchema,
  value: alarmValueSchema,
  /** The person for acknowledge/shelve/suppress; null for the engine. */
  who: z.string().nullable(),
  comment: z.string().nullable(),
  shelved: z.boolean(),
  suppressed: z.boolean(),
})
export type AlarmTransition = z.infer<typeof alarmTransitionSchema>

export const alarmJournalEntrySchema = alarmTransitionSchema.extend({
  id: z.number(),
  /** The rule's whole definition as it was, on a 'rule-deleted' entry (null on every other). */
  definition: alarmRuleSchema.nullable(),
})
export type AlarmJournalEntry = z.infer<typeof alarmJournalEntrySchema>

/** An alarm as the summary shows it. */
export const activeAlarmSchema = z.object({
  ruleId: z.string(),
  name: z.string(),
  tagId: z.string(),
  machine: z.string().nullable(),
  severity: z.number(),
  message: z.string().nullable(),
  state: alarmStateSchema,
  eventId: z.string().nullable(),
  activeSince: z.number().nullable(),
  lastValue: alarmValueSchema,
  shelvedUntil: z.number().nullable(),
  suppressed: z.boolean(),
})
export type ActiveAlarm = z.infer<typeof activeAlarmSchema>

/** Shelved alarms are left out of active and unacknowledged and counted on their own. */
export const alarmCountSchema = z.object({ active: z.number(), unacknowledged: z.number(), shelved: z.number() })
export type AlarmCount = z.infer<typeof alarmCountSchema>

const ruleIdSchema = z.string().min(1).max(200)
const who = z.string().min(1).max(200).optional()

export const alarmsRequests = {
  'alarms.rules': { input: z.object({}).strict().optional(), output: z.array(alarmRuleSchema) },
  /** Adds a rule or replaces the one with its id. */
  'alarms.saveRule': { input: z.object({ rule: alarmRuleSchema, who }).strict(), output: alarmRuleSchema },
  /** Removes a rule; the journal keeps who, when, the reason given and the rule's whole definition. */
  'alarms.deleteRule': {
    input: z.object({ ruleId: ruleIdSchema, who, comment: z.string().max(1000).optional() }).strict(),
    output: z.object({ deleted: z.boolean() }),
  },
  /** Alarms not in the normal state (shelved ones included, flagged), most severe first. */
  'alarms.active': {
    input: z
      .object({ search: z.string().max(200).optional(), includeShelved: z.boolean().optional() })
      .strict()
      .optional(),
    output: z.array(activeAlarmSchema),
  },
  'alarms.acknowledge': {
    input: z.object({ ruleIds: z.array(ruleIdSchema).min(1).max(10_000), who, comment: z.string().max(1000).optional() }).strict(),
    output: z.object({ acknowledged: z.array(z.string()) }),
  },
  /** Shelves for a duration (it expires on its own); `durationMs: 0` unshelves. */
  'alarms.shelve': {
    input: z
      .object({
        ruleIds: z.array(ruleIdSchema).min(1).max(10_000),
        durationMs: z
          .number()
          .int()
          .min(0)
          .max(7 * DAY_MS),
        who,
        comment: z.string().max(1000).optional(),
      })
      .strict(),
    output: z.object({ shelved: z.array(z.string()) }),
  },
  /** Suppresses (or releases) every rule of a machine, e.g. during a planned stop. */
  'alarms.suppress': {
    input: z.object({ machine: z.string().min(1).max(200), suppressed: z.boolean(), who }).strict(),
    output: z.object({ rules: z.number() }),
  },
  'alarms.journal': {
    input: z
      .object({
        ruleId: ruleIdSchema.optional(),
        from: z.number().optional(),
        to: z.number().optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict()
      .optional(),
    output: z.array(alarmJournalEntrySchema),
  },
  /** Writes the journal of a range as CSV or JSON into <dataDir>/exports/ and says where. */
  'alarms.exportJournal': {
    input: z.object({ from: z.number().optional(), to: z.number().optional(), format: z.enum(['csv', 'json']) }).strict(),
    output: z.object({ file: z.string(), entries: z.number() }),
  },
  /** Replays a rule over the last `hours` of recorded history: when it would have fired, and the values it saw. */
  'alarms.preview': {
    input: z
      .object({
        rule: alarmRuleSchema,
        hours: z
          .number()
          .positive()
          .max(24 * 31),
        now: z.number().optional(),
      })
      .strict(),
    output: z.object({
      from: z.number(),
      to: z.number(),
      transitions: z.array(alarmTransitionSchema),
      /** How many times it would have been raised. */
      raised: z.number(),
      samples: z.number(),
      series: z.object({ t: z.array(z.number()), v: z.array(z.number().nullable()) }),
    }),
  },
  'alarms.exportRules': { input: z.object({}).strict().optional(), output: z.object({ yaml: z.string() }) },
  /** Rules from YAML (a list, or `rules:` with a list); each is checked, and a bad one names its place and what is wrong. */
  'alarms.importRules': {
    input: z.object({ yaml: z.string().max(5_000_000), who }).strict(),
    output: z.object({ imported: z.number(), ids: z.array(z.string()) }),
  },
} as const

/** How notifications are grouped so a flapping tag sends a few messages, not a thousand (Alertmanager's meanings). */
export const alarmGroupingSchema = z
  .object({
    /** One message per rule, per machine, or one for all. */
    by: z.enum(['rule', 'machine', 'all']).default('rule'),
    /** Wait this long after a group's first transition before the first message (more may join). */
    waitMs: durationMs.default(30_000),
    /** After a message, the next one for the same group waits at least this long. */
    intervalMs: durationMs.default(300_000),
    /** An alarm still unacknowledged is sent again after this long without news; 0 = never. */
    repeatMs: durationMs.default(4 * 3_600_000),
  })
  .strict()
export type AlarmGrouping = z.infer<typeof alarmGroupingSchema>

const hostSchema = z.string().min(1, 'the mail server host is empty').max(253)
const emailSchema = z.string().email('not an e-mail address').max(320)

export const smtpTargetConfigSchema = z
  .object({
    host: hostSchema,
    port: z.number().int().min(1).max(65535).default(587),
    /** 'tls': TLS from the first byte (port 465); 'starttls': required upgrade (587); 'none': plain, for a relay on this machine. */
    security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
    /** A server certificate not signed by a known authority is accepted only when it is this PEM. */
    caPem: z.string().max(100_000).optional(),
    user: z.string().max(320).optional(),
    from: emailSchema,
    to: z.array(emailSchema).min(1, 'name at least one recipient').max(100),
  })
  .strict()
export type SmtpTargetConfig = z.infer<typeof smtpTargetConfigSchema>

export const webhookTargetConfigSchema = z
  .object({
    url: z
      .string()
      .url('not a URL')
      .max(2000)
      .refine((u) => /^https?:\/\//i.test(u), 'use an http:// or https:// URL'),
    /** Extra headers (e.g. an API key header); never the signature or idempotency headers. */
    headers: z.record(z.string().max(200), z.string().max(2000)).default({}),
  })
  .strict()
export type WebhookTargetConfig = z.infer<typeof webhookTargetConfigSchema>

export const alarmTargetSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and . _ : - in a target id'),
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    /** Only alarms at least this severe are sent. */
    minSeverity: z.number().int().min(1).max(1000).default(1),
    grouping: alarmGroupingSchema.prefault({}),
    channel: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('smtp'), smtp: smtpTargetConfigSchema }).strict(),
      z.object({ kind: z.literal('webhook'), webhook: webhookTargetConfigSchema }).strict(),
    ]),
  })
  .strict()
export type AlarmTarget = z.infer<typeof alarmTargetSchema>
export type AlarmTargetInput = z.input<typeof alarmTargetSchema>

/** A target as listed: the sealed secret (SMTP password, webhook HMAC key) never leaves main. */
export const alarmTargetInfoSchema = alarmTargetSchema.extend({ hasSecret: z.boolean() })
export type AlarmTargetInfo = z.infer<typeof alarmTargetInfoSchema>

export const alarmDeliverySchema = z.object({
  id: z.number(),
  targetId: z.string(),
  groupKey: z.string(),
  idempotencyKey: z.string(),
  createdAt: z.number(),
  /** 'sending': claimed and handed to the server, its answer not yet recorded (resolved on a restart). */
  status: z.enum(['pending', 'sending', 'sent', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.number().nullable(),
  sentAt: z.number().nullable(),
  lastError: z.string().nullable(),
  transitions: z.number(),
  /** What a restart found and did, e.g. sent again with the same key because the first attempt's outcome was unknown. */
  note: z.string().nullable(),
})
export type AlarmDelivery = z.infer<typeof alarmDeliverySchema>

export const alarmsNotifyRequests = {
  'alarms.targets': { input: z.object({}).strict().optional(), output: z.array(alarmTargetInfoSchema) },
  /** `secret` is the SMTP password or the webhook HMAC key; left out, the stored one is kept; '' removes it. */
  'alarms.saveTarget': {
    input: z.object({ target: alarmTargetSchema, secret: z.string().max(10_000).optional() }).strict(),
    output: alarmTargetInfoSchema,
  },
  'alarms.deleteTarget': { input: z.object({ targetId: z.string().min(1).max(200) }).strict(), output: z.object({ deleted: z.boolean() }) },
  /** Sends one test message to the target now (outside the outbox) and says how it went. */
  'alarms.sendTest': {
    input: z.object({ targetId: z.string().min(1).max(200) }).strict(),
    output: z.object({ ok: z.boolean(), message: z.string() }),
  },
  'alarms.deliveries': {
    input: z
      .object({ targetId: z.string().max(200).optional(), limit: z.number().int().min(1).max(10_000).optional() })
      .strict()
      .optional(),
    output: z.array(alarmDeliverySchema),
  },
} as const
