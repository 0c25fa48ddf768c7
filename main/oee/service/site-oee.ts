// The site's OEE from its lines: each line counts with the planned production time of the machine its figures are
// measured at, so A × P × Q of the site is its good output at ideal speed over its planned time, as for one line.
import type { OeePeriod, OeeSite } from '../../../preload/contract/oee'

export interface LineSummary {
  id: string
  name: string
  summary: OeePeriod
}

export function siteOee(lines: readonly LineSummary[]): OeeSite {
  let planned = 0
  let run = 0 // A × planned
  let net = 0 // A × P × planned
  let full = 0 // A × P × Q × planned
  for (const { summary } of lines) {
    const at = summary.machines.find((m) => m.machine === summary.line.measuredAt)
    const { availability: a, performance: p, quality: q } = summary.line
    if (!at || a === null || p === null || q === null || at.plannedProductionMin <= 0) continue
    planned += at.plannedProductionMin
    run += a * at.plannedProductionMin
    net += a * p * at.plannedProductionMin
    full += a * p * q * at.plannedProductionMin
  }
  const ratio = (x: number, y: number): number | null => (y > 0 ? x / y : null)
  return {
    availability: ratio(run, planned),
    performance: ratio(net, run),
    quality: ratio(full, net),
    oee: ratio(full, planned),
    plannedProductionMin: planned,
    lines: lines.map(({ id, name, summary }) => ({
      id,
      name,
      line: summary.line,
      bottleneck: summary.bottleneck,
      output: summary.output,
      machines: summary.machines,
    })),
  }
}
