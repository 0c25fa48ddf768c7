import { z } from 'zod'

/** 'no-data': nothing recorded (before the first sample, a NaN/bad sample); 'unknown': a value the state map lacks. */
export const oeeMachineStates = ['running', 'idle', 'starved', 'blocked', 'faulted', 'setup', 'planned-stop', 'unknown', 'no-data'] as const
export const oeeMachineStateSchema = z.enum(oeeMachineStates)
export type OeeMachineState = z.infer<typeof oeeMachineStateSchema>

/** Time without data: left out of planned production time (default), or counted as a breakdown. */
export const oeeNoDataTimeSchema = z.enum(['exclude', 'breakdown'])
export type OeeNoDataTime = z.infer<typeof oeeNoDataTimeSchema>

const ratio = z.number().nullable()
const sixLosses = z.object({
  breakdowns: z.number(),
  setupAndAdjustments: z.number(),
  minorStops: z.number(),
  reducedSpeed: z.number(),
  processDefects: z.number(),
  startupRejects: z.number(),
})
export type OeeSixLosses = z.infer<typeof sixLosses>

export const oeeMachineResultSchema = z.object({
  machine: z.string(),
  name: z.string(),
  availability: ratio,
  performance: ratio,
  quality: ratio,
  oee: ratio,
  /** Minutes: time in shifts, calendar planned stops (breaks…), planned-stop state, planned production, run (incl. minor stops), blocked+starved. */
  scheduledMin: z.number(),
  calendarPlannedStopMin: z.number(),
  plannedStopStateMin: z.number(),
  plannedProductionMin: z.number(),
  /** Planned calendar time with no recorded state; outside planned production time unless noDataTime is 'breakdown'. */
  noDataMin: z.number(),
  /** The part of lossMin.breakdowns that is no-data time (0 unless noDataTime is 'breakdown'). */
  noDataBreakdownMin: z.number(),
  runMin: z.number(),
  blockedStarvedMin: z.number(),
  blockedStarvedLossMin: z.number(),
  /** Good units × ideal cycle: the fully productive time. */
  fullyProductiveMin: z.number(),
  stateMin: z.record(z.string(), z.number()),
  counts: z.object({ total: z.number(), good: z.number(), reject: z.number() }),
  lossMin: sixLosses,
  lossUnits: sixLosses,
  flags: z.array(z.string()),
})
export type OeeMachineResult = z.infer<typeof oeeMachineResultSchema>

export const oeePeriodSchema = z.object({
  label: z.string(),
  kind: z.enum(['shift', 'day', 'week', 'range']),
  start: z.number(),
  end: z.number(),
  line: z.object({ measuredAt: z.string().nullable(), availability: ratio, performance: ratio, quality: ratio, oee: ratio }),
  bottleneck: z.object({ machine: z.string(), ownLossMin: z.number() }).nullable(),
  output: z.object({ total: z.number(), good: z.number() }),
  machines: z.array(oeeMachineResultSchema),
})
export type OeePeriod = z.infer<typeof oeePeriodSchema>

export const oeeSegmentSchema = z.object({ start: z.number(), end: z.number(), state: oeeMachineStateSchema, faultCode: z.number().optional() })
export type OeeSegment = z.infer<typeof oeeSegmentSchema>

const lineResult = oeePeriodSchema.pick({ line: true, bottleneck: true, output: true, machines: true })

/** Every configured line over the whole range, and the site: each figure weighted by the lines' planned production time. */
export const oeeSiteSchema = z.object({
  availability: ratio,
  performance: ratio,
  quality: ratio,
  oee: ratio,
  plannedProductionMin: z.number(),
  lines: z.array(lineResult.extend({ id: z.string(), name: z.string() })),
})
export type OeeSite = z.infer<typeof oeeSiteSchema>

