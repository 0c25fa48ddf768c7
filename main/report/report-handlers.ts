import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WorkbenchError, type ParsedInputOf, type ReportExportEvent } from '../../preload/contract'
import type { Handlers, StreamSink } from '../ipc/handlers'
import { longTask } from '../ipc/long-task'
import { PdfError } from './chromium-pdf'
import { renderReportHtml } from './report-html'
import type { PdfRenderer } from './pdf-renderer'
import type { ReportRequest, ReportService } from './report-service'

type Parsed = ParsedInputOf<'report.preview'>

export function toReportRequest(input: Parsed): ReportRequest {
  const { site, customer, consultant, ...rest } = input
  return { meta: { site, customer, consultant }, ...rest }
}

const slug = (s: string) =>
  s
    .replace(/[^\w-]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'site'

/** report.preview and report.export: the document built by the report service, printed by the host's PDF renderer. */
export function reportHandlers(service: ReportService, renderPdf: PdfRenderer, exportsDir: string) {
  return {
    'report.preview': async (input: Parsed) => {
      const model = await service.model(toReportRequest(input))
      return {
        html: renderReportHtml(model, { paper: input.paper }),
        recommendations: model.recommendations,
        scope: {
          lines: [...(model.input.scope?.lines ?? [model.input.oee.line])],
          machines: model.input.oee.summary.machines.map((m) => ({ id: m.machine, name: m.name })),
        },
        minorStops: model.minorStops ?? { timeZone: model.input.oee.timeZone, machines: [] },
      }
    },
    'report.export': (input: ParsedInputOf<'report.export'>, sink: StreamSink<ReportExportEvent>) =>
      longTask(sink, async (signal) => {
        const total = input.format === 'pdf' ? 3 : 2
        const step = (done: number) => sink.emit({ kind: 'progress', done, total, rate: 0, etaMs: null })
        step(0)
        const html = await service.html(toReportRequest(input.request))
        step(1)
        if (signal.aborted) throw new WorkbenchError('CANCELLED', 'Report export cancelled')
        let bytes: Uint8Array = Buffer.from(html)
        if (input.format === 'pdf') {
          try {
            bytes = await renderPdf(html, { signal })
          } catch (error) {
            if (error instanceof PdfError) throw new WorkbenchError(error.kind === 'cancelled' ? 'CANCELLED' : 'UNAVAILABLE', error.message)
            throw error
          }
          step(2)
        }
        mkdirSync(exportsDir, { recursive: true })
        const day = new Date(input.request.from).toISOString().slice(0, 10)
        const fileName = `assessment-${slug(input.request.site)}-${day}.${input.format}`
        const file = join(exportsDir, fileName)
        writeFileSync(file, bytes)
        step(total)
        return { kind: 'done', format: input.format, file, fileName, bytes: bytes.byteLength, base64: Buffer.from(bytes).toString('base64') } as const
      }),
  } satisfies Partial<Handlers>
}
