import type { LineOeeReport, MachineOeeResult } from './oee-result'

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)
const num = (x: number) => x.toFixed(1)

const HEADER = [
  'Period',
  'Machine',
  'Planned min',
  'No data',
  'Run min',
  'A',
  'P',
  'Q',
  'OEE',
  'Breakdn',
  'Setup',
  'Minor',
  'Speed',
  'Defects',
  'Startup',
  'Blk/Stv',
  'Good',
  'Total',
  'Flags',
]

function machineRow(label: string, m: MachineOeeResult): string[] {
  const l = m.lossMin
  return [
    label,
    m.machine,
    num(m.plannedProductionS / 60),
    num(m.noDataS / 60),
    num(m.runS / 60),
    pct(m.availability),
    pct(m.performance),
    pct(m.quality),
    pct(m.oee),
    num(l.breakdowns),
    num(l.setupAndAdjustments),
    num(l.minorStops),
    num(l.reducedSpeed),
    num(l.processDefects),
    num(l.startupRejects),
    num(m.blockedStarvedS / 60),
    String(m.counts.good),
    String(m.counts.total),
    m.flags.join(' '),
  ]
}

/** Plain-text table for a terminal: one row per machine and period, then the line row (measured at the bottleneck). */
export function formatOeeTable(report: LineOeeReport): string {
  const rows: string[][] = [HEADER]
  for (const p of report.periods) {
    for (const m of p.machines) rows.push(machineRow(p.period.label, m))
    const at = p.line.measuredAt ? `line @ ${p.line.measuredAt}` : 'line'
    rows.push([
      p.period.label,
      at,
      '',
      '',
      '',
      pct(p.line.availability),
      pct(p.line.performance),
      pct(p.line.quality),
      pct(p.line.oee),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      String(p.output.good),
      String(p.output.total),
      '',
    ])
  }
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  const numeric = (c: number) => c >= 2 && c < HEADER.length - 1
  const render = (r: string[]) =>
    r
      .map((cell, c) => (numeric(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd()
  const lines = [
    `OEE ${report.line} — ${report.range.from} to ${report.range.to} (${report.timeZone}), by ${report.by}; losses in minutes`,
    report.noDataTime === 'exclude'
      ? 'No data (min): planned time with nothing recorded, left out of planned time (A, P and OEE are over the recorded time)'
      : 'No data (min): planned time with nothing recorded, counted as breakdown (Breakdn includes it)',
    render(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(render),
  ]
  const bottlenecks = report.periods
    .filter((p) => p.bottleneck)
    .map((p) => `${p.period.label}: ${p.bottleneck!.machine} (${num(p.bottleneck!.ownLossMin)} min own loss)`)
  if (bottlenecks.length) lines.push('', `Bottleneck (most own loss: breakdowns + setup + minor stops + reduced speed): ${bottlenecks.join('; ')}`)
  return lines.join('\n') + '\n'
}
