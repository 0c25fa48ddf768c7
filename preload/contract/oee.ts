import { z } from 'zod'

export const oeeMachineStates = ['running', 'idle', 'starved', 'blocked', 'faulted', 'setup', 'planned-stop', 'unknown'] as const
export const oeeMachineStateSchema = z.enum(oeeMachineStates)
export type OeeMachineState = z.infer<typeof oeeMachineStateSchema>

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

export const oeeReportSchema = z.object({
  line: z.string(),
  timeZone: z.string(),
  from: z.number(),
  to: z.number(),
  by: z.enum(['shift', 'day', 'week']),
  /** The whole range as one period. */
  summary: oeePeriodSchema,
  /** One entry per shift, day or week: the trend. */
  periods: z.array(oeePeriodSchema),
  timeline: z.array(z.object({ machine: z.string(), segments: z.array(oeeSegmentSchema) })),
  warnings: z.array(z.string()),
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
  categories: z.array(z.object({ id: z.string(), name: z.string(), reasons: z.array(z.object({ id: z.string(), name: z.string() })) })),
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

const time = z.number().int().nonnegative()
const range = { from: time, to: time }
const ordered = (input: { from: number; to: number }): boolean => input.from < input.to
const rangeMessage = { message: '"from" must be before "to"' }
const eventId = z.string().min(1).max(300)
const who = z.string().min(1).max(100).optional()

export const oeeRequests = {
  /** A, P, Q, OEE, losses, bottleneck and state timeline for a range, with a trend per shift, day or week. */
  'oee.report': {
    input: z
      .object({ ...range, by: z.enum(['shift', 'day', 'week']).default('shift') })
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
  /** Downtime by reason category, ranked by minutes lost (minor and planned stops left out). */
  'oee.pareto': {
    input: z
      .object({ ...range, machine: z.string().max(200).optional() })
      .strict()
      .refine(ordered, rangeMessage),
    output: oeeParetoSchema,
  },
} as const
