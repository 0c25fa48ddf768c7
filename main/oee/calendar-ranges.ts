import { DateTime } from 'luxon'
import { expandShifts, type ShiftCalendar } from './shift-calendar'

export interface NamedRange {
  label: string
  from: number
  to: number
}

export interface CalendarRanges {
  timeZone: string
  now: number
  currentShift: (NamedRange & { running: boolean }) | null
  previousShift: NamedRange | null
  today: NamedRange
  week: NamedRange
  /** Shifts of the last `days` days (that have started), newest first. */
  shifts: NamedRange[]
}

const DAY = 86_400_000

/** The production day (and ISO week) containing `now`: both start at the calendar's production-day start, local time. */
function productionDay(calendar: ShiftCalendar, now: number): DateTime {
  const zone = calendar.timeZone
  const [hour, minute] = calendar.productionDayStart.split(':').map(Number)
  let start = DateTime.fromMillis(now, { zone }).startOf('day').set({ hour, minute })
  if (start.toMillis() > now) start = start.minus({ days: 1 }).set({ hour, minute })
  return start
}

/**
 * The ranges a person picks in the plant's own terms: the shift running now (or the last one that ended, on a
 * weekend), the one before it, the production day, the week and recent shifts — from the configured calendar in the
 * plant's time zone, whatever zone the computer is in.
 */
export function calendarRanges(calendar: ShiftCalendar, now: number, days = 14): CalendarRanges {
  const zone = calendar.timeZone
  const instances = expandShifts(calendar, { from: now - days * DAY, to: now + 1 })
    .filter((s) => s.start <= now)
    .map((s) => ({ label: `${s.date} ${s.name}`, from: s.start, to: s.end }))
    .sort((a, b) => b.from - a.from)
  const runningIndex = instances.findIndex((s) => s.from <= now && now < s.to)
  const currentIndex = runningIndex >= 0 ? runningIndex : instances.findIndex((s) => s.to <= now)
  const current = currentIndex >= 0 ? instances[currentIndex] : undefined
  const previous = currentIndex >= 0 ? instances.slice(currentIndex + 1).find((s) => s.to <= current!.from) : undefined
  const dayStart = productionDay(calendar, now)
  let weekStart = dayStart
  while (weekStart.weekday !== 1) weekStart = weekStart.minus({ days: 1 })
  return {
    timeZone: zone,
    now,
    currentShift: current ? { ...current, running: runningIndex >= 0 } : null,
    previousShift: previous ?? null,
    today: { label: dayStart.toISODate() ?? '', from: dayStart.toMillis(), to: dayStart.plus({ days: 1 }).toMillis() },
    week: { label: weekStart.toFormat("kkkk-'W'WW"), from: weekStart.toMillis(), to: weekStart.plus({ weeks: 1 }).toMillis() },
    shifts: instances,
  }
}
