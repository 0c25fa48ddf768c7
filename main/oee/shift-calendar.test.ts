import { describe, expect, it } from 'vitest'
import { MachineConfigSchema } from './machine-config'
import { computeMachineOee } from './machine-oee'
import type { Sample, TagSeries } from './machine-state'
import { ShiftCalendarSchema, expandShifts, reportingPeriods } from './shift-calendar'

const ms = (iso: string) => Date.parse(iso)
const steps = (entries: [string, number][]): Sample[] => entries.map(([t, v]) => ({ t: ms(t), v }))
const H = 3600

const berlin3x8 = ShiftCalendarSchema.parse({
  timeZone: 'Europe/Berlin',
  shifts: [
    { name: 'early', start: '06:00', end: '14:00' },
    { name: 'late', start: '14:00', end: '22:00' },
    { name: 'night', start: '22:00', end: '06:00' },
  ],
})
const nightOnly = ShiftCalendarSchema.parse({ timeZone: 'Europe/Berlin', shifts: [{ name: 'night', start: '22:00', end: '06:00' }] })

const filler = MachineConfigSchema.parse({
  id: 'filler',
  state: { kind: 'enum', tag: 'state', map: { '1': 'running', '3': 'faulted' } },
  counters: { totalTag: 'total', rejectTag: 'reject' },
  idealCycleS: 1,
})

