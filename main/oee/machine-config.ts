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

/** A line id from its name when none is given: "Packaging Line 2" → "packaging-line-2". */
export function lineIdFromName(name: string): string {
  return (
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'line'
  )
}

export const LineConfigSchema = z
  .object({
    // Stable while the line is renamed; derived from the name when a config file gives none.
    id: z.string().min(1, 'line id must not be empty').max(100).optional(),
    name: z.string().min(1, 'line name must not be empty'),
    // Order is material flow: first machine is the infeed, last is the line output.
    machines: z.array(MachineConfigSchema).min(1, 'a line needs at least one machine'),
  })
  .transform((l) => ({ ...l, id: l.id ?? lineIdFromName(l.name) }))

/** Line ids and names unique, machine ids unique across the workstation (a stop belongs to one machine of one line). */
export function lineUniquenessProblems(
  lines: readonly { id: string; name: string; machines: readonly { id: string }[] }[],
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = []
  const ctx = { addIssue: (i: { code: 'custom'; path: (string | number)[]; message: string }) => problems.push({ path: i.path, message: i.message }) }
  const lineById = new Map<string, string>()
  const lineByName = new Map<string, number>()
  const machineLine = new Map<string, string>()
  lines.forEach((l, i) => {
    const other = lineById.get(l.id)
    if (other !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['lines', i, 'id'],
        message: `line "${l.name}": id "${l.id}" is already used by line "${other}" — line ids must be unique`,
      })
    lineById.set(l.id, l.name)
    const key = l.name.trim().toLowerCase()
    if (lineByName.has(key))
      ctx.addIssue({
        code: 'custom',
        path: ['lines', i, 'name'],
        message: `line "${l.name}": the name is used by line ${lineByName.get(key)! + 1} too — give each line its own name`,
      })
    else lineByName.set(key, i)
    l.machines.forEach((m, k) => {
      const on = machineLine.get(m.id)
      if (on !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'machines', k, 'id'],
          message: `line "${l.name}": machine id "${m.id}" is already used ${on === l.name ? 'on this line' : `on line "${on}"`} — machine ids must be unique across the workstation`,
        })
      else machineLine.set(m.id, l.name)
    })
  })
  return problems
}

/**
 * What `otw oee --config` reads and the workstation stores: the plant calendar and its lines of machines. The older
 * one-line shape `{ line }` is read too and becomes `{ lines: [line] }`.
 */
export const OeeConfigSchema = z
  .object({
    calendar: ShiftCalendarSchema,
    line: LineConfigSchema.optional(),
    lines: z.array(LineConfigSchema).min(1, 'give at least one line').max(50).optional(),
    // Time with no recorded state: left out of planned production time, or counted as a breakdown (the plant decides).
    noDataTime: NoDataTimeSchema.default('exclude'),
  })
  .superRefine((c, ctx) => {
    if (c.line && c.lines) ctx.addIssue({ code: 'custom', path: ['line'], message: 'give "lines" (several lines) or "line" (one line), not both' })
    else if (!c.line && !c.lines) ctx.addIssue({ code: 'custom', path: ['lines'], message: 'no line — give "lines": [{ "name": …, "machines": [...] }]' })
    else for (const p of lineUniquenessProblems(c.lines ?? [c.line!])) ctx.addIssue({ code: 'custom', ...p })
  })
  .transform(({ calendar, line, lines, noDataTime }) => ({ calendar, lines: lines ?? [line!], noDataTime }))

/** The line with this id or name (ids first); undefined when none has it. */
export function findLine<L extends { id: string; name: string }>(lines: readonly L[], idOrName: string): L | undefined {
  return lines.find((l) => l.id === idOrName) ?? lines.find((l) => l.name === idOrName)
}

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
