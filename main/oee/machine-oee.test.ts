import { describe, expect, it } from 'vitest'
import { MachineConfigSchema, type MachineConfigInput } from './machine-config'
import { computeMachineOee } from './machine-oee'
import type { Sample, TagSeries } from './machine-state'
import { ShiftCalendarSchema, type ShiftCalendarInput } from './shift-calendar'

const ms = (iso: string) => Date.parse(iso)
const steps = (entries: [string, number][]): Sample[] => entries.map(([t, v]) => ({ t: ms(t), v }))
const STATE = { running: 1, idle: 2, faulted: 3, setup: 4, planned: 5, blocked: 6, starved: 7 } as const
const stateMap = { '1': 'running', '2': 'idle', '3': 'faulted', '4': 'setup', '5': 'planned-stop', '6': 'blocked', '7': 'starved' } as const

const utcDayShift: ShiftCalendarInput = {
  timeZone: 'UTC',
  shifts: [{ name: 'A', start: '06:00', end: '14:00' }],
  breaks: [{ start: '10:00', durationMin: 15 }],
}

function machine(overrides: Partial<MachineConfigInput> = {}) {
  return MachineConfigSchema.parse({
    id: 'filler',
    state: { kind: 'enum', tag: 'state', map: stateMap, faultCodeTag: 'fault' },
    counters: { totalTag: 'total', rejectTag: 'reject' },
    idealCycleS: 2,
    ...overrides,
  })
}

function run(
  series: TagSeries,
  opts: { calendar?: ShiftCalendarInput; m?: Partial<MachineConfigInput>; from?: string; to?: string; by?: 'shift' | 'day' | 'week' | 'range' } = {},
) {
  return computeMachineOee(
    machine(opts.m),
    ShiftCalendarSchema.parse(opts.calendar ?? utcDayShift),
    series,
    { from: ms(opts.from ?? '2024-01-10T00:00:00Z'), to: ms(opts.to ?? '2024-01-11T00:00:00Z') },
    opts.by ?? 'range',
  )
}

/** Fault 07:00–07:30, a 60 s idle at 08:00 (minor), setup 09:00–09:20; 11205 units, 105 rejects of which 5 at start-up. */
const baseScenario: TagSeries = {
  state: steps([
    ['2024-01-10T06:00:00Z', STATE.running],
    ['2024-01-10T07:00:00Z', STATE.faulted],
    ['2024-01-10T07:30:00Z', STATE.running],
    ['2024-01-10T08:00:00Z', STATE.idle],
    ['2024-01-10T08:01:00Z', STATE.running],
    ['2024-01-10T09:00:00Z', STATE.setup],
    ['2024-01-10T09:20:00Z', STATE.running],
  ]),
  fault: steps([
    ['2024-01-10T06:00:00Z', 0],
    ['2024-01-10T07:00:00Z', 42],
    ['2024-01-10T07:30:00Z', 0],
  ]),
  total: steps([
    ['2024-01-10T06:00:00Z', 0],
    ['2024-01-10T09:00:00Z', 5000],
    ['2024-01-10T13:59:00Z', 11205],
  ]),
  reject: steps([
    ['2024-01-10T06:00:00Z', 0],
    ['2024-01-10T09:22:00Z', 5],
    ['2024-01-10T12:00:00Z', 105],
  ]),
}

