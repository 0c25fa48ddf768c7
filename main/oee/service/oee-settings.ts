import type { z } from 'zod'
import { CheckedShiftCalendarSchema, LineConfigSchema, lineUniquenessProblems, type LineConfig, type ReasonRule, type ReasonTree, type ShiftCalendar } from '..'
import { assertReasonActive, ReasonTreeError } from '../reason-tree'

export interface SettingsProblem {
  path: string
  message: string
}

/** A settings change that was refused; `problems` lists every field at fault so a form can mark them all at once. */
export class OeeSettingsError extends Error {
  override name = 'OeeSettingsError'
  constructor(
    what: string,
    readonly problems: SettingsProblem[],
  ) {
    super(`${what} not saved: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`)
  }
}

function zodProblems(error: z.ZodError): SettingsProblem[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}

function machineTags(m: LineConfig['machines'][number]): [string, string | undefined][] {
  const s = m.state
  const state: [string, string | undefined][] =
    s.kind === 'enum'
      ? [
          ['state.tag', s.tag],
          ['state.faultCodeTag', s.faultCodeTag],
        ]
      : [
          ['state.runningTag', s.runningTag],
          ['state.faultTag', s.faultTag],
          ['state.faultCodeTag', s.faultCodeTag],
          ['state.speedTag', s.speedTag],
          ['state.blockedTag', s.blockedTag],
          ['state.starvedTag', s.starvedTag],
          ['state.setupTag', s.setupTag],
        ]
  return [
    ...state,
    ['counters.totalTag', m.counters.totalTag],
    ['counters.goodTag', m.counters.goodTag],
    ['counters.rejectTag', m.counters.rejectTag],
    ['productTag', m.productTag],
  ]
}

/**
 * Checks the workstation's lines: each line's machines by the engine's schema, a state map that knows "running",
 * products only with a product tag, every tag known (in the tag list now, or already configured — a connection may
 * be down); line ids and names unique, machine ids unique across all lines. Every problem names its line and field.
 */
export function checkLines(input: unknown, knownTags: ReadonlySet<string> | null, configuredTags: ReadonlySet<string>): LineConfig[] {
  if (!Array.isArray(input) || input.length === 0)
    throw new OeeSettingsError('Machine configuration', [{ path: 'lines', message: 'no line — keep at least one line with one machine' }])
  const problems: SettingsProblem[] = []
  const lines: LineConfig[] = []
  input.forEach((raw: unknown, i) => {
    const named = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : ''
    const label = named ? `line "${named}"` : `line ${i + 1}`
    const parsed = LineConfigSchema.safeParse(raw)
    if (!parsed.success) {
      for (const p of zodProblems(parsed.error))
        problems.push({ path: `lines.${i}${p.path ? `.${p.path}` : ''}`, message: `${label}: ${p.path ? `${p.path}: ` : ''}${p.message}` })
      return
    }
    lines.push(parsed.data)
    for (const p of lineProblems(parsed.data, knownTags, configuredTags)) problems.push({ path: `lines.${i}.${p.path}`, message: `${label}, ${p.message}` })
  })
  if (problems.length) throw new OeeSettingsError('Machine configuration', problems)
  // Ids, names and machine ids across lines: the workstation schema's own check, so a config file and the editor agree.
  const across = lineUniquenessProblems(lines)
  if (across.length)
    throw new OeeSettingsError(
      'Machine configuration',
      across.map((p) => ({ path: p.path.join('.'), message: p.message })),
    )
  return lines
}

/** One line's own problems (paths inside the line, messages starting with the machine). */
function lineProblems(line: LineConfig, knownTags: ReadonlySet<string> | null, configuredTags: ReadonlySet<string>): SettingsProblem[] {
  const problems: SettingsProblem[] = []
  line.machines.forEach((m, i) => {
    const at = (p: string) => `machines.${i}.${p}`
    const label = m.name ?? m.id
    if (m.state.kind === 'enum') {
      if (Object.keys(m.state.map).length === 0)
        problems.push({ path: at('state.map'), message: `${label}: the state map is empty — map each value of ${m.state.tag} to a state` })
      else if (!Object.values(m.state.map).includes('running'))
        problems.push({ path: at('state.map'), message: `${label}: no value of ${m.state.tag} means "running" — map the running value` })
      for (const key of Object.keys(m.state.map))
        if (key.trim() === '' || !Number.isFinite(Number(key)))
          problems.push({ path: at('state.map'), message: `${label}: state value "${key}" is not a number — enum tags carry numbers` })
    }
    if (Object.keys(m.products).length > 0 && !m.productTag)
      problems.push({ path: at('productTag'), message: `${label}: per-product ideal rates need a product tag — pick it or remove the products` })
    for (const [key, p] of Object.entries(m.products)) {
      if (p.idealCycleS === undefined && p.idealRatePerMin === undefined)
        problems.push({ path: at(`products.${key}`), message: `${label}: product ${key} has no ideal cycle time or rate` })
      if (key.trim() === '' || !Number.isFinite(Number(key)))
        problems.push({ path: at(`products.${key}`), message: `${label}: product value "${key}" is not a number — product tags carry numbers` })
    }
    if (knownTags)
      for (const [field, tag] of machineTags(m))
        if (tag && !knownTags.has(tag) && !configuredTags.has(tag))
          problems.push({ path: at(field), message: `${label}: unknown tag "${tag}" — pick one from the tag list (is its connection up?)` })
  })
  return problems
}

export function checkCalendar(input: unknown): ShiftCalendar {
  const parsed = CheckedShiftCalendarSchema.safeParse(input)
  if (!parsed.success) throw new OeeSettingsError('Shift calendar', zodProblems(parsed.error))
  return parsed.data
}

/** Rules must point at active reasons and name configured machines; each needs at least one condition. */
export function checkRules(rules: readonly ReasonRule[], tree: ReasonTree, machines: readonly string[]): ReasonRule[] {
  const problems: SettingsProblem[] = []
  rules.forEach((r, i) => {
    try {
      assertReasonActive(tree, r.reason)
    } catch (error) {
      if (!(error instanceof ReasonTreeError)) throw error
      problems.push({ path: `${i}.reason`, message: error.message })
    }
    if (r.machine !== undefined && !machines.includes(r.machine))
      problems.push({ path: `${i}.machine`, message: `rule ${i + 1}: machine "${r.machine}" is on no line — known: ${machines.join(', ')}` })
    if (r.faultCodes === undefined && r.machine === undefined && r.state === undefined)
      problems.push({ path: `${i}`, message: `rule ${i + 1} has no condition and would code every stop — give fault codes, a machine or a state` })
    if (r.faultCodes !== undefined && r.faultCodes.length === 0)
      problems.push({ path: `${i}.faultCodes`, message: `rule ${i + 1}: the fault-code list is empty` })
  })
  if (problems.length) throw new OeeSettingsError('Fault-code rules', problems)
  return rules.map((r) => ({ ...r, reason: { ...r.reason } }))
}
