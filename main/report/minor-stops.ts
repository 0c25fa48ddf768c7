import type { OeeEvent, ReportMinorStops } from '../../preload/contract'

const hourOf = (t: number, timeZone: string): number =>
  Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(t))) % 24

const causeOf = (e: OeeEvent): string => e.reasonLabel ?? `${e.state}${e.faultCode !== undefined ? ` (fault ${e.faultCode})` : ''}`

/**
 * Minor stops per machine: how many, their time, the typical and longest one, what they were and when in the day
 * they start (plant time). The report HTML and the Report view both show these figures.
 */
export function summarizeMinorStops(events: readonly OeeEvent[], machines: readonly { machine: string; name: string }[], timeZone: string): ReportMinorStops {
  const byMachine = new Map<string, OeeEvent[]>()
  for (const e of events) if (e.minor) byMachine.set(e.machine, [...(byMachine.get(e.machine) ?? []), e])
  const rows = [...byMachine].map(([machine, stops]) => {
    const totalS = stops.reduce((sum, e) => sum + e.durationS, 0)
    const causes = new Map<string, { count: number; totalS: number }>()
    const byHour = new Array<number>(24).fill(0)
    for (const e of stops) {
      const c = causes.get(causeOf(e)) ?? { count: 0, totalS: 0 }
      causes.set(causeOf(e), { count: c.count + 1, totalS: c.totalS + e.durationS })
      byHour[hourOf(e.start, timeZone)] += 1
    }
    return {
      machine,
      name: machines.find((m) => m.machine === machine)?.name ?? machine,
      count: stops.length,
      totalS,
      averageS: totalS / stops.length,
      longestS: Math.max(...stops.map((e) => e.durationS)),
      causes: [...causes].map(([cause, c]) => ({ cause, ...c })).sort((a, b) => b.count - a.count || b.totalS - a.totalS || a.cause.localeCompare(b.cause)),
      byHour,
    }
  })
  return { timeZone, machines: rows.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)) }
}