describe('machine OEE, hand-computed day shift (UTC, 06–14 with a 15 min break)', () => {
  const r = run(baseScenario).periods[0]

  it('splits time into planned production, run time and downtime', () => {
    expect(r.scheduledS).toBe(480 * 60)
    expect(r.calendarPlannedStopS).toBe(15 * 60)
    expect(r.plannedProductionS).toBe(465 * 60)
    expect(r.runS).toBe(415 * 60) // 465 − 30 fault − 20 setup; the 1 min idle is a minor stop
    expect(r.netRunS).toBe(414 * 60)
  })

  it('gives exact A, P, Q and OEE', () => {
    expect(r.availability).toBeCloseTo(415 / 465, 12)
    expect(r.performance).toBeCloseTo((11205 * 2) / (415 * 60), 12) // 0.9
    expect(r.quality).toBeCloseTo(11100 / 11205, 12)
    expect(r.oee).toBeCloseTo((11100 * 2) / (465 * 60), 12)
    expect(r.counts).toEqual({ total: 11205, good: 11100, reject: 105, startupReject: 5, outsidePlannedTime: 0 })
    expect(r.flags).toEqual([])
  })

  it('reports the six big losses in minutes and units, adding up to the lost time', () => {
    expect(r.lossMin.breakdowns).toBeCloseTo(30, 12)
    expect(r.lossMin.setupAndAdjustments).toBeCloseTo(20, 12)
    expect(r.lossMin.minorStops).toBeCloseTo(1, 12)
    expect(r.lossMin.reducedSpeed).toBeCloseTo(414 - 373.5, 12)
    expect(r.lossMin.processDefects).toBeCloseTo((100 * 2) / 60, 12)
    expect(r.lossMin.startupRejects).toBeCloseTo((5 * 2) / 60, 12)
    const lost = Object.values(r.lossMin).reduce((a, b) => a + b, 0)
    expect(lost + (r.counts.good * 2) / 60).toBeCloseTo(465, 9)
    expect(r.lossUnits.breakdowns).toBeCloseTo(900, 9)
    expect(r.lossUnits.minorStops).toBeCloseTo(30, 9)
    expect(r.lossUnits.reducedSpeed).toBeCloseTo(1215, 9)
    expect(r.lossUnits.processDefects).toBe(100)
    expect(r.lossUnits.startupRejects).toBe(5)
  })

  it('lists every stop as an event with its fault code and minor flag', () => {
    const events = run(baseScenario).events.filter((e) => e.start >= ms('2024-01-10T06:00:00Z'))
    expect(events.map((e) => [e.state, e.durationS, e.faultCode, e.minor])).toEqual([
      ['faulted', 1800, 42, false],
      ['idle', 60, undefined, true],
      ['setup', 1200, undefined, false],
    ])
  })

  it('treats a stop at or above the threshold as downtime', () => {
    const r2 = run(baseScenario, { m: { minorStopThresholdS: 60 } }).periods[0]
    expect(r2.runS).toBe(414 * 60)
    expect(r2.lossMin.breakdowns).toBeCloseTo(31, 12)
    expect(r2.lossMin.minorStops).toBe(0)
  })

  it('gives the same result when the series arrive out of order', () => {
    const shuffled = Object.fromEntries(Object.entries(baseScenario).map(([tag, samples]) => [tag, [...samples].reverse()]))
    expect(run(shuffled)).toEqual(run(baseScenario))
  })

  it('derives total from good + reject when the total counter is missing', () => {
    const series = {
      ...baseScenario,
      good: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T13:00:00Z', 11100],
      ]),
    }
    const r2 = run(series, { m: { counters: { goodTag: 'good', rejectTag: 'reject' } } }).periods[0]
    expect(r2.counts.total).toBe(11205)
    expect(r2.oee).toBeCloseTo(r.oee!, 12)
  })
})

