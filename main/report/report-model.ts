import type { ConnectionDetail, OeeEvent, OeeMachineResult, OeePareto, OeeReport, OeeSixLosses, ReportMinorStops, TagInfo } from '../../preload/contract'
import { summarizeMinorStops } from './minor-stops'
import type { NodeRedAdminCheck } from './node-red-admin-probe'
import type { SecurityObservation } from './security-observations'

export interface ReportMeta {
  site: string
  customer: string
  consultant: string
  /** When the report was made (ms). */
  generatedAt: number
}

/** What a loss is worth: per hour of lost time, or per unit not made. Money is left out when neither is set. */
export interface LossValue {
  currency: string
  perHour?: number
  perUnit?: number
}

export interface DataFile {
  name: string
  bytes: number
  sha256: string
}

/** A device as the inventory kept it (main/connections/device-inventory.ts). */
export interface InventoryDevice {
  connectionId: string
  key: string
  kind: string
  facts: Record<string, string>
  note?: string
  firstSeen: number
  lastSeen: number
}

/** One line's figures in the report. */
export interface LineSection {
  oee: OeeReport
  pareto: OeePareto
  compare?: { oee: OeeReport; pareto: OeePareto }
}

export interface ReportInput {
  meta: ReportMeta
  /** The first line's report: its period and time zone are the report's. */
  oee: OeeReport
  pareto: OeePareto
  /** Every line the report covers, in the settings' order (the first is `oee`, `pareto`, `compare`); one line when absent. */
  lines?: readonly LineSection[]
  connections: readonly ConnectionDetail[]
  tags: readonly TagInfo[]
  /** What each device said about itself, first and last seen. */
  devices: readonly InventoryDevice[]
  /** The minor stops of the period (short stops below the line's threshold), where the OEE service lists events. */
  minorStops?: readonly OeeEvent[]
  observations: readonly SecurityObservation[]
  /** Every Node-RED editor asked about its admin login, with the answer. */
  nodeRedChecks?: readonly NodeRedAdminCheck[]
  dataFiles: readonly DataFile[]
  lossValue?: LossValue
  /** Recommendations the consultant edited; prefilled from findings and losses when absent. */
  recommendations?: readonly string[]
  /** A second period (before an improvement) shown beside every figure. */
  compare?: { oee: OeeReport; pareto: OeePareto }
  /** The lines covered, and the machines of them the consultant left out (by name). */
  scope?: { lines: readonly string[]; leftOut: readonly string[] }
}

export const LOSS_NAMES: Record<keyof OeeSixLosses, string> = {
  breakdowns: 'Breakdowns',
  setupAndAdjustments: 'Setup and adjustments',
  minorStops: 'Minor stops',
  reducedSpeed: 'Reduced speed',
  processDefects: 'Process defects',
  startupRejects: 'Startup rejects',
}
const LOSS_KEYS = Object.keys(LOSS_NAMES) as (keyof OeeSixLosses)[]

export interface RankedLoss {
  machine: string
  machineName: string
  loss: keyof OeeSixLosses
  minutes: number
  money: number | null
}

export interface MachineCompleteness {
  machine: string
  name: string
  /** Planned calendar time (shifts less breaks), minutes. */
  plannedMin: number
  /** Share of it with recorded data, 0..1; null when nothing was planned. */
  share: number | null
}

export interface ReportModel {
  input: ReportInput
  completeness: MachineCompleteness[]
  largestLosses: RankedLoss[]
  findings: string[]
  recommendations: string[]
  /** Per machine, when the OEE service listed the period's events; null otherwise. */
  minorStops: ReportMinorStops | null
}

/** Share of planned calendar time with data, per machine. */
export function dataCompleteness(machines: readonly OeeMachineResult[]): MachineCompleteness[] {
  return machines.map((m) => {
    const plannedMin = m.scheduledMin - m.calendarPlannedStopMin
    return { machine: m.machine, name: m.name, plannedMin, share: plannedMin > 0 ? Math.max(0, 1 - m.noDataMin / plannedMin) : null }
  })
}

function lossMoney(m: OeeMachineResult, loss: keyof OeeSixLosses, value: LossValue | undefined): number | null {
  if (value?.perUnit !== undefined) return m.lossUnits[loss] * value.perUnit
  if (value?.perHour !== undefined) return (m.lossMin[loss] / 60) * value.perHour
  return null
}

/** Every machine's six losses, largest first. */
export function rankLosses(machines: readonly OeeMachineResult[], value?: LossValue): RankedLoss[] {
  return machines
    .flatMap((m) => LOSS_KEYS.map((loss) => ({ machine: m.machine, machineName: m.name, loss, minutes: m.lossMin[loss], money: lossMoney(m, loss, value) })))
    .filter((l) => l.minutes > 0)
    .sort((a, b) => b.minutes - a.minutes)
}

