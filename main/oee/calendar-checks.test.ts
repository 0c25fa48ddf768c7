import { describe, expect, it } from 'vitest'
import { checkShiftCalendar, CheckedShiftCalendarSchema } from './calendar-checks'
import { calendarRanges } from './calendar-ranges'
import { ShiftCalendarSchema, type ShiftCalendarInput } from './shift-calendar'

const threeShifts: ShiftCalendarInput = {
  timeZone: 'Europe/Berlin',
  shifts: [
    { name: 'Early', start: '06:00', end: '14:00' },
    { name: 'Late', start: '14:00', end: '22:00' },
    { name: 'Night', start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5] },
  ],
  breaks: [
    { start: '10:00', durationMin: 30, shifts: ['Early'] },
    { start: '02:00', durationMin: 30 },
  ],
  productionDayStart: '06:00',
}
const problems = (input: ShiftCalendarInput) => checkShiftCalendar(ShiftCalendarSchema.parse(input)).map((p) => p.message)

describe('shift calendar checks', () => {
  it('accepts three back-to-back shifts with a night shift over midnight and breaks inside them', () => {
    expect(problems(threeShifts)).toEqual([])
  })

  it('finds overlapping shifts, also a Sunday night shift running into Monday', () => {
    expect(problems({ ...threeShifts, breaks: [], shifts: [{ name: 'Early', start: '06:00', end: '14:30' }, threeShifts.shifts[1]] })).toEqual([
      expect.stringMatching(/shifts "Early" \(06:00–14:30\) and "Late" \(14:00–22:00\) overlap on Mon/),
    ])
    const sundayNight = { name: 'Weekend night', start: '22:00', end: '07:00', days: [7] }
    expect(problems({ timeZone: 'UTC', shifts: [{ name: 'Monday early', start: '06:00', end: '14:00', days: [1] }, sundayNight] })).toEqual([
      expect.stringMatching(/overlap on Mon/),
    ])
  })

  it('finds breaks outside their shift, in no shift, or naming an unknown shift', () => {
    expect(problems({ ...threeShifts, breaks: [{ start: '13:45', durationMin: 30, shifts: ['Early'] }] })).toEqual([
      'break at 13:45 (30 min) lies outside its shift "Early" (06:00–14:00) — move it inside or change the shift',
    ])
    expect(problems({ timeZone: 'UTC', shifts: [threeShifts.shifts[0]], breaks: [{ start: '20:00', durationMin: 15 }] })).toEqual([
      'break at 20:00 (15 min) lies in no shift — move it inside a shift',
    ])
    expect(problems({ ...threeShifts, breaks: [{ start: '10:00', durationMin: 15, shifts: ['Früh'] }] })).toEqual([
      expect.stringMatching(/unknown shift "Früh" — known: Early, Late, Night/),
    ])
  })

  it('finds duplicate shift names and planned stops that end before they start; reports each at its field', () => {
    const result = CheckedShiftCalendarSchema.safeParse({
      ...threeShifts,
      shifts: [threeShifts.shifts[0], { ...threeShifts.shifts[1], name: 'early' }],
      breaks: [],
      plannedStops: [{ from: '2024-05-01T10:00', to: '2024-05-01T08:00' }],
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['shifts.1.name', expect.stringMatching(/used twice/)],
      ['plannedStops.0.to', expect.stringMatching(/ends before it starts/)],
    ])
  })
})

describe('calendar ranges', () => {
  const cal = ShiftCalendarSchema.parse(threeShifts)
  it('names the running shift in the plant time zone, the one before it, the production day and the week', () => {
    // 2024-03-06 (Wed) 15:30 in Berlin is 14:30 UTC.
    const r = calendarRanges(cal, Date.parse('2024-03-06T14:30:00Z'))
    expect(r.currentShift).toEqual({
      label: '2024-03-06 Late',
      from: Date.parse('2024-03-06T13:00:00Z'),
      to: Date.parse('2024-03-06T21:00:00Z'),
      running: true,
    })
    expect(r.previousShift?.label).toBe('2024-03-06 Early')
    expect(r.today).toEqual({ label: '2024-03-06', from: Date.parse('2024-03-06T05:00:00Z'), to: Date.parse('2024-03-07T05:00:00Z') })
    expect(r.week).toMatchObject({ label: '2024-W10', from: Date.parse('2024-03-04T05:00:00Z') })
    expect(r.shifts[0].label).toBe('2024-03-06 Late')
  })

  it('before the production day starts, today is still yesterday; on Saturday night (no night shift) the last shift is shown, not running', () => {
    const early = calendarRanges(cal, Date.parse('2024-03-06T04:00:00Z')) // 05:00 local
    expect(early.currentShift?.label).toBe('2024-03-05 Night')
    expect(early.today.label).toBe('2024-03-05')
    const saturdayNight = calendarRanges(cal, Date.parse('2024-03-09T23:00:00Z')) // Sun 00:00 local
    expect(saturdayNight.currentShift).toMatchObject({ label: '2024-03-09 Late', running: false })
    expect(saturdayNight.previousShift?.label).toBe('2024-03-09 Early')
  })

  it('follows the DST change: the night shift into the spring-forward Sunday… and the shift on it is 7 h', () => {
    const c = ShiftCalendarSchema.parse({ timeZone: 'Europe/Berlin', shifts: [{ name: 'Night', start: '22:00', end: '06:00' }] })
    const r = calendarRanges(c, Date.parse('2024-03-31T03:00:00Z'))
    expect(r.currentShift?.label).toBe('2024-03-30 Night')
    expect((r.currentShift!.to - r.currentShift!.from) / 3_600_000).toBe(7)
  })
})
