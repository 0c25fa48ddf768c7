import { describe, it, expect } from 'vitest'
import { engineeringToRaw, rawToEngineering } from './scaling'

describe('linear scaling', () => {
  const analogue = { rawLow: 0, rawHigh: 27648, engLow: -50, engHigh: 150 }

  it('maps the raw span onto the engineering span, without clamping', () => {
    expect(rawToEngineering(0, analogue)).toBe(-50)
    expect(rawToEngineering(13824, analogue)).toBe(50)
    expect(rawToEngineering(27648, analogue)).toBe(150)
    expect(rawToEngineering(32767, analogue)).toBeCloseTo(187.03, 2)
  })

  it('inverts exactly enough to round-trip, also for inverted spans', () => {
    const inverted = { rawLow: 4000, rawHigh: 20000, engLow: 100, engHigh: 0 }
    for (const scaling of [analogue, inverted]) {
      for (const raw of [0, 1, 4000, 12345, 27648]) {
        expect(engineeringToRaw(rawToEngineering(raw, scaling), scaling)).toBeCloseTo(raw, 9)
      }
    }
  })
})
