import { z } from 'zod'
import { MachineStateSchema, NoDataTimeSchema } from './machine-state'
import { ShiftCalendarSchema } from './shift-calendar'

const tagName = z.string().min(1, 'tag name must not be empty')

/** State from one enum tag: each numeric value (as a string key) maps to a machine state. */
export const EnumStateSourceSchema = z.object({
  kind: z.literal('enum'),
  tag: tagName,
  map: z.record(z.string(), MachineStateSchema),
  faultCodeTag: tagName.optional(),
})

/** State derived from bits: fault > running (speed above minimum) > blocked > starved > setup > idle. */
export const BitStateSourceSchema = z.object({
  kind: z.literal('bits'),
  runningTag: tagName,
  faultTag: tagName,
  faultCodeTag: tagName.optional(),
  speedTag: tagName.optional(),
  minRunningSpeed: z.number().default(0),
  blockedTag: tagName.optional(),
  starvedTag: tagName.optional(),
  setupTag: tagName.optional(),
})

export const StateSourceSchema = z.discriminatedUnion('kind', [EnumStateSourceSchema, BitStateSourceSchema])

export const CounterConfigSchema = z
  .object({
    totalTag: tagName.optional(),
    goodTag: tagName.optional(),
    rejectTag: tagName.optional(),
    // PLC totalizers wrap at 2^16 or 2^32; 'none' means any decrease is a reset.
    bitWidth: z.union([z.literal(16), z.literal(32), z.literal('none')]).default('none'),
  })
  .refine((c) => [c.totalTag, c.goodTag, c.rejectTag].filter(Boolean).length >= 2, {
    message: 'counters need at least two of totalTag, goodTag, rejectTag (the third is derived)',
  })

export const IdealSpeedSchema = z
  .object({
    idealCycleS: z.number().positive().optional(),
    idealRatePerMin: z.number().positive().optional(),
  })
  .refine((s) => !(s.idealCycleS !== undefined && s.idealRatePerMin !== undefined), {
    message: 'give idealCycleS or idealRatePerMin, not both',
  })

export const MachineConfigSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    state: StateSourceSchema,
    counters: CounterConfigSchema,
    idealCycleS: z.number().positive().optional(),
    idealRatePerMin: z.number().positive().optional(),
    // Product tag value (as a string key) → ideal speed; unknown products fall back to the machine default.
    productTag: tagName.optional(),
    products: z.record(z.string(), IdealSpeedSchema).default({}),
    minorStopThresholdS: z.number().nonnegative().default(120),
    blockedStarvedAgainstAvailability: z.boolean().default(false),
    startupWindowS: z.number().nonnegative().default(300),
  })
  .superRefine((m, ctx) => {
    if (m.idealCycleS !== undefined && m.idealRatePerMin !== undefined)
      ctx.addIssue({ code: 'custom', message: `machine ${m.id}: give idealCycleS or idealRatePerMin, not both` })
    const hasDefault = m.idealCycleS !== undefined || m.idealRatePerMin !== undefined
    const hasProducts = Object.values(m.products).some((p) => p.idealCycleS ?? p.idealRatePerMin)
    if (!hasDefault && !(m.productTag && hasProducts))
      ctx.addIssue({
        code: 'custom',
        message: `machine ${m.id}: no ideal speed — set idealCycleS or idealRatePerMin, or productTag with products`,
      })
  })

export const LineConfigSchema = z.object({
  name: z.string().min(1),
  // Order is material flow: first machine is the infeed, last is the line output.
  machines: z.array(MachineConfigSchema).min(1),
})

/** What `otw oee --config` reads: the plant calendar and one line of machines. */
export const OeeConfigSchema = z.object({
  calendar: ShiftCalendarSchema,
  line: LineConfigSchema,
  // Time with no recorded state: left out of planned production time, or counted as a breakdown (the plant decides).
  noDataTime: NoDataTimeSchema.default('exclude'),
})

export type MachineConfigInput = z.input<typeof MachineConfigSchema>
export type MachineConfig = z.output<typeof MachineConfigSchema>
export type LineConfig = z.output<typeof LineConfigSchema>
export type OeeConfigInput = z.input<typeof OeeConfigSchema>
export type OeeConfig = z.output<typeof OeeConfigSchema>
export type StateSource = z.output<typeof StateSourceSchema>

/** Ideal cycle time in seconds per unit from either form of ideal speed. */
export function idealCycleSeconds(speed: { idealCycleS?: number; idealRatePerMin?: number }): number | undefined {
  if (speed.idealCycleS !== undefined) return speed.idealCycleS
  if (speed.idealRatePerMin !== undefined) return 60 / speed.idealRatePerMin
  return undefined
}
