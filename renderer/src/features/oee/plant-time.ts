// Times shown and typed in the plant's time zone (the calendar's), whatever zone this computer is in.

const formatters = new Map<string, Intl.DateTimeFormat>()

function parts(t: number, timeZone: string): Record<string, number> {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  const out: Record<string, number> = {}
  for (const p of f.formatToParts(new Date(t))) if (p.type !== 'literal') out[p.type] = Number(p.value)
  return out
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** `yyyy-MM-ddTHH:mm:ss` wall time in the zone (for datetime-local inputs with step 1). */
export function toPlantInput(t: number, timeZone: string): string {
  const p = parts(t, timeZone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`
}

/** `yyyy-MM-dd HH:mm:ss` in the zone, for tables. */
export function formatPlantTime(t: number, timeZone: string): string {
  return toPlantInput(t, timeZone).replace('T', ' ')
}

/** Epoch ms of a wall time in the zone; null when the text is not a date-time. On a DST gap the later offset wins. */
export function fromPlantInput(text: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0))
  const wall = Date.UTC(y, mo - 1, d, h, mi, s)
  // Two rounds find the offset even next to a DST change.
  let t = wall
  for (let i = 0; i < 2; i++) {
    const p = parts(t, timeZone)
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
    t += wall - shown
  }
  return t
}
