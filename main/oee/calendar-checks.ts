import { DateTime } from 'luxon'
import { ShiftCalendarSchema, type ShiftCalendar } from './shift-calendar'

const WEEK_MIN = 7 * 1440

export interface CalendarProblem {
  path: (string | number)[]
  message: string
}

const minuteOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number)
  return h * 60 + m
}

/** Shift length in minutes: end at or before start runs into the next day; equal means 24 h. */
export function shiftMinutes(shift: { start: string; end: string }): number {
  const s = minuteOf(shift.start)
  const e = minuteOf(shift.end)
  return e > s ? e - s : e + 1440 - s
}

/** Each shift's instances in one week, as minutes from Monday 00:00 (wall clock; DST does not move a plan). */
function weekIntervals(shift: ShiftCalendar['shifts'][number]): { start: number; end: number; day: number }[] {
  const days = shift.days ?? [1, 2, 3, 4, 5, 6, 7]
  return days.map((day) => {
    const start = (day - 1) * 1440 + minuteOf(shift.start)
    return { start, end: start + shiftMinutes(shift), day }
  })
}

const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/**
 * What a plant calendar must satisfy beyond its shape: unique shift names, no two shifts at the same time
 * (time would count twice), breaks inside the shifts they belong to, known shift names, planned stops that end
 * after they start, real holiday dates.
 */
export function checkShiftCalendar(calendar: ShiftCalendar): CalendarProblem[] {
  const problems: CalendarProblem[] = []
  const names = new Map<string, number>()
  calendar.shifts.forEach((s, i) => {
    const seen = names.get(s.name.toLowerCase())
    if (seen !== undefined)
      problems.push({
        path: ['shifts', i, 'name'],
        message: `shift name "${s.name}" is used twice (shifts ${seen + 1} and ${i + 1}) — give each shift its own name`,
      })
    else names.set(s.name.toLowerCase(), i)
    if (s.days && s.days.length === 0) problems.push({ path: ['shifts', i, 'days'], message: `shift "${s.name}" runs on no day — pick at least one weekday` })
  })
  const instances = calendar.shifts.map(weekIntervals)
  for (let a = 0; a < calendar.shifts.length; a++) {
    for (let b = a + 1; b < calendar.shifts.length; b++) {
      const hit = findOverlap(instances[a], instances[b])
      if (hit) {
        const [sa, sb] = [calendar.shifts[a], calendar.shifts[b]]
        problems.push({
          path: ['shifts', b],
          message: `shifts "${sa.name}" (${sa.start}–${sa.end}) and "${sb.name}" (${sb.start}–${sb.end}) overlap on ${DAY_NAMES[hit]} — time in both would count twice; move a boundary`,
        })
      }
    }
  }
  calendar.breaks.forEach((br, i) => {
    const unknown = (br.shifts ?? []).filter((n) => !names.has(n.toLowerCase()))
    if (unknown.length) {
      problems.push({
        path: ['breaks', i, 'shifts'],
        message: `break at ${br.start} names unknown shift ${unknown.map((n) => `"${n}"`).join(', ')} — known: ${calendar.shifts.map((s) => s.name).join(', ')}`,
      })
      return
    }
    const owners = br.shifts ? calendar.shifts.filter((s) => br.shifts!.some((n) => n.toLowerCase() === s.name.toLowerCase())) : calendar.shifts
    const inside = owners.filter((s) => breakInside(br, s))
    if (br.shifts) {
      for (const s of owners.filter((x) => !inside.includes(x)))
        problems.push({
          path: ['breaks', i],
          message: `break at ${br.start} (${br.durationMin} min) lies outside its shift "${s.name}" (${s.start}–${s.end}) — move it inside or change the shift`,
        })
    } else if (inside.length === 0) {
      problems.push({ path: ['breaks', i], message: `break at ${br.start} (${br.durationMin} min) lies in no shift — move it inside a shift` })
    }
  })
  calendar.plannedStops.forEach((p, i) => {
    const from = DateTime.fromISO(p.from, { zone: calendar.timeZone })
    const to = DateTime.fromISO(p.to, { zone: calendar.timeZone })
    if (from.isValid && to.isValid && to <= from)
      problems.push({ path: ['plannedStops', i, 'to'], message: `planned stop ${p.from} – ${p.to} ends before it starts — swap or fix the times` })
  })
  calendar.holidays.forEach((h, i) => {
    if (!DateTime.fromISO(h).isValid) problems.push({ path: ['holidays', i], message: `holiday ${h} is not a real date` })
  })
  return problems
}

function findOverlap(a: { start: number; end: number; day: number }[], b: { start: number; end: number; day: number }[]): number | undefined {
  for (const x of a)
    for (const y of b)
      // A night shift on Sunday wraps into Monday: compare one week either way too.
      for (const shift of [-WEEK_MIN, 0, WEEK_MIN]) if (x.start < y.end + shift && y.start + shift < x.end) return y.start + shift >= x.start ? y.day : x.day
  return undefined
}

function breakInside(br: { start: string; durationMin: number }, shift: { start: string; end: string }): boolean {
  const offset = (minuteOf(br.start) - minuteOf(shift.start) + 1440) % 1440
  return offset + br.durationMin <= shiftMinutes(shift)
}

/** The calendar as a plant edits it: the engine's schema plus the checks above, each at its field. */
export const CheckedShiftCalendarSchema = ShiftCalendarSchema.superRefine((calendar, ctx) => {
  for (const p of checkShiftCalendar(calendar)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
})