export const oeeReportSchema = z.object({
  /** The line this report is of (its name and id); `site` has every line. */
  line: z.string(),
  lineId: z.string(),
  timeZone: z.string(),
  from: z.number(),
  to: z.number(),
  by: z.enum(['shift', 'day', 'week']),
  /** How no-data time was counted in this report. */
  noDataTime: oeeNoDataTimeSchema,
  /** The whole range as one period. */
  summary: oeePeriodSchema,
  /** One entry per shift, day or week: the trend. */
  periods: z.array(oeePeriodSchema),
  timeline: z.array(z.object({ machine: z.string(), segments: z.array(oeeSegmentSchema) })),
  warnings: z.array(z.string()),
  site: oeeSiteSchema,
})
export type OeeReport = z.infer<typeof oeeReportSchema>

export const oeeEventSchema = z.object({
  id: z.string(),
  machine: z.string(),
  start: z.number(),
  end: z.number(),
  durationS: z.number(),
  state: oeeMachineStateSchema,
  faultCode: z.number().optional(),
  minor: z.boolean(),
  reason: z.object({ categoryId: z.string(), reasonId: z.string() }).optional(),
  /** "Category / Reason" when coded. */
  reasonLabel: z.string().optional(),
  comment: z.string().optional(),
})
export type OeeEvent = z.infer<typeof oeeEventSchema>

export const oeeReasonTreeSchema = z.object({
  categories: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      /** Retired: kept for coded history, not offered for new coding. */
      retired: z.boolean().optional(),
      reasons: z.array(z.object({ id: z.string(), name: z.string(), retired: z.boolean().optional() })),
    }),
  ),
})
export type OeeReasonTree = z.infer<typeof oeeReasonTreeSchema>

export const oeeParetoSchema = z.array(
  z.object({
    categoryId: z.string().nullable(),
    category: z.string(),
    minutes: z.number(),
    events: z.number(),
    reasons: z.array(z.object({ reasonId: z.string().nullable(), reason: z.string(), minutes: z.number(), events: z.number() })),
  }),
)
export type OeePareto = z.infer<typeof oeeParetoSchema>

const tag = z.string().min(1, 'pick a tag').max(500)
const hhmm = z.string().max(5)

/** A machine as the settings screen edits it; main checks it again with the engine's schema and the tag list. */
export const oeeMachineConfigSchema = z.object({
  id: z.string().min(1, 'machine id is empty').max(200),
  name: z.string().max(200).optional(),
  state: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('enum'), tag, map: z.record(z.string().max(40), oeeMachineStateSchema), faultCodeTag: tag.optional() }),
    z.object({
      kind: z.literal('bits'),
      runningTag: tag,
      faultTag: tag,
      faultCodeTag: tag.optional(),
      speedTag: tag.optional(),
      minRunningSpeed: z.number().optional(),
      blockedTag: tag.optional(),
      starvedTag: tag.optional(),
      setupTag: tag.optional(),
    }),
  ]),
  counters: z.object({
    totalTag: tag.optional(),
    goodTag: tag.optional(),
    rejectTag: tag.optional(),
    bitWidth: z.union([z.literal(16), z.literal(32), z.literal('none')]).optional(),
  }),
  idealCycleS: z.number().optional(),
  idealRatePerMin: z.number().optional(),
  productTag: tag.optional(),
  products: z.record(z.string().max(40), z.object({ idealCycleS: z.number().optional(), idealRatePerMin: z.number().optional() })).optional(),
  minorStopThresholdS: z.number().optional(),
  blockedStarvedAgainstAvailability: z.boolean().optional(),
  startupWindowS: z.number().optional(),
})
export type OeeMachineConfig = z.infer<typeof oeeMachineConfigSchema>

export const oeeLineConfigSchema = z.object({
  /** Stays when the line is renamed; made from the name for a new line. */
  id: z.string().min(1, 'line id is empty').max(100).optional(),
  name: z.string().min(1, 'line name is empty').max(200),
  machines: z.array(oeeMachineConfigSchema).min(1, 'a line needs at least one machine').max(100),
})
export type OeeLineConfig = z.infer<typeof oeeLineConfigSchema>

