import { describe, expect, it } from 'vitest'
import { alarmRuleSchema } from '../../preload/contract'
import { createPlantModel, VIBRATION_ALARM_MMS } from '../simulator/plant-model'
import { learnAnomalyBaseline, replayRules, type AnomalyCondition } from '.'

const TAG = 'Line1.Capper.Vibration'
const START = Date.parse('2026-12-01T06:00:00Z')
const MINUTE = 60_000

/** The demo plant's Capper vibration, one value a second, for `hours` of model time (seeded: the same run every time). */
function capperVibration(hours: number): { tagId: string; t: Float64Array; v: Float64Array; q: Uint8Array } {
  const plant = createPlantModel({ seed: 1, startTimeMs: START })
  const n = hours * 3600
  const t = new Float64Array(n)
  const v = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    plant.step(1000)
    t[i] = START + (i + 1) * 1000
    v[i] = plant.snapshot().machines.Capper.vibrationMmS
  }
  return { tagId: TAG, t, v, q: new Uint8Array(n) }
}

describe('anomaly rule on the demo plant', () => {
  it("raises on the Capper's growing bearing fault long before the plain 4.5 mm/s vibration threshold", () => {
    const series = capperVibration(5)
    const condition: AnomalyCondition = {
      kind: 'anomaly',
      windowMs: MINUTE,
      threshold: 6,
      minSamples: 10,
      baseline: { from: START, to: START + 20 * MINUTE },
    }
    condition.baseline.features = learnAnomalyBaseline(condition, TAG, series)
    const anomaly = alarmRuleSchema.parse({ id: 'bearing', name: 'Capper bearing anomaly', tagId: TAG, condition })
    const threshold = alarmRuleSchema.parse({
      id: 'vib-high',
      name: 'Capper vibration high',
      tagId: TAG,
      condition: { kind: 'high', limit: VIBRATION_ALARM_MMS, deadband: 0.3 },
      onDelayMs: 10_000,
    })
    const transitions = replayRules([anomaly, threshold], [series], START, START + 5 * 3_600_000)
    const firstRaise = (id: string): number => transitions.find((t) => t.ruleId === id && t.to === 'active-unacknowledged')?.at ?? Infinity
    const anomalyAt = firstRaise('bearing')
    const thresholdAt = firstRaise('vib-high')
    // The plain threshold does fire within the five hours, so the comparison means something.
    expect(thresholdAt).toBeLessThan(START + 5 * 3_600_000)
    // Nothing during the normal period itself, and at least half an hour of warning.
    expect(anomalyAt).toBeGreaterThan(START + 20 * MINUTE)
    expect(thresholdAt - anomalyAt).toBeGreaterThan(30 * MINUTE)
    // Planned stops and faults neither raise nor clear it: one event, or two, before the threshold's first.
    expect(transitions.filter((t) => t.ruleId === 'bearing' && t.to === 'active-unacknowledged' && t.at < thresholdAt).length).toBeLessThanOrEqual(2)
  })

  it('a normal period too short to learn from is refused, saying what to pick', () => {
    const series = capperVibration(1)
    const condition: AnomalyCondition = { kind: 'anomaly', windowMs: MINUTE, threshold: 6, minSamples: 10, baseline: { from: START, to: START + 3 * MINUTE } }
    expect(() => learnAnomalyBaseline(condition, TAG, series)).toThrow(/only 3 windows of 60 s .* pick a longer normal period/)
  })
})
