import type { OeeReport } from '../../../../preload/contract'
import { csvCell } from './oee-range'

// Ratios as percent to 0.1 and minutes to 0.1: what a reader compares, not float noise (12.040600000000001).
const percent = (r: number | null): string => (r === null ? '' : (r * 100).toFixed(1))
const minutes = (m: number | string): string => (typeof m === 'number' ? m.toFixed(1) : m)

/** The OEE report as CSV: machine ids and names, percentages and minutes rounded to what they mean. */
export function reportCsv(r: OeeReport): string {
  const head =
    'period,start,end,machine,machine_name,availability_pct,performance_pct,quality_pct,oee_pct,planned_min,no_data_min,no_data_time,run_min,good,reject,breakdowns_min,setup_min,minor_stops_min,reduced_speed_min,defects_min,startup_rejects_min,bottleneck'
  const rows = [r.summary, ...r.periods].flatMap((p) =>
    [
      ...p.machines.map((m) => ({ ...m, id: m.machine })),
      { id: 'LINE', name: r.line, ...p.line, plannedProductionMin: '', noDataMin: '', runMin: '', counts: p.output, lossMin: null },
    ].map((m) =>
      [
        p.label,
        new Date(p.start).toISOString(),
        new Date(p.end).toISOString(),
        m.id,
        m.name,
        percent(m.availability),
        percent(m.performance),
        percent(m.quality),
        percent(m.oee),
        minutes(m.plannedProductionMin),
        minutes(m.noDataMin),
        m.id === 'LINE' ? '' : r.noDataTime,
        minutes(m.runMin),
        m.counts.good,
        'reject' in m.counts ? m.counts.reject : '',
        ...(m.lossMin
          ? [
              minutes(m.lossMin.breakdowns),
              minutes(m.lossMin.setupAndAdjustments),
              minutes(m.lossMin.minorStops),
              minutes(m.lossMin.reducedSpeed),
              minutes(m.lossMin.processDefects),
              minutes(m.lossMin.startupRejects),
            ]
          : ['', '', '', '', '', '']),
        p.bottleneck?.machine,
      ]
        .map(csvCell)
        .join(','),
    ),
  )
  return [head, ...rows].join('\n') + '\n'
}
