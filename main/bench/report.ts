// Benchmark, not a test: `npm run bench:report`. A 7-day recording of 10 machines at 1 Hz (written once into a real
// historian file, cached by parameters) to the assessment report as HTML and PDF. Progress on stderr; the last line
// on stdout is one JSON object with report_s and peak_mb.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openHistorian } from '../historian'
import { OeeConfigSchema } from '../oee/machine-config'
import { OeeService } from '../oee/service/oee-service'
import { syntheticMachineColumns, syntheticMachineConfig } from '../oee/synthetic-machine-history'
import { chromiumPdfRenderer } from '../report/chromium-pdf'
import { ReportService } from '../report/report-service'

const log = (s: string) => process.stderr.write(`${s}\n`)
const MACHINES = 10
const DAYS = 7
const SEED = 2000
const from = Date.parse('2024-05-06T00:00:00+02:00')
const to = from + DAYS * 86_400_000
const ids = Array.from({ length: MACHINES }, (_, i) => `M${i + 1}`)
const config = OeeConfigSchema.parse({
  calendar: {
    timeZone: 'Europe/Berlin',
    shifts: [
      { name: 'early', start: '06:00', end: '14:00' },
      { name: 'late', start: '14:00', end: '22:00' },
      { name: 'night', start: '22:00', end: '06:00' },
    ],
    breaks: [{ start: '10:00', durationMin: 30 }],
  },
  line: {
    name: 'Bench line',
    machines: ids.map((id, i) => syntheticMachineConfig(id, 1.2, `Machine ${i + 1}`)),
  },
})

const benchDir = process.env.REPORT_BENCH_DIR ?? join(os.tmpdir(), 'otw-bench')
const historianFile = join(benchDir, `report-week-m${MACHINES}-d${DAYS}-s${SEED}.otwh`)
mkdirSync(benchDir, { recursive: true })
if (!existsSync(historianFile)) {
  log(`writing ${MACHINES} machines × ${DAYS} days of 1 Hz history into ${historianFile} (once; cached afterwards)`)
  const partial = `${historianFile}.partial`
  rmSync(partial, { force: true })
  const h = openHistorian({ file: partial, flushIntervalMs: 0, retentionIntervalMs: 0 })
  for (const [i, id] of ids.entries()) {
    const cols = syntheticMachineColumns({ machine: id, from, days: DAYS, seed: SEED + i, idealCycleS: 1.2 })
    for (const [tag, v] of Object.entries(cols.values)) {
      h.setTagConfig(tag, { onChange: true, dataType: 'Int32' })
      for (let k = 0; k < v.length; k++) h.append(tag, cols.from + k * 1000, v[k])
      h.flush()
    }
    log(`wrote machine ${i + 1}/${MACHINES}`)
  }
  h.close()
  renameSync(partial, historianFile)
}

const dataDir = mkdtempSync(join(os.tmpdir(), 'otw-report-bench-'))
const historian = openHistorian({ file: historianFile, flushIntervalMs: 0, retentionIntervalMs: 0 })
const oee = new OeeService({ dataDir, historian, config, now: () => to })
let peak = process.memoryUsage().rss
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
try {
  const service = new ReportService({ dataDir, oee, connections: { list: () => [] }, audit: { list: () => [] }, now: () => to })
  const t0 = performance.now()
  const { html, pdf } = await service.pdf({ meta: { site: 'Bench site', customer: 'Bench', consultant: 'bench' }, from, to }, chromiumPdfRenderer())
  const reportS = (performance.now() - t0) / 1000
  writeFileSync(join(dataDir, 'report.pdf'), pdf)
  peak = Math.max(peak, process.memoryUsage().rss)
  log(`report: ${reportS.toFixed(2)} s, HTML ${(html.length / 1024).toFixed(0)} KiB, PDF ${(pdf.byteLength / 1024).toFixed(0)} KiB`)
  process.stdout.write(
    `${JSON.stringify({ machines: MACHINES, days: DAYS, hz: 1, report_s: Number(reportS.toFixed(3)), peak_mb: Math.round(peak / 2 ** 20), html_kib: Math.round(html.length / 1024), pdf_kib: Math.round(pdf.byteLength / 1024), target_s: 10 })}\n`,
  )
} finally {
  clearInterval(sampler)
  await oee.close()
  historian.close()
  rmSync(dataDir, { recursive: true, force: true })
}
