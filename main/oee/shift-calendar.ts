import { DateTime } from 'luxon'
import { z } from 'zod'
import { type Interval, normalizeIntervals } from './time-intervals'
import type { TimeRange } from './machine-state'

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'local time must be HH:mm (24 h), e.g. 06:00')
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be yyyy-MM-dd, e.g. 2024-12-25')
const isoInstant = z.string().refine((s) => DateTime.fromISO(s, { setZone: true }).isValid, 'must be an ISO 8601 date-time, e.g. 2024-03-31T06:00')

export const ShiftCalendarSchema = z.object({
  timeZone: z.string().refine((tz) => DateTime.now().setZone(tz).isValid, 'unknown IANA time zone — use e.g. Europe/Berlin'),
  shifts: z
    .array(
      z.object({
        name: z.string().min(1),
        start: localTime,
        // End at or before start means the shift ends the next day (night shift); equal means 24 h.
        end: localTime,
        // ISO weekdays (1 = Monday) on which the shift starts; all days when omitted.
        days: z.array(z.number().int().min(1).max(7)).optional(),
      }),
    )
    .min(1, 'calendar needs at least one shift'),
  breaks: z
    .array(
      z.object({
        start: localTime,
        durationMin: z.number().positive(),
        // Shift names the break belongs to; every shift when omitted.
        shifts: z.array(z.string()).optional(),
      }),
    )
    .default([]),
  holidays: z.array(localDate).default([]),
  plannedStops: z.array(z.object({ from: isoInstant, to: isoInstant, reason: z.string().optional() })).default([]),
  // Days and weeks start at this local time (plants often start the production day with the first shift).
  productionDayStart: localTime.default('00:00'),
})

export type ShiftCalendarInput = z.input<typeof ShiftCalendarSchema>
export type ShiftCalendar = z.output<typeof ShiftCalendarSchema>

export interface ShiftInstance extends Interval {
  name: string
  /** Local date (yyyy-MM-dd) the shift starts on, in the plant time zone. */
  date: string
  breaks: Interval[]
}

export type PeriodKind = 'shift' | 'day' | 'week' | 'range'

export interface Period extends Interval {
  kind: PeriodKind
  label: string
}

function atLocal(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number)
  // Luxon moves a wall time that does not exist (spring-forward gap) forward by the gap.
  return day.set({ hour, minute, second: 0, millisecond: 0 })
}

/** Shift instances (with their breaks) overlapping the range; each is whole, not clipped. */
export function expandShifts(calendar: ShiftCalendar, range: TimeRange): ShiftInstance[] {
  const zone = calendar.timeZone
  const first = DateTime.fromMillis(range.from, { zone }).startOf('day').minus({ days: 1 })
  const last = DateTime.fromMillis(range.to, { zone }).startOf('day')
  const out: ShiftInstance[] = []
  for (let day = first; day <= last; day = day.plus({ days: 1 })) {
    for (const shift of calendar.shifts) {
      if (shift.days && !shift.days.includes(day.weekday)) continue
      const start = atLocal(day, shift.start)
      let end = atLocal(day, shift.end)
      if (end <= start) end = atLocal(day.plus({ days: 1 }), shift.end)
      const s = start.toMillis()
      const e = end.toMillis()
      if (e <= range.from || s >= range.to) continue
      const breaks: Interval[] = []
      for (const b of calendar.breaks) {
        if (b.shifts && !b.shifts.includes(shift.name)) continue
        let bs = atLocal(day, b.start)
        if (bs < start) bs = atLocal(day.plus({ days: 1 }), b.start)
        const bStart = bs.toMillis()
        const bEnd = Math.min(e, bStart + b.durationMin * 60_000)
        if (bStart < e) breaks.push({ start: bStart, end: bEnd })
      }
      out.push({ name: shift.name, date: day.toISODate() ?? '', start: s, end: e, breaks })
    }
  }
  return out.sort((a, b) => a.start - b.start)
}

/** Holidays (whole local days) and explicit planned stops as one interval set. */
export function calendarPlannedStops(calendar: ShiftCalendar): Interval[] {
  const zone = calendar.timeZone
  const stops: Interval[] = []
  for (const h of calendar.holidays) {
    const day = DateTime.fromISO(h, { zone }).startOf('day')
    stops.push({ start: day.toMillis(), end: day.plus({ days: 1 }).toMillis() })
  }
  for (const p of calendar.plannedStops) {
    stops.push({
      start: DateTime.fromISO(p.from, { zone }).toMillis(),
      end: DateTime.fromISO(p.to, { zone }).toMillis(),
    })
  }
  return normalizeIntervals(stops)
}

/** Reporting periods clipped to the range: one per shift, production day, ISO week, or the range itself. */
export function reportingPeriods(calendar: ShiftCalendar, range: TimeRange, kind: PeriodKind): Period[] {
  const zone = calendar.timeZone
  const clip = (start: number, end: number) => ({ start: Math.max(start, range.from), end: Math.min(end, range.to) })
  if (kind === 'range') {
    const label = `${DateTime.fromMillis(range.from, { zone }).toISO()} – ${DateTime.fromMillis(range.to, { zone }).toISO()}`
    return [{ kind, label, start: range.from, end: range.to }]
  }
  if (kind === 'shift') {
    return expandShifts(calendar, range).map((s) => ({ kind, label: `${s.date} ${s.name}`, ...clip(s.start, s.end) }))
  }
  const periods: Period[] = []
  let cursor = atLocal(DateTime.fromMillis(range.from, { zone }).startOf('day'), calendar.productionDayStart)
  if (cursor.toMillis() > range.from) cursor = cursor.minus({ days: 1 })
  if (kind === 'week') {
    while (cursor.weekday !== 1) cursor = cursor.minus({ days: 1 })
  }
  while (cursor.toMillis() < range.to) {
    const next = cursor.plus(kind === 'day' ? { days: 1 } : { weeks: 1 })
    const label = kind === 'day' ? (cursor.toISODate() ?? '') : cursor.toFormat("kkkk-'W'WW")
    const c = clip(cursor.toMillis(), next.toMillis())
    if (c.end > c.start) periods.push({ kind, label, ...c })
    cursor = next
  }
  return periods
}
