import type { DowntimeEvent } from './downtime-event'
import { reasonLabel, type ReasonTree } from './reason-tree'

export interface ReasonRanking {
  categoryId: string | null
  category: string
  minutes: number
  events: number
  reasons: { reasonId: string | null; reason: string; minutes: number; events: number }[]
}

/**
 * Downtime by reason, categories and reasons ranked by minutes lost. Minor stops are left out (they are
 * performance loss); uncoded events form their own "Uncoded" category so nothing disappears, and uncoded no-data
 * stretches (listed only when no-data time counts as breakdown) one called "No data".
 */
export function rankDowntimeByReason(events: readonly DowntimeEvent[], reasons: ReasonTree, options: { includeMinor?: boolean } = {}): ReasonRanking[] {
  const byCategory = new Map<string, ReasonRanking>()
  for (const e of events) {
    if (e.minor && !options.includeMinor) continue
    if (e.state === 'running' || e.state === 'planned-stop') continue
    const noData = !e.reason && e.state === 'no-data'
    const label = e.reason ? reasonLabel(reasons, e.reason) : { category: noData ? 'No data' : 'Uncoded', reason: 'Uncoded' }
    const key = e.reason?.categoryId ?? (noData ? '\u0000no-data' : '\u0000uncoded')
    let cat = byCategory.get(key)
    if (!cat) byCategory.set(key, (cat = { categoryId: e.reason?.categoryId ?? null, category: label.category, minutes: 0, events: 0, reasons: [] }))
    const reasonId = e.reason?.reasonId ?? null
    let r = cat.reasons.find((x) => x.reasonId === reasonId)
    if (!r) cat.reasons.push((r = { reasonId, reason: label.reason, minutes: 0, events: 0 }))
    const minutes = e.durationS / 60
    cat.minutes += minutes
    cat.events++
    r.minutes += minutes
    r.events++
  }
  const ranked = [...byCategory.values()].sort((a, b) => b.minutes - a.minutes)
  for (const c of ranked) c.reasons.sort((a, b) => b.minutes - a.minutes)
  return ranked
}
