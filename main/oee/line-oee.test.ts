import { describe, expect, it } from 'vitest'
import { computeLineOee } from './line-oee'
import type { OeeConfigInput } from './machine-config'
import type { Sample, TagSeries } from './machine-state'
import { exampleConfig, exampleRange, exampleSeries } from './oee-scenarios.fixture'

const ms = (iso: string) => Date.parse(iso)
const steps = (entries: [string, number][]): Sample[] => entries.map(([t, v]) => ({ t: ms(t), v }))
const map = { '1': 'running', '3': 'faulted', '7': 'starved', '6': 'blocked' } as const

const config: OeeConfigInput = {
  calendar: { timeZone: 'UTC', shifts: [{ name: 'A', start: '06:00', end: '14:00' }] },
  line: {
    name: 'L2',
    machines: [
      { id: 'depal', state: { kind: 'enum', tag: 'd.s', map }, counters: { totalTag: 'd.t', rejectTag: 'd.r' }, idealCycleS: 1 },
      { id: 'labeler', state: { kind: 'enum', tag: 'l.s', map }, counters: { totalTag: 'l.t', goodTag: 'l.g' }, idealCycleS: 1 },
    ],
  },
}

// depal faults 08:00–09:00; labeler is starved meanwhile and faults 11:00–11:10 itself.
const series: TagSeries = {
  'd.s': steps([
    ['2024-01-10T06:00:00Z', 1],
    ['2024-01-10T08:00:00Z', 3],
    ['2024-01-10T09:00:00Z', 1],
  ]),
  'd.t': steps([
    ['2024-01-10T06:00:00Z', 0],
    ['2024-01-10T14:00:00Z', 25200],
  ]),
  'd.r': steps([['2024-01-10T06:00:00Z', 0]]),
  'l.s': steps([
    ['2024-01-10T06:00:00Z', 1],
    ['2024-01-10T08:00:00Z', 7],
    ['2024-01-10T09:00:00Z', 1],
    ['2024-01-10T11:00:00Z', 3],
    ['2024-01-10T11:10:00Z', 1],
  ]),
  'l.t': steps([
    ['2024-01-10T06:00:00Z', 0],
    ['2024-01-10T14:00:00Z', 24600],
  ]),
  'l.g': steps([
    ['2024-01-10T06:00:00Z', 0],
    ['2024-01-10T14:00:00Z', 24500],
  ]),
}

describe('line OEE', () => {
  const report = computeLineOee({ config, series, range: { from: ms('2024-01-10T00:00:00Z'), to: ms('2024-01-11T00:00:00Z') }, by: 'shift' })
  const [p] = report.periods

  it('computes every machine and names the bottleneck by own loss, not by starved time', () => {
    const [depal, labeler] = p.machines
    expect(depal.availability).toBeCloseTo(420 / 480, 12)
    expect(depal.performance).toBe(1)
    expect(labeler.plannedProductionS).toBe(420 * 60) // starved hour taken out
    expect(labeler.availability).toBeCloseTo(410 / 420, 12)
    expect(labeler.performance).toBeCloseTo(24600 / (410 * 60), 12)
    expect(labeler.quality).toBeCloseTo(24500 / 24600, 12)
    expect(p.bottleneck).toEqual({ machine: 'depal', ownLossMin: 60 })
    expect(p.line).toEqual({ measuredAt: 'depal', availability: depal.availability, performance: 1, quality: 1, oee: depal.oee })
    expect(p.output).toEqual({ total: 24600, good: 24500 })
  })

  it('collects downtime events of all machines', () => {
    // The no-data stretch before the first sample (00:00–06:00, outside the shift) is not reported.
    expect(report.events.map((e) => `${e.machine} ${e.state} ${e.durationS}`)).toEqual(['depal faulted 3600', 'labeler starved 3600', 'labeler faulted 600'])
  })

  it('rejects an empty range', () => {
    expect(() => computeLineOee({ config, series, range: { from: 5, to: 5 } })).toThrow(/range is empty/)
  })
})

describe('line OEE on the example recording', () => {
  it('holds the loss identity for every machine and period: losses + fully productive time = planned time', () => {
    for (const by of ['shift', 'day', 'range'] as const) {
      const report = computeLineOee({ config: exampleConfig, series: exampleSeries, range: exampleRange, by })
      for (const period of report.periods)
        for (const m of period.machines) {
          const lost = Object.values(m.lossMin).reduce((a, b) => a + b, 0)
          expect(lost + m.blockedStarvedLossMin + (m.counts.good * m.idealCycleS!) / 60).toBeCloseTo(m.plannedProductionS / 60, 6)
        }
    }
  })
})
