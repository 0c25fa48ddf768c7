import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  WorkbenchError,
  type AuditEntry,
  type CertificateEntry,
  type ConnectionDetail,
  type OeeEvent,
  type OeePareto,
  type OeeReport,
} from '../../preload/contract'
import { cleanNodeRedUrl, probeNodeRedAdmin, type NodeRedAdminCheck } from './node-red-admin-probe'
import { buildReportModel, type DataFile, type LineSection, type InventoryDevice, type LossValue, type ReportMeta, type ReportModel } from './report-model'
import { renderReportHtml } from './report-html'
import type { Paper, PdfRenderer } from './pdf-renderer'
import { observeSecurity } from './security-observations'
import { siteOee } from '../oee/service/site-oee'

/** The part of the OEE config the report scopes: the lines and their machines (the rest is passed through untouched). */
export interface ScopableOeeConfig {
  lines: readonly { id: string; name: string; machines: readonly { id: string; name?: string }[] }[]
  calendar: { timeZone: string }
  noDataTime?: 'exclude' | 'breakdown'
}

type OeeComputed = Pick<OeeReport, 'summary' | 'periods' | 'timeline' | 'warnings'> & { range: { from: number; to: number } }

/** What the report reads: the OEE service's own results, the connection inventory, the write audit log. */
export interface ReportSources {
  dataDir: string
  oee: {
    /** One line's report (by id; the first line without one). */
    report(input: { from: number; to: number; by: 'shift' | 'day' | 'week'; line?: string }): Promise<OeeReport>
    pareto(input: { from: number; to: number; machine?: string; line?: string }): OeePareto
    /** The configured lines; with compute, a report can leave machines of them out. */
    readonly config?: ScopableOeeConfig
    /** The service's computation of one line on a config we pass: its own, with machines left out (typed as the service's config). */
    compute?(input: { from: number; to: number; by?: 'shift' | 'day' | 'week'; timeline?: boolean; line?: string }, config: never): Promise<OeeComputed>
    /** Downtime events; the report lists the minor stops among them. */
    listEvents?(filter: { from: number; to: number; includeMinor?: boolean }): Promise<OeeEvent[]>
  }
  connections: { list(): ConnectionDetail[] }
  audit: { list(query?: { limit?: number }): AuditEntry[] }
  certificates?: () => CertificateEntry[]
  /** The device inventory: what each device said about itself, first and last seen. */
  devices?: () => InventoryDevice[]
  /** Node-RED deploy targets (gateways) whose editors the report asks about their admin login. */
  gateways?: () => { name: string; url: string }[]
  /** Where the answers are kept with the recording; read-only in an imported session, whose report shows them. */
  nodeRedLog?: { readonly readOnly: boolean; list(): NodeRedAdminCheck[]; record(checks: readonly NodeRedAdminCheck[]): void }
  /** Asks one editor; the real HTTP check unless a test passes another. */
  probeNodeRed?: (url: string, source: string) => Promise<NodeRedAdminCheck>
  now?: () => number
}

export interface ReportRequest {
  meta: Omit<ReportMeta, 'generatedAt'>
  from: number
  to: number
  by?: 'shift' | 'day' | 'week'
  compare?: { from: number; to: number }
  lossValue?: LossValue
  recommendations?: string[]
  paper?: Paper
  /** Lines by name and machines by id the report covers (default: all). */
  lines?: string[]
  machines?: string[]
  /** Node-RED editors to check besides the deploy targets. */
  nodeRedUrls?: string[]
}

/** The lines a workstation knows, with their machines: what the Report view and `otw report --line` pick from. */
export function knownLines(
  config: ScopableOeeConfig | undefined,
  fallback: string,
): { id: string | undefined; name: string; machines: { id: string; name: string }[] }[] {
  if (!config) return [{ id: undefined, name: fallback, machines: [] }]
  return config.lines.map((l) => ({ id: l.id, name: l.name, machines: l.machines.map((m) => ({ id: m.id, name: m.name ?? m.id })) }))
}

interface ScopedLine {
  /** undefined: the source's only line (a source without a config). */
  id: string | undefined
  name: string
  chosen: { id: string; name: string }[]
  /** Some of its machines are left out: computed on the part, not the service's own report. */
  partial: boolean
}

interface Scope {
  lines: string[]
  perLine: ScopedLine[]
  chosen: { id: string; name: string }[]
  leftOut: { id: string; name: string }[]
}

