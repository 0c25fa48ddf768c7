import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { AuditEntry, CertificateEntry, ConnectionDetail, OeeEvent, OeePareto, OeeReport } from '../../preload/contract'
import { buildReportModel, type DataFile, type InventoryDevice, type LossValue, type ReportMeta, type ReportModel } from './report-model'
import { renderReportHtml } from './report-html'
import type { Paper, PdfRenderer } from './pdf-renderer'
import { observeSecurity } from './security-observations'

/** What the report reads: the OEE service's own results, the connection inventory, the write audit log. */
export interface ReportSources {
  dataDir: string
  oee: {
    report(input: { from: number; to: number; by: 'shift' | 'day' | 'week' }): Promise<OeeReport>
    pareto(input: { from: number; to: number }): OeePareto
    /** Downtime events; the report lists the minor stops among them. */
    listEvents?(filter: { from: number; to: number; includeMinor?: boolean }): Promise<OeeEvent[]>
  }
  connections: { list(): ConnectionDetail[] }
  audit: { list(query?: { limit?: number }): AuditEntry[] }
  certificates?: () => CertificateEntry[]
  /** The device inventory: what each device said about itself, first and last seen. */
  devices?: () => InventoryDevice[]
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

  async model(request: ReportRequest): Promise<ReportModel> {
    const { sources } = this
    const by = request.by ?? 'shift'
    const oee = await sources.oee.report({ from: request.from, to: request.to, by })
    const pareto = sources.oee.pareto({ from: oee.from, to: oee.to })
    let compare: ReportModel['input']['compare']
    if (request.compare) {
      const before = await sources.oee.report({ ...request.compare, by })
      compare = { oee: before, pareto: sources.oee.pareto({ from: before.from, to: before.to }) }
    }
    const minorStops = sources.oee.listEvents
      ? (await sources.oee.listEvents({ from: oee.from, to: oee.to, includeMinor: true })).filter((e) => e.minor)
      : undefined
    const connections = sources.connections.list()
    const at = (sources.now ?? Date.now)()
    const devices = sources.devices?.() ?? []
    const observations = observeSecurity({
      connections,
      audit: sources.audit.list({ limit: 10_000 }),
      certificates: sources.certificates?.() ?? [],
      devices,
      at,
    })
    return buildReportModel({
      meta: { ...request.meta, generatedAt: at },
      oee,
      pareto,
      connections,
      tags: connections.flatMap((c) => c.tags),
      devices,
      minorStops,
      observations,
      dataFiles: await listDataFiles(sources.dataDir),
      lossValue: request.lossValue,
      recommendations: request.recommendations,
      compare,
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
