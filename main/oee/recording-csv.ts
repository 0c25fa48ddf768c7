import { parse } from 'csv-parse/sync'
import type { Sample, TagSeries } from './machine-state'

/** One malformed row: its 1-based line number in the file and what is wrong with it. */
export interface RecordingCsvProblem {
  line: number
  message: string
}

export class RecordingCsvError extends Error {
  constructor(
    readonly source: string,
    readonly problems: RecordingCsvProblem[],
  ) {
    const shown = problems.slice(0, 10).map((p) => `  line ${p.line}: ${p.message}`)
    const more = problems.length > 10 ? [`  … and ${problems.length - 10} more`] : []
    super(
      `${source}: ${problems.length} malformed row(s) — expected "time,tag,value" with time in ISO 8601 (with Z or an offset) or epoch ms, value a number, true, false or NaN (no data)\n${[...shown, ...more].join('\n')}`,
    )
    this.name = 'RecordingCsvError'
  }
}

// Offset or Z is required: a local time without a zone would be guessed, and guessing is wrong twice a year.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

function parseTime(raw: string): number | string {
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw)
  if (!ISO_WITH_ZONE.test(raw)) {
    return /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(raw)
      ? `time "${raw}" has no time zone — add Z or an offset such as +01:00`
      : `time "${raw}" is neither ISO 8601 (2024-03-31T06:00:00Z) nor epoch milliseconds`
  }
  const t = Date.parse(raw)
  return Number.isNaN(t) ? `time "${raw}" is not a valid date` : t
}

function parseValue(raw: string): number | undefined {
  const lower = raw.toLowerCase()
  if (lower === 'true') return 1
  if (lower === 'false') return 0
  // "No data from here" (a recorder stop, a lost connection), as the historian's CSV export writes it.
  if (lower === 'nan' || lower === 'null') return Number.NaN
  if (raw.trim() === '') return undefined
  const v = Number(raw)
  return Number.isFinite(v) ? v : undefined
}

/**
 * Parses a long-format recording "time,tag,value" (optional header) into per-tag series sorted by time.
 * All malformed rows are collected and reported together, each with its line number.
 */
export function parseRecordingCsv(text: string, source = 'recording.csv'): TagSeries {
  let records: { record: string[]; info: { lines: number } }[]
  try {
    // Comment lines are blanked rather than using csv-parse's comment option, which would also cut tags like "PLC#1.State".
    records = parse(text.replace(/^[ \t]*#.*$/gm, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof records
  } catch (err) {
    const e = err as { lines?: number; message: string }
    throw new RecordingCsvError(source, [{ line: e.lines ?? 0, message: `not readable as CSV (${e.message})` }])
  }
  const series: TagSeries = {}
  const problems: RecordingCsvProblem[] = []
  const header = records[0]?.record[0]?.toLowerCase() === 'time' ? records[0].record : undefined
  const headerText = header?.join(',').toLowerCase()
  // The workstation's own exports: the historian's long CSV (time,tag,value,quality,reason) and the wide CSVs of the
  // historian (time, then value, quality and reason per tag) and of Trends (value and quality per pen).
  if (header && headerText !== 'time,tag,value' && headerText !== LONG_EXPORT_HEADER) {
    parseWide(header, records.slice(1), series, problems)
  } else {
    const columns = headerText === LONG_EXPORT_HEADER ? 5 : 3
    records.forEach(({ record, info }, index) => {
      const line = info.lines
      if (index === 0 && header) return
      if (record.length !== columns) {
        problems.push({ line, message: `has ${record.length} column(s), expected ${columns} (${columns === 5 ? LONG_EXPORT_HEADER : 'time,tag,value'})` })
        return
      }
      const [rawTime, tag, rawValue] = record
      const t = parseTime(rawTime)
      if (typeof t === 'string') {
        problems.push({ line, message: t })
        return
      }
      if (tag === '') {
        problems.push({ line, message: 'tag is empty' })
        return
      }
      const v = parseValue(rawValue)
      if (v === undefined) {
        problems.push({ line, message: `value "${rawValue}" for tag ${tag} is not a number, true, false or NaN (no data)` })
        return
      }
      ;(series[tag] ??= []).push({ t, v })
    })
  }
  if (problems.length > 0) throw new RecordingCsvError(source, problems)
  for (const samples of Object.values(series)) sortStable(samples)
  return series
}

const LONG_EXPORT_HEADER = 'time,tag,value,quality,reason'

/**
 * Wide rows: `time` first, then one column per tag, each optionally followed by `<tag> quality` and `<tag> reason`.
 * An empty cell is no sample of that tag at that time; an empty value whose quality says "no data" is a gap (NaN).
 */
function parseWide(header: string[], rows: { record: string[]; info: { lines: number } }[], series: TagSeries, problems: RecordingCsvProblem[]): void {
  const tags: { name: string; value: number; quality?: number }[] = []
  header.slice(1).forEach((name, i) => {
    const column = i + 1
    const owner = tags.find((t) => name === `${t.name} quality` || name === `${t.name} reason`)
    if (owner) {
      if (name.endsWith(' quality')) owner.quality = column
      return
    }
    tags.push({ name, value: column })
  })
  if (tags.length === 0 || tags.some((t) => t.name === '')) {
    problems.push({ line: 1, message: `header "${header.join(',')}": expected "time,tag,value" (long) or "time,<tag>,…" (wide) with a name per column` })
    return
  }
  for (const { record, info } of rows) {
    const line = info.lines
    if (record.length !== header.length) {
      problems.push({ line, message: `has ${record.length} column(s), the header has ${header.length}` })
      continue
    }
    const t = parseTime(record[0])
    if (typeof t === 'string') {
      problems.push({ line, message: t })
      continue
    }
    for (const tag of tags) {
      const raw = record[tag.value]
      const quality = tag.quality !== undefined ? record[tag.quality].toLowerCase() : ''
      if (raw === '') {
        if (quality.startsWith('no data')) (series[tag.name] ??= []).push({ t, v: Number.NaN })
        continue
      }
      const v = parseValue(raw)
      if (v === undefined)
        problems.push({
          line,
          message: `value "${raw}" for tag ${tag.name} is not a number, true, false or NaN (no data) — read as a wide CSV (time, then a column per tag) because the header is not "time,tag,value"`,
        })
      else (series[tag.name] ??= []).push({ t, v })
    }
  }
}

function sortStable(samples: Sample[]): void {
  for (let i = 1; i < samples.length; i++) {
    if (samples[i].t < samples[i - 1].t) {
      samples.sort((a, b) => a.t - b.t)
      return
    }
  }
}

/** Writes series back to the long format (used by tests and to export what the engine saw). */
export function formatRecordingCsv(series: TagSeries): string {
  const rows: [number, string, number][] = []
  for (const [tag, samples] of Object.entries(series)) for (const s of samples) rows.push([s.t, tag, s.v])
  rows.sort((a, b) => a[0] - b[0])
  return ['time,tag,value', ...rows.map(([t, tag, v]) => `${new Date(t).toISOString()},${tag},${v}`)].join('\n') + '\n'
}
