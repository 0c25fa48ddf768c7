import { describe, expect, it } from 'vitest'
import { MachineConfigSchema } from './machine-config'
import { calendarContext, computeMachinePeriod, prepareMachine } from './machine-oee'
import { naiveMachineOee } from './naive-oee-reference'
import { ShiftCalendarSchema, reportingPeriods } from './shift-calendar'
import { SYNTHETIC_STATE_MAP, syntheticMachineHistory } from './synthetic-machine-history'

describe('engine against the per-sample reference', () => {
  it('agrees on two days of 1 Hz history (minor stops, faults, setups, breaks, 16-bit rollover, DST night)', () => {
    const from = Date.parse('2024-03-30T00:00:00+01:00')
    const series = syntheticMachineHistory({ machine: 'm', from, days: 2, seed: 7, idealCycleS: 1.2 })
    const calendar = ShiftCalendarSchema.parse({
      timeZone: 'Europe/Berlin',
      shifts: [
        { name: 'early', start: '06:00', end: '14:00' },
        { name: 'late', start: '14:00', end: '22:00' },
        { name: 'night', start: '22:00', end: '06:00' },
      ],
      breaks: [
        { start: '10:00', durationMin: 30 },
        { start: '18:00', durationMin: 30 },
        { start: '02:00', durationMin: 30 },
      ],
    })
    const config = MachineConfigSchema.parse({
      id: 'm',
      state: { kind: 'enum', tag: 'm.State', map: SYNTHETIC_STATE_MAP },
      counters: { totalTag: 'm.Total', rejectTag: 'm.Reject', bitWidth: 16 },
      idealCycleS: 1.2,
    })
    const range = { from, to: from + 2 * 86_400_000 - 3_600_000 }
    const prepared = prepareMachine(config, series, range)
    const cal = calendarContext(calendar, range)
    const periods = reportingPeriods(calendar, range, 'shift')
    expect(periods.length).toBe(7) // includes the night shift that started the evening before, clipped
    for (const period of periods) {
      const engine = computeMachinePeriod(prepared, cal, period)
      const naive = naiveMachineOee({
        state: series['m.State'],
        stateMap: SYNTHETIC_STATE_MAP,
        total: series['m.Total'],
        reject: series['m.Reject'],
        bitWidth: 16,
        idealCycleS: 1.2,
        minorStopThresholdS: 120,
        shifts: cal.shifts,
        plannedStops: cal.plannedStops,
        period,
      })
      expect(engine.plannedProductionS, period.label).toBe(naive.plannedProductionS)
      expect(engine.runS, period.label).toBe(naive.runS)
      expect(engine.availability!).toBeCloseTo(naive.availability, 12)
      expect(engine.performance!).toBeCloseTo(naive.performance, 12)
      expect(engine.quality!).toBeCloseTo(naive.quality, 12)
      expect(engine.oee!).toBeCloseTo(naive.oee, 12)
    }
  })
})
