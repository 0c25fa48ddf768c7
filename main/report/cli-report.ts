import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { OeeReport, ReportPreview } from '../../preload/contract'
import type { Workbench } from '../workbench'
import type { PdfRenderer } from './pdf-renderer'

export const REPORT_HELP = `Usage: otw report --data-dir D --from T --to T --out report.pdf [options]

Makes the assessment report of a recording: one HTML document and its PDF (Chromium headless, offline).

  --data-dir D          the workstation's data folder (historian, production.db, workbench.db)
  --from T, --to T      the period, ISO 8601 (2024-05-06T06:00:00+02:00) or ms since 1970
  --out FILE            the PDF to write
  --html FILE           also write the HTML
  --compare-from T, --compare-to T   a second period shown beside every figure
  --site S, --customer S, --consultant S   the cover (default: "Site", "Customer", the OS user)
  --line NAME           a line the report covers (repeat for more; default: every configured line)
  --machine ID          only these machines of those lines (repeat; default: all of them)
  --node-red URL        also ask this Node-RED editor whether its admin API wants a login (repeat; the deploy
                        targets are always asked)
  --paper A4|Letter     default A4
  --json                print each line's figures (the first one's at the top) and the files written as one JSON object
`

export class ReportUsageError extends Error {}

const time = (name: string, value: string | undefined): number => {
  if (value === undefined) throw new ReportUsageError(`--${name} is missing`)
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(t)) throw new ReportUsageError(`--${name} "${value}" is not a time — use ISO 8601 (2024-05-06T06:00:00Z) or ms since 1970`)
  return t
}

/** `otw report`: the same channels the Report view calls, on a workbench opened over the data folder. */
export async function runReportCommand(
  args: string[],
  io: { stdout(s: string): void },
  open: (dataDir: string) => Workbench,
  renderPdf: PdfRenderer,
  user: string,
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: {
        'data-dir': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        html: { type: 'string' },
        'compare-from': { type: 'string' },
        'compare-to': { type: 'string' },
        site: { type: 'string' },
        customer: { type: 'string' },
        consultant: { type: 'string' },
        paper: { type: 'string' },
        line: { type: 'string', multiple: true },
        machine: { type: 'string', multiple: true },
        'node-red': { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    throw new ReportUsageError((error as Error).message)
  }
  const dataDir = parsed['data-dir']
  if (!dataDir) throw new ReportUsageError('--data-dir is missing')
  if (!parsed.out) throw new ReportUsageError('--out is missing (the PDF to write)')
  if (parsed.paper !== undefined && parsed.paper !== 'A4' && parsed.paper !== 'Letter')
    throw new ReportUsageError(`--paper "${parsed.paper}": use A4 or Letter`)
  const hasCompare = parsed['compare-from'] !== undefined || parsed['compare-to'] !== undefined
  const request = {
    site: parsed.site ?? 'Site',
    customer: parsed.customer ?? 'Customer',
    consultant: parsed.consultant ?? user,
    from: time('from', parsed.from),
    to: time('to', parsed.to),
    paper: (parsed.paper ?? 'A4') as 'A4' | 'Letter',
    ...(parsed.line ? { lines: parsed.line } : {}),
    ...(parsed.machine ? { machines: parsed.machine } : {}),
    ...(parsed['node-red'] ? { nodeRedUrls: parsed['node-red'] } : {}),
    ...(hasCompare ? { compare: { from: time('compare-from', parsed['compare-from']), to: time('compare-to', parsed['compare-to']) } } : {}),
  }
  const workbench = open(dataDir)
  try {
    const call = async <T>(channel: string, input: unknown): Promise<T> => {
      const reply = await workbench.router.call(channel, input)
      if (!reply.ok) throw new Error(reply.error.message)
      return reply.output as T
    }
    const preview = await call<ReportPreview>('report.preview', request)
    const pdf = await renderPdf(preview.html)
    await writeFile(parsed.out, pdf)
    if (parsed.html) await writeFile(parsed.html, preview.html)
    if (parsed.json) {
      // Each line of the report, as the OEE service computes it: its own figures, bottleneck and covered machines.
      const covered = new Set(preview.scope.machines.map((m) => m.id))
      const lines = []
      for (const name of preview.scope.lines) {
        const oee = await call<OeeReport>('oee.report', { from: request.from, to: request.to, by: 'shift', line: name })
        const machines = oee.summary.machines
          .filter((m) => covered.has(m.machine))
          .map(({ machine, name, availability, performance, quality, oee: value }) => ({ machine, name, availability, performance, quality, oee: value }))
        lines.push({ name: oee.line, id: oee.lineId, line: oee.summary.line, bottleneck: oee.summary.bottleneck, machines })
      }
      const [first] = lines
      io.stdout(
        `${JSON.stringify({
          pdf: parsed.out,
          pdfBytes: pdf.byteLength,
          html: parsed.html ?? null,
          scope: preview.scope,
          // The first line's figures at the top (as with one line), then every line's.
          line: first?.line ?? null,
          bottleneck: first?.bottleneck ?? null,
          machines: lines.flatMap((l) => l.machines),
          lines,
        })}\n`,
      )
    } else io.stdout(`Wrote ${parsed.out} (${Math.round(pdf.byteLength / 1024)} KiB)${parsed.html ? ` and ${parsed.html}` : ''}\n`)
    return 0
  } finally {
    await workbench.stop()
  }
}
