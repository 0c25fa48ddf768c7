import type { TagValue } from '../../preload/contract'
import type { Historian } from '../historian/historian'

const QUALITY_CODE = { good: 0, uncertain: 1, bad: 2 } as const

/**
 * Records live values into the historian: numbers and booleans as they come, a value that is
 * missing (null) as NaN with its bad quality, so a gap is kept as a gap. Stale marks are the UI's, not data.
 */
export function recordLiveValues(historian: Historian, values: readonly TagValue[]): void {
  for (const value of values) {
    if (value.stale) continue
    const v = typeof value.value === 'number' ? value.value : typeof value.value === 'boolean' ? (value.value ? 1 : 0) : value.value === null ? Number.NaN : undefined
    if (v === undefined) continue
    historian.append(value.tagId, Math.round(value.sourceTime), v, QUALITY_CODE[value.quality.status], value.quality.reason)
  }
}