describe('planned stops', () => {
  it('a break inside a fault is planned time, not downtime', () => {
    const series: TagSeries = {
      state: steps([
        ['2024-01-10T06:00:00Z', 1],
        ['2024-01-10T09:50:00Z', 3],
        ['2024-01-10T10:30:00Z', 1],
      ]),
      total: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T13:00:00Z', 12000],
      ]),
      reject: steps([['2024-01-10T06:00:00Z', 0]]),
    }
    const r = run(series).periods[0]
    expect(r.plannedProductionS).toBe(465 * 60)
    expect(r.lossMin.breakdowns).toBeCloseTo(25, 12) // 40 min fault − 15 min break
    expect(r.availability).toBeCloseTo(440 / 465, 12)
    expect(r.performance).toBeCloseTo(24000 / (440 * 60), 12)
    expect(r.oee).toBeCloseTo(24000 / (465 * 60), 12)
  })

  it('removes planned-stop state, calendar planned stops and holidays from planned time', () => {
    const series: TagSeries = {
      state: steps([
        ['2024-01-10T06:00:00Z', 1],
        ['2024-01-10T12:00:00Z', 5],
        ['2024-01-10T12:30:00Z', 1],
      ]),
      total: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T13:00:00Z', 10000],
      ]),
      reject: steps([['2024-01-10T06:00:00Z', 0]]),
    }
    const calendar = { ...utcDayShift, plannedStops: [{ from: '2024-01-10T07:00:00Z', to: '2024-01-10T07:45:00Z', reason: 'training' }] }
    const r = run(series, { calendar }).periods[0]
    expect(r.calendarPlannedStopS).toBe(60 * 60)
    expect(r.plannedStopStateS).toBe(30 * 60)
    expect(r.plannedProductionS).toBe((480 - 15 - 45 - 30) * 60)
    expect(r.availability).toBe(1)
    const holiday = run(series, { calendar: { ...utcDayShift, holidays: ['2024-01-10'] } }).periods[0]
    expect(holiday.plannedProductionS).toBe(0)
    expect(holiday.availability).toBeNull()
    expect(holiday.flags).toContain('no-planned-production-time')
    expect(holiday.counts.outsidePlannedTime).toBe(10000)
  })
})

describe('blocked and starved', () => {
  const series: TagSeries = {
    state: steps([
      ['2024-01-10T06:00:00Z', 1],
      ['2024-01-10T08:00:00Z', 6],
      ['2024-01-10T08:20:00Z', 1],
      ['2024-01-10T09:00:00Z', 7],
      ['2024-01-10T09:10:00Z', 1],
      ['2024-01-10T11:00:00Z', 6],
      ['2024-01-10T11:01:00Z', 1],
    ]),
    total: steps([
      ['2024-01-10T06:00:00Z', 0],
      ['2024-01-10T13:00:00Z', 12000],
    ]),
    reject: steps([['2024-01-10T06:00:00Z', 0]]),
  }

  it('are taken out of planned time when they do not count against availability', () => {
    const r = run(series).periods[0]
    expect(r.blockedStarvedS).toBe(31 * 60)
    expect(r.blockedStarvedAgainstAvailability).toBe(false)
    expect(r.plannedProductionS).toBe((465 - 31) * 60)
    expect(r.runS).toBe(434 * 60)
    expect(r.availability).toBe(1)
    expect(r.performance).toBeCloseTo(24000 / (434 * 60), 12)
  })

  it('are availability loss (reported apart from breakdowns) when they count; short ones are minor stops', () => {
    const r = run(series, { m: { blockedStarvedAgainstAvailability: true } }).periods[0]
    expect(r.plannedProductionS).toBe(465 * 60)
    expect(r.runS).toBe(435 * 60)
    expect(r.lossMin.breakdowns).toBe(0)
    expect(r.lossMin.minorStops).toBeCloseTo(1, 12)
    expect(r.blockedStarvedS).toBe(31 * 60)
    expect(r.blockedStarvedLossMin).toBe(30)
    expect(r.availability).toBeCloseTo(435 / 465, 12)
    expect(r.oee).toBeCloseTo(24000 / (465 * 60), 12)
  })
})

describe('performance above 100 %', () => {
  it('is reported uncapped and flagged', () => {
    const series: TagSeries = {
      state: steps([['2024-01-10T06:00:00Z', 1]]),
      total: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T13:00:00Z', 15000],
      ]),
      reject: steps([['2024-01-10T06:00:00Z', 0]]),
    }
    const r = run(series).periods[0]
    expect(r.performance).toBeCloseTo(30000 / (465 * 60), 12)
    expect(r.performance!).toBeGreaterThan(1)
    expect(r.flags).toContain('performance-above-100')
    expect(r.lossMin.reducedSpeed).toBeCloseTo(465 - 500, 12)
  })
})

