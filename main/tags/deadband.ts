import type { Deadband, EngineeringRange, Tag, TagValue } from './tag'

// Drops numeric samples that moved less than the deadband, so noise does not flood the bus and historian.

/** The deadband in engineering units; percent deadbands take the percent of the range width. */
export function deadbandThreshold(deadband: Deadband, range?: EngineeringRange): number {
  if (deadband.mode === 'absolute') return deadband.value
  if (!range) {
    throw new Error(`a ${deadband.value}% deadband needs an engineering range — set the tag's range or scaling`)
  }
  return (deadband.value / 100) * (range.high - range.low)
}

/** OPC UA semantics: a change is reported when it is strictly larger than the deadband. */
export function exceedsDeadband(previous: number, next: number, threshold: number): boolean {
  if (Number.isNaN(previous) || Number.isNaN(next)) return Number.isNaN(previous) !== Number.isNaN(next)
  if (!Number.isFinite(previous) || !Number.isFinite(next)) return previous !== next
  return Math.abs(next - previous) > threshold
}

/** The range a percent deadband refers to: the tag's range, else its scaled engineering span. */
export function deadbandRange(tag: Pick<Tag, 'range' | 'scaling'>): EngineeringRange | undefined {
  if (tag.range) return tag.range
  if (!tag.scaling) return undefined
  const { engLow, engHigh } = tag.scaling
  return { low: Math.min(engLow, engHigh), high: Math.max(engLow, engHigh) }
}

/**
 * A stateful filter for one tag's value stream. It compares against the last value it let through
 * (not the last one seen), so slow drift is still reported. Quality or stale changes always pass;
 * non-numeric values pass when they change; a tag without a deadband passes everything.
 */
export function createDeadbandFilter(tag: Pick<Tag, 'deadband' | 'range' | 'scaling'>): (sample: TagValue) => boolean {
  const threshold = tag.deadband ? deadbandThreshold(tag.deadband, deadbandRange(tag)) : undefined
  let last: TagValue | undefined
  return (sample) => {
    const pass =
      threshold === undefined ||
      last === undefined ||
      last.quality.status !== sample.quality.status ||
      last.stale !== sample.stale ||
      (typeof last.value === 'number' && typeof sample.value === 'number' ? exceedsDeadband(last.value, sample.value, threshold) : last.value !== sample.value)
    if (pass) last = sample
    return pass
  }
}
