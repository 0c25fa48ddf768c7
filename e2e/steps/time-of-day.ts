/**
 * The plant's time of day, chosen by the spec instead of taken from the wall clock: the host takes its plant time zone
 * from TZ, so a fixed UTC offset puts "now" at a chosen local hour whatever the hour in UTC. The instant stays real
 * (host, browser and historian agree on it); only the local hour is faked.
 */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  // Etc/GMT zones cover UTC−12…+14, enough to reach any hour of the day; their sign is inverted (Etc/GMT-3 is UTC+3).
  const offset = ((((hour - now.getUTCHours()) % 24) + 36) % 24) - 12
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`
}

/** Hours of the plant day at which the time-sensitive specs run: in the night shift after and before midnight, early and late shift. */
export const PLANT_HOURS = [3, 10, 17, 23] as const

/** `yyyy-MM-dd HH:mm:ss` plant time, as tables show it, to seconds on one wall-clock scale (no zone: only differences matter). */
export function plantSeconds(text: string): number {
  const m = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text)
  if (!m) throw new Error(`not a plant time: "${text}"`)
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000
}

/** The `datetime-local` text of a plant-time second on the same scale. */
export function plantInput(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19)
}