/** Sums per-machine Pareto lists into one, largest first. */
function mergePareto(lists: readonly OeePareto[]): OeePareto {
  const byCategory = new Map<string | null, OeePareto[number]>()
  for (const c of lists.flat()) {
    const into = byCategory.get(c.categoryId) ?? { ...c, minutes: 0, events: 0, reasons: [] }
    into.minutes += c.minutes
    into.events += c.events
    for (const r of c.reasons) {
      const same = into.reasons.find((x) => x.reasonId === r.reasonId)
      if (same) {
        same.minutes += r.minutes
        same.events += r.events
      } else into.reasons.push({ ...r })
    }
    byCategory.set(c.categoryId, into)
  }
  const list = [...byCategory.values()]
  for (const c of list) c.reasons.sort((a, b) => b.minutes - a.minutes)
  return list.sort((a, b) => b.minutes - a.minutes)
}

// The recording's own files; exports and caches are not part of the evidence.
const DATA_FILE = /\.(otwh|db)$/

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** The historian and SQLite files of the data folder (top level and historian/), with their SHA-256. */
export async function listDataFiles(dataDir: string): Promise<DataFile[]> {
  const found: DataFile[] = []
  for (const dir of [dataDir, join(dataDir, 'historian')]) {
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !DATA_FILE.test(entry.name)) continue
      const file = join(dir, entry.name)
      found.push({ name: relative(dataDir, file), bytes: statSync(file).size, sha256: await hashFile(file) })
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name))
}

export class ReportService {
  constructor(private readonly sources: ReportSources) {}

  /** The chosen lines and machines, checked against the configuration (a name it does not know is refused). */
  private scope(request: ReportRequest): Scope {
    const config = this.sources.oee.config
    const lines = knownLines(config, 'the line')
    const names = lines.map((l) => l.name)
    const chosenLines = request.lines ?? names
    const unknownLine = chosenLines.find((l) => !names.includes(l))
    if (unknownLine !== undefined)
      throw new WorkbenchError('INVALID_INPUT', `No line "${unknownLine}" — this workstation's OEE settings have ${names.map((n) => `"${n}"`).join(', ')}`, {
        lines: names,
      })
    const all = lines.filter((l) => chosenLines.includes(l.name)).flatMap((l) => l.machines)
    const unknownMachine = request.machines?.find((id) => !all.some((m) => m.id === id))
    if (unknownMachine !== undefined)
      throw new WorkbenchError('INVALID_INPUT', `No machine "${unknownMachine}" on ${chosenLines.join(', ')} — pick from ${all.map((m) => m.id).join(', ')}`, {
        machines: all.map((m) => m.id),
      })
    const chosen = request.machines ? all.filter((m) => request.machines!.includes(m.id)) : all
    const perLine: ScopedLine[] = []
    for (const l of lines) {
      if (!chosenLines.includes(l.name)) continue
      const mine = l.machines.filter((m) => chosen.includes(m))
      // A line whose machines were all left out is not in the report.
      if (config !== undefined && mine.length === 0) continue
      perLine.push({ id: l.id, name: l.name, chosen: mine, partial: config !== undefined && mine.length < l.machines.length })
    }
    if (perLine.some((l) => l.partial) && !this.sources.oee.compute)
      throw new WorkbenchError('UNAVAILABLE', 'This OEE source cannot leave machines out of a report — pick whole lines')
    return { lines: perLine.map((l) => l.name), perLine, chosen, leftOut: all.filter((m) => !chosen.includes(m)) }
  }

  /** One line's OEE report of its chosen machines: the service's own report for a whole line, its computation on the part otherwise. */
  private async oeeFor(range: { from: number; to: number }, by: 'shift' | 'day' | 'week', line: ScopedLine): Promise<OeeReport> {
    const { oee } = this.sources
    if (!line.partial) return oee.report({ ...range, by, ...(line.id !== undefined ? { line: line.id } : {}) })
    const config = oee.config!
    const ids = new Set(line.chosen.map((m) => m.id))
    const lines = config.lines.map((l) => (l.id === line.id ? { ...l, machines: l.machines.filter((m) => ids.has(m.id)) } : l))
    // The config is the service's own object with a shorter machine list, so its type is the service's.
    const computed = await oee.compute!({ ...range, by, timeline: true, line: line.id }, { ...config, lines } as never)
    const summary = computed.summary
    return {
      line: line.name,
      lineId: line.id ?? line.name,
      site: siteOee([{ id: line.id ?? line.name, name: line.name, summary }]),
      timeZone: config.calendar.timeZone,
      from: computed.range.from,
      to: computed.range.to,
      by,
      noDataTime: config.noDataTime ?? 'exclude',
      summary: computed.summary,
      periods: computed.periods,
      timeline: computed.timeline,
      warnings: computed.warnings,
    }
  }