export const oeeCalendarSchema = z.object({
  timeZone: z.string().min(1).max(100),
  shifts: z.array(z.object({ name: z.string().max(100), start: hhmm, end: hhmm, days: z.array(z.number().int()).max(7).optional() })).max(50),
  breaks: z
    .array(z.object({ start: hhmm, durationMin: z.number(), shifts: z.array(z.string().max(100)).max(50).optional() }))
    .max(200)
    .optional(),
  holidays: z.array(z.string().max(10)).max(1000).optional(),
  plannedStops: z
    .array(z.object({ from: z.string().max(40), to: z.string().max(40), reason: z.string().max(200).optional() }))
    .max(5000)
    .optional(),
  productionDayStart: hhmm.optional(),
})
export type OeeCalendar = z.infer<typeof oeeCalendarSchema>

export const oeeReasonRuleSchema = z.object({
  faultCodes: z.array(z.number().int()).max(1000).optional(),
  machine: z.string().max(200).optional(),
  state: oeeMachineStateSchema.optional(),
  reason: z.object({ categoryId: z.string().min(1), reasonId: z.string().min(1) }),
})
export type OeeReasonRule = z.infer<typeof oeeReasonRuleSchema>

const settingsChange = z.object({ at: z.number(), who: z.string() })
export const oeeSettingsSchema = z.object({
  /** The workstation's lines, each with its machines in material-flow order. */
  lines: z.array(oeeLineConfigSchema.extend({ id: z.string() })),
  calendar: oeeCalendarSchema,
  rules: z.array(oeeReasonRuleSchema),
  noDataTime: oeeNoDataTimeSchema,
  /** The last changes per part (newest first). */
  changes: z.object({
    line: z.array(settingsChange),
    calendar: z.array(settingsChange),
    rules: z.array(settingsChange),
    reasons: z.array(settingsChange),
    noDataTime: z.array(settingsChange),
  }),
})
export type OeeSettings = z.infer<typeof oeeSettingsSchema>

export const oeeEventHistorySchema = z.array(
  z.object({ eventId: z.string(), at: z.number(), who: z.string(), action: z.string(), before: oeeEventSchema.nullable(), after: oeeEventSchema.nullable() }),
)
export type OeeEventHistory = z.infer<typeof oeeEventHistorySchema>

const namedRange = z.object({ label: z.string(), from: z.number(), to: z.number() })
export const oeeRangesSchema = z.object({
  timeZone: z.string(),
  now: z.number(),
  /** The shift running now, or the last one that ended (weekends, holidays); null when the calendar has none. */
  currentShift: namedRange.extend({ running: z.boolean() }).nullable(),
  previousShift: namedRange.nullable(),
  /** The production day and ISO week that contain now (they start at the calendar's production-day start). */
  today: namedRange,
  week: namedRange,
  /** Shifts of the last 14 days, newest first, for picking one. */
  shifts: z.array(namedRange),
})
export type OeeRanges = z.infer<typeof oeeRangesSchema>

const reasonCode = z.object({ categoryId: z.string().min(1).max(200), reasonId: z.string().min(1).max(200) })
const name = z.string().max(200)
export const oeeReasonEditSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('addCategory'), name }),
  z.object({ op: z.literal('addReason'), categoryId: z.string().min(1).max(200), name }),
  z.object({ op: z.literal('renameCategory'), categoryId: z.string().min(1).max(200), name }),
  z.object({ op: z.literal('renameReason'), reason: reasonCode, name }),
  z.object({ op: z.literal('retireCategory'), categoryId: z.string().min(1).max(200), retired: z.boolean() }),
  z.object({ op: z.literal('retireReason'), reason: reasonCode, retired: z.boolean() }),
])
export type OeeReasonEdit = z.infer<typeof oeeReasonEditSchema>

const time = z.number().int().nonnegative()
const range = { from: time, to: time }
const ordered = (input: { from: number; to: number }): boolean => input.from < input.to
const rangeMessage = { message: '"from" must be before "to"' }
const eventId = z.string().min(1).max(300)
const who = z.string().min(1).max(100).optional()
const lineId = z.string().min(1).max(200)

