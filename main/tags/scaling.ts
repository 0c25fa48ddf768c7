import type { LinearScaling } from './tag'

// Linear raw ↔ engineering conversion; no clamping, so out-of-range raw values stay visible.

export function rawToEngineering(raw: number, scaling: LinearScaling): number {
  const { rawLow, rawHigh, engLow, engHigh } = scaling
  return engLow + ((raw - rawLow) * (engHigh - engLow)) / (rawHigh - rawLow)
}

export function engineeringToRaw(engineering: number, scaling: LinearScaling): number {
  const { rawLow, rawHigh, engLow, engHigh } = scaling
  return rawLow + ((engineering - engLow) * (rawHigh - rawLow)) / (engHigh - engLow)
}