describe('counters in the machine calculation', () => {
  const state = steps([['2024-01-10T06:00:00Z', 1]])
  it('counts across a 16-bit rollover', () => {
    const series: TagSeries = {
      state,
      total: steps([
        ['2024-01-10T06:00:00Z', 60000],
        ['2024-01-10T09:00:00Z', 65535],
        ['2024-01-10T09:00:01Z', 3],
        ['2024-01-10T13:00:00Z', 6000],
      ]),
      reject: steps([
        ['2024-01-10T06:00:00Z', 65530],
        ['2024-01-10T12:00:00Z', 10],
      ]),
    }
    const r = run(series, { m: { counters: { totalTag: 'total', rejectTag: 'reject', bitWidth: 16 } } }).periods[0]
    expect(r.counts.total).toBe(5535 + 4 + 5997)
    expect(r.counts.reject).toBe(16)
  })

  it('counts across a 32-bit rollover and ignores the jump of a PLC restart', () => {
    const series: TagSeries = {
      state,
      total: steps([
        ['2024-01-10T06:00:00Z', 4294967000],
        ['2024-01-10T08:00:00Z', 100],
        ['2024-01-10T09:00:00Z', 500],
        ['2024-01-10T09:00:05Z', 2], // restart: back to zero, then 2 made
        ['2024-01-10T13:00:00Z', 1002],
      ]),
      reject: steps([['2024-01-10T06:00:00Z', 0]]),
    }
    const report = run(series, { m: { counters: { totalTag: 'total', rejectTag: 'reject', bitWidth: 32 } } })
    expect(report.periods[0].counts.total).toBe(296 + 100 + 400 + 2 + 1000)
    expect(report.warnings.join('\n')).toMatch(/reset 1 time/)
  })
})

describe('ideal speed per product', () => {
  it('weights ideal time by the product running when the units were counted', () => {
    const series: TagSeries = {
      state: steps([['2024-01-10T06:00:00Z', 1]]),
      product: steps([
        ['2024-01-10T06:00:00Z', 7],
        ['2024-01-10T10:15:00Z', 8],
      ]),
      total: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T09:00:00Z', 6000],
        ['2024-01-10T13:00:00Z', 9000],
      ]),
      reject: steps([['2024-01-10T06:00:00Z', 0]]),
    }
    const r = run(series, { m: { idealCycleS: undefined, productTag: 'product', products: { '7': { idealCycleS: 2 }, '8': { idealRatePerMin: 20 } } } })
      .periods[0]
    expect(r.idealProductionS).toBe(6000 * 2 + 3000 * 3)
    expect(r.performance).toBeCloseTo(21000 / (465 * 60), 12)
    expect(r.idealCycleS).toBeCloseTo(21000 / 9000, 12)
  })
})

describe('state from bits', () => {
  it('derives running, faulted (with code) and idle from running bit, fault bit and speed', () => {
    const series: TagSeries = {
      run: steps([
        ['2024-01-10T06:00:00Z', 1],
        ['2024-01-10T08:00:00Z', 0],
        ['2024-01-10T08:30:00Z', 1],
      ]),
      fault: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T08:00:00Z', 1],
        ['2024-01-10T08:10:00Z', 0],
      ]),
      code: steps([['2024-01-10T08:00:00Z', 17]]),
      speed: steps([
        ['2024-01-10T06:00:00Z', 100],
        ['2024-01-10T11:00:00Z', 0],
        ['2024-01-10T11:05:00Z', 100],
      ]),
      total: steps([
        ['2024-01-10T06:00:00Z', 0],
        ['2024-01-10T13:00:00Z', 12000],
      ]),
      reject: steps([['2024-01-10T06:00:00Z', 0]]),
    }
    const report = run(series, {
      m: { state: { kind: 'bits', runningTag: 'run', faultTag: 'fault', faultCodeTag: 'code', speedTag: 'speed' } },
    })
    const ev = report.events.filter((e) => e.start >= ms('2024-01-10T06:00:00Z'))
    expect(ev.map((e) => [e.state, e.durationS, e.faultCode])).toEqual([
      ['faulted', 600, 17],
      ['idle', 1200, undefined],
      ['idle', 300, undefined],
    ])
    expect(report.periods[0].runS).toBe((465 - 35) * 60)
  })
})