describe('shift calendar in Europe/Berlin', () => {
  it('a night shift on the spring-forward night is 7 h, on the fall-back night 9 h', () => {
    const spring = expandShifts(nightOnly, { from: ms('2024-03-30T12:00:00Z'), to: ms('2024-03-31T12:00:00Z') })
    expect(spring.map((s) => [s.date, (s.end - s.start) / 1000])).toEqual([['2024-03-30', 7 * H]])
    expect(new Date(spring[0].start).toISOString()).toBe('2024-03-30T21:00:00.000Z') // 22:00 CET
    expect(new Date(spring[0].end).toISOString()).toBe('2024-03-31T04:00:00.000Z') // 06:00 CEST
    const autumn = expandShifts(nightOnly, { from: ms('2024-10-26T12:00:00Z'), to: ms('2024-10-27T12:00:00Z') })
    expect(autumn.map((s) => [s.date, (s.end - s.start) / 1000])).toEqual([['2024-10-26', 9 * H]])
  })

  it('production days on DST Sundays are 23 h and 25 h; weeks start Monday', () => {
    const days = reportingPeriods(berlin3x8, { from: ms('2024-03-30T23:00:00Z'), to: ms('2024-04-01T22:00:00Z') }, 'day')
    expect(days.map((d) => [d.label, (d.end - d.start) / 1000])).toEqual([
      ['2024-03-31', 23 * H],
      ['2024-04-01', 24 * H],
    ])
    const oct = reportingPeriods(berlin3x8, { from: ms('2024-10-26T22:00:00Z'), to: ms('2024-10-27T23:00:00Z') }, 'day')
    expect(oct.map((d) => [d.label, (d.end - d.start) / 1000])).toEqual([['2024-10-27', 25 * H]])
    const weeks = reportingPeriods(berlin3x8, { from: ms('2024-03-27T00:00:00Z'), to: ms('2024-04-02T00:00:00Z') }, 'week')
    expect(weeks.map((w) => w.label)).toEqual(['2024-W13', '2024-W14'])
    expect(new Date(weeks[1].start).toISOString()).toBe('2024-03-31T22:00:00.000Z') // Monday 00:00 CEST
  })

  it('OEE on the DST nights uses 7 h and 9 h of planned time', () => {
    const series = (from: string, to: string, units: number): TagSeries => ({
      state: steps([[from, 1]]),
      total: steps([
        [from, 0],
        [to, units],
      ]),
      reject: steps([[from, 0]]),
    })
    const spring = computeMachineOee(
      filler,
      nightOnly,
      series('2024-03-30T21:00:00Z', '2024-03-31T03:59:59Z', 7 * H),
      {
        from: ms('2024-03-30T12:00:00Z'),
        to: ms('2024-03-31T12:00:00Z'),
      },
      'shift',
    ).periods
    expect(spring.map((p) => [p.period.label, p.plannedProductionS, p.oee])).toEqual([['2024-03-30 night', 7 * H, 1]])
    const autumn = computeMachineOee(
      filler,
      nightOnly,
      series('2024-10-26T20:00:00Z', '2024-10-27T04:59:59Z', (9 * H) / 2),
      {
        from: ms('2024-10-26T12:00:00Z'),
        to: ms('2024-10-27T12:00:00Z'),
      },
      'shift',
    ).periods
    expect(autumn.map((p) => [p.period.label, p.plannedProductionS, p.performance])).toEqual([['2024-10-26 night', 9 * H, 0.5]])
  })

  it('a shift crossing midnight is one shift, and split at midnight when reported by day', () => {
    // Night shift 22:00–06:00 CET (21:00–05:00 UTC); fault 23:50–00:20 local crosses midnight.
    const series: TagSeries = {
      state: steps([
        ['2024-01-10T21:00:00Z', 1],
        ['2024-01-10T22:50:00Z', 3],
        ['2024-01-10T23:20:00Z', 1],
      ]),
      total: steps([
        ['2024-01-10T21:00:00Z', 0],
        ['2024-01-10T22:49:00Z', 5000],
        ['2024-01-11T04:00:00Z', 20000],
      ]),
      reject: steps([
        ['2024-01-10T21:00:00Z', 0],
        ['2024-01-11T01:00:00Z', 30],
      ]),
    }
    const range = { from: ms('2024-01-10T12:00:00Z'), to: ms('2024-01-11T12:00:00Z') }
    const [shift] = computeMachineOee(filler, nightOnly, series, range, 'shift').periods
    expect(shift.period.label).toBe('2024-01-10 night')
    expect(shift.plannedProductionS).toBe(8 * H)
    expect(shift.lossMin.breakdowns).toBeCloseTo(30, 12)
    expect(shift.availability).toBeCloseTo(450 / 480, 12)
    expect(shift.performance).toBeCloseTo(20000 / (450 * 60), 12)
    expect(shift.quality).toBeCloseTo(19970 / 20000, 12)
    expect(shift.oee).toBeCloseTo(19970 / (480 * 60), 12)

    const days = computeMachineOee(filler, nightOnly, series, range, 'day').periods
    expect(days.map((d) => [d.period.label, d.plannedProductionS / 60, d.lossMin.breakdowns])).toEqual([
      ['2024-01-10', 120, 10],
      ['2024-01-11', 360, 20],
    ])
    expect(days[0].availability).toBeCloseTo(110 / 120, 12)
    expect(days[0].performance).toBeCloseTo(5000 / (110 * 60), 12)
    expect(days[1].performance).toBeCloseTo(15000 / (340 * 60), 12)
  })

  it('production days can start at the first shift', () => {
    const cal = ShiftCalendarSchema.parse({ ...berlin3x8, productionDayStart: '06:00' })
    const days = reportingPeriods(cal, { from: ms('2024-01-10T00:00:00Z'), to: ms('2024-01-11T12:00:00Z') }, 'day')
    expect(days.map((d) => [d.label, new Date(d.start).toISOString(), new Date(d.end).toISOString()])).toEqual([
      ['2024-01-09', '2024-01-10T00:00:00.000Z', '2024-01-10T05:00:00.000Z'],
      ['2024-01-10', '2024-01-10T05:00:00.000Z', '2024-01-11T05:00:00.000Z'],
      ['2024-01-11', '2024-01-11T05:00:00.000Z', '2024-01-11T12:00:00.000Z'],
    ])
  })

  it('breaks belong to shifts, including a break after midnight in a night shift', () => {
    const cal = ShiftCalendarSchema.parse({
      timeZone: 'Europe/Berlin',
      shifts: [{ name: 'night', start: '22:00', end: '06:00' }],
      breaks: [{ start: '02:00', durationMin: 30, shifts: ['night'] }],
    })
    const [s] = expandShifts(cal, { from: ms('2024-01-10T12:00:00Z'), to: ms('2024-01-11T12:00:00Z') })
    expect(s.breaks.map((b) => new Date(b.start).toISOString())).toEqual(['2024-01-11T01:00:00.000Z'])
  })

  it('rejects an unknown time zone with a message that says what to use', () => {
    const r = ShiftCalendarSchema.safeParse({ timeZone: 'Europe/Atlantis', shifts: [{ name: 'A', start: '06:00', end: '14:00' }] })
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toMatch(/IANA time zone/)
  })
})