export const oeeRequests = {
  /** One line's A, P, Q, OEE, losses, bottleneck and state timeline for a range (the first line unless `line` names one), its trend per shift, day or week, and every line with the site. */
  'oee.report': {
    input: z
      .object({ ...range, by: z.enum(['shift', 'day', 'week']).default('shift'), line: lineId.optional() })
      .strict()
      .refine(ordered, rangeMessage),
    output: oeeReportSchema,
  },
  /** Downtime events overlapping a range (detected events are stored first, so codes survive recomputation). */
  'oee.events': {
    input: z
      .object({
        ...range,
        machine: z.string().max(200).optional(),
        line: lineId.optional(),
        uncodedOnly: z.boolean().optional(),
        includeMinor: z.boolean().optional(),
        states: z.array(oeeMachineStateSchema).optional(),
      })
      .strict()
      .refine(ordered, rangeMessage),
    output: z.array(oeeEventSchema),
  },
  'oee.code': {
    input: z
      .object({ eventIds: z.array(eventId).min(1).max(5000), reason: z.object({ categoryId: z.string().min(1), reasonId: z.string().min(1) }).nullable(), who })
      .strict(),
    output: z.array(oeeEventSchema),
  },
  'oee.comment': { input: z.object({ eventId, text: z.string().max(2000), who }).strict(), output: oeeEventSchema },
  'oee.split': { input: z.object({ eventId, at: time, who }).strict(), output: z.array(oeeEventSchema) },
  'oee.merge': { input: z.object({ eventIds: z.array(eventId).min(2).max(500), who }).strict(), output: oeeEventSchema },
  'oee.reasons': { input: z.object({}).strict().optional(), output: oeeReasonTreeSchema },
  /** Every change to one event, oldest first: who, when, action, before and after. */
  'oee.history': { input: z.object({ eventId }).strict(), output: oeeEventHistorySchema },
  /** Machine configuration, shift calendar and fault-code rules, with who changed them last. */
  'oee.settings': { input: z.object({}).strict().optional(), output: oeeSettingsSchema },
  /** Saves every line with its machines (checked against the tag list; a line left out is removed); OEE is recomputed from the next report on. */
  'oee.saveLines': {
    input: z.object({ lines: z.array(oeeLineConfigSchema).min(1, 'keep at least one line').max(50), who }).strict(),
    output: oeeSettingsSchema,
  },
  /** Saves the shift calendar (no overlapping shifts, breaks inside their shifts, a known time zone). */
  'oee.saveCalendar': { input: z.object({ calendar: oeeCalendarSchema, who }).strict(), output: oeeSettingsSchema },
  /** Saves the fault-code → reason rules and codes uncoded stops with them. */
  'oee.saveRules': { input: z.object({ rules: z.array(oeeReasonRuleSchema).max(2000), who }).strict(), output: oeeSettingsSchema },
  /** How time without data counts: left out of planned production time, or as a breakdown; stops re-detected. */
  'oee.saveNoDataTime': { input: z.object({ noDataTime: oeeNoDataTimeSchema, who }).strict(), output: oeeSettingsSchema },
  /** One edit of the two-level reason tree: add, rename, retire or restore a category or reason. */
  'oee.editReasons': { input: z.object({ edit: oeeReasonEditSchema, who }).strict(), output: oeeReasonTreeSchema },
  /** Current and previous shift, production day, week and recent shifts from the calendar, in the plant's time zone. */
  'oee.ranges': { input: z.object({ now: time.optional() }).strict().optional(), output: oeeRangesSchema },
  /** Downtime by reason category, ranked by minutes lost (minor and planned stops left out). */
  'oee.pareto': {
    input: z
      .object({ ...range, machine: z.string().max(200).optional(), line: lineId.optional() })
      .strict()
      .refine(ordered, rangeMessage),
    output: oeeParetoSchema,
  },
} as const