  private paretoFor(range: { from: number; to: number }, line: ScopedLine): OeePareto {
    const { oee } = this.sources
    if (!line.partial) return oee.pareto({ ...range, ...(line.id !== undefined ? { line: line.id } : {}) })
    return mergePareto(line.chosen.map((m) => oee.pareto({ ...range, machine: m.id })))
  }

  /** Every chosen line over the period (and the comparison period), one after another. */
  private async sections(request: ReportRequest, by: 'shift' | 'day' | 'week', scope: Scope): Promise<LineSection[]> {
    const sections: LineSection[] = []
    for (const line of scope.perLine) {
      const oee = await this.oeeFor({ from: request.from, to: request.to }, by, line)
      const section: LineSection = { oee, pareto: this.paretoFor({ from: oee.from, to: oee.to }, line) }
      if (request.compare) {
        const before = await this.oeeFor(request.compare, by, line)
        section.compare = { oee: before, pareto: this.paretoFor({ from: before.from, to: before.to }, line) }
      }
      sections.push(section)
    }
    return sections
  }

  /**
   * Every deploy target and listed URL asked once (the same editor under two names is asked once), the answers kept
   * with the recording; an imported session adds the answers recorded for editors it did not ask now.
   */
  private async nodeRedChecks(request: ReportRequest): Promise<NodeRedAdminCheck[]> {
    const probe = this.sources.probeNodeRed ?? probeNodeRedAdmin
    const wanted = new Map<string, string>()
    const add = (url: string, source: string) => {
      const clean = cleanNodeRedUrl(url)
      if (!wanted.has(clean)) wanted.set(clean, source)
    }
    for (const g of this.sources.gateways?.() ?? []) add(g.url, `deploy target ${g.name}`)
    for (const url of request.nodeRedUrls ?? []) add(url, 'listed by the consultant')
    const asked = await Promise.all([...wanted].map(([url, source]) => probe(url, source)))
    const log = this.sources.nodeRedLog
    if (!log) return asked
    if (!log.readOnly) {
      log.record(asked)
      return asked
    }
    const recorded = log.list().filter((c) => !wanted.has(c.url))
    return [...asked, ...recorded.map((c) => ({ ...c, whileRecording: true }))]
  }

  async model(request: ReportRequest): Promise<ReportModel> {
    const { sources } = this
    const by = request.by ?? 'shift'
    const scope = this.scope(request)
    const lines = await this.sections(request, by, scope)
    if (lines.length === 0) throw new WorkbenchError('INVALID_INPUT', 'The report covers no machine — pick at least one machine of a line')
    const [{ oee, pareto, compare }] = lines
    const covered = new Set(lines.flatMap((l) => l.oee.summary.machines.map((m) => m.machine)))
    const minorStops = sources.oee.listEvents
      ? (await sources.oee.listEvents({ from: oee.from, to: oee.to, includeMinor: true })).filter((e) => e.minor && covered.has(e.machine))
      : undefined
    const nodeRed = await this.nodeRedChecks(request)
    const connections = sources.connections.list()
    const at = (sources.now ?? Date.now)()
    const devices = sources.devices?.() ?? []
    const observations = observeSecurity({
      connections,
      audit: sources.audit.list({ limit: 10_000 }),
      certificates: sources.certificates?.() ?? [],
      devices,
      nodeRed,
      at,
    })
    return buildReportModel({
      meta: { ...request.meta, generatedAt: at },
      oee,
      pareto,
      lines,
      connections,
      tags: connections.flatMap((c) => c.tags),
      devices,
      minorStops,
      observations,
      dataFiles: await listDataFiles(sources.dataDir),
      lossValue: request.lossValue,
      recommendations: request.recommendations,
      compare,
      nodeRedChecks: nodeRed,
      scope: { lines: scope.lines, leftOut: scope.leftOut.map((m) => m.name) },
    })
  }

  async html(request: ReportRequest): Promise<string> {
    return renderReportHtml(await this.model(request), { paper: request.paper })
  }

  /** The HTML and its PDF, printed by the host's renderer. */
  async pdf(request: ReportRequest, renderPdf: PdfRenderer, signal?: AbortSignal): Promise<{ html: string; pdf: Uint8Array }> {
    const html = await this.html(request)
    return { html, pdf: await renderPdf(html, { signal }) }
  }
}