export const percent = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)} %`)
export const minutes = (m: number): string => `${m.toLocaleString('en', { maximumFractionDigits: 0 })} min`
export const money = (v: number, currency: string): string => `${currency} ${v.toLocaleString('en', { maximumFractionDigits: 0 })}`

/** The report's lines: `lines`, or the one line of `oee`. */
export function lineSections(input: ReportInput): readonly LineSection[] {
  return input.lines ?? [{ oee: input.oee, pareto: input.pareto, ...(input.compare ? { compare: input.compare } : {}) }]
}

export function buildReportModel(input: ReportInput): ReportModel {
  const sections = lineSections(input)
  const several = sections.length > 1
  const machines = sections.flatMap((l) => l.oee.summary.machines)
  const largestLosses = rankLosses(machines, input.lossValue).slice(0, 3)
  const findings: string[] = []
  // The bottleneck of each line (one finding for one line; the worst of them first when there are several).
  const bottlenecks = sections
    .map((l) => ({ line: l.oee.line, b: l.oee.summary.bottleneck, m: l.oee.summary.machines.find((m) => m.machine === l.oee.summary.bottleneck?.machine) }))
    .filter((x) => x.b && x.m)
    .sort((a, b) => b.b!.ownLossMin - a.b!.ownLossMin)
  const first = bottlenecks[0]
  if (first)
    findings.push(
      `${first.m!.name}${several ? ` (${first.line})` : ''} is the bottleneck${several ? ` of ${first.line}, the line losing the most at its bottleneck` : ''}: ${minutes(first.b!.ownLossMin)} of its own losses, OEE ${percent(first.m!.oee)} (A ${percent(first.m!.availability)}, P ${percent(first.m!.performance)}, Q ${percent(first.m!.quality)}).`,
    )
  const top = largestLosses[0]
  if (top)
    findings.push(
      `The largest loss is ${LOSS_NAMES[top.loss].toLowerCase()} on ${top.machineName}: ${minutes(top.minutes)}${top.money !== null ? ` (${money(top.money, input.lossValue!.currency)})` : ''}.`,
    )
  const topCoded = sections
    .flatMap((l) => l.pareto.filter((c) => c.categoryId !== null).map((c) => ({ line: l.oee.line, c })))
    .sort((a, b) => b.c.minutes - a.c.minutes)[0]
  const topReason = topCoded?.c
  if (topReason)
    findings.push(
      `Most downtime${several ? ` on ${topCoded.line}` : ''} is coded ${topReason.category}${topReason.reasons[0] ? ` / ${topReason.reasons[0].reason}` : ''}: ${minutes(topReason.minutes)} in ${topReason.events} stops.`,
    )
  const high = input.observations.filter((o) => o.severity === 'high')
  if (high.length > 0) findings.push(`${high.length} high-severity security observation(s), first: ${high[0].title} (${high[0].connection}).`)
  return {
    input,
    completeness: dataCompleteness(machines),
    largestLosses,
    findings: findings.slice(0, 3),
    recommendations: [...(input.recommendations ?? prefilledRecommendations(largestLosses, input.observations))],
    minorStops: input.minorStops
      ? summarizeMinorStops(
          input.minorStops,
          machines.map((m) => ({ machine: m.machine, name: m.name })),
          input.oee.timeZone,
        )
      : null,
  }
}

const LOSS_ADVICE: Record<keyof OeeSixLosses, string> = {
  breakdowns: 'run a root-cause analysis on the top fault codes and set up preventive maintenance for them',
  setupAndAdjustments: 'shorten changeovers (SMED): move setup steps outside the stop and standardise settings',
  minorStops: 'code minor stops at the line for two weeks and remove the top three causes (jams, sensors, feeding)',
  reducedSpeed: 'find why the machine runs below its ideal rate and restore the nameplate speed where the product allows',
  processDefects: 'trace rejects to their process parameters and add in-process checks',
  startupRejects: 'stabilise start-up: warm-up procedure and first-part approval',
}

/** Recommendations from the three largest losses and each distinct security observation. */
export function prefilledRecommendations(losses: readonly RankedLoss[], observations: readonly SecurityObservation[]): string[] {
  const fromLosses = losses.map((l) => `${l.machineName}, ${LOSS_NAMES[l.loss].toLowerCase()} (${minutes(l.minutes)}): ${LOSS_ADVICE[l.loss]}.`)
  const titles = [...new Set(observations.map((o) => o.title))]
  const fromSecurity = titles.map((t) => {
    const o = observations.find((x) => x.title === t)!
    return `${t} (${o.requirements.join(', ')}): ${securityAdvice(t)}.`
  })
  return [...fromLosses, ...fromSecurity]
}

function securityAdvice(title: string): string {
  if (title.includes('SecurityPolicy None')) return 'disable the None endpoint and use Basic256Sha256 or Aes256_Sha256_RsaPss with SignAndEncrypt'
  if (title.includes('anonymous login')) return 'turn off anonymous login and give each client its own user or certificate'
  if (title.includes('plain TCP')) return 'move clients to MQTT over TLS (port 8883) and close 1883'
  if (title.includes('anonymous clients')) return 'set allow_anonymous false and give each client its own credentials and ACL'
  if (title.includes('Node-RED'))
    return 'turn on adminAuth in settings.js (a user per person, bcrypt hashes, read-only users where enough), serve the editor over HTTPS only and reach it through the VPN, never from the plant network at large'
  if (title.includes('Modbus'))
    return 'put Modbus devices in their own zone behind a conduit that allows only the engineering station, and block writes from elsewhere'
  return 'replace with certificates from the plant CA and renew before expiry'
}
