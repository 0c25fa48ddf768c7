import { DateTime } from 'luxon'
import { parseArgs } from 'node:util'
import { computeLineOee } from './line-oee'
import { findLine, OeeConfigSchema } from './machine-config'
import { formatOeeTable } from './oee-report-table'
import { parseRecordingCsv } from './recording-csv'
import type { NoDataTime } from './machine-state'
import type { PeriodKind } from './shift-calendar'

export interface OeeCommandIo {
  stdout(s: string): void
  stderr(s: string): void
  readFile(p: string): Promise<string>
}

const EXIT = { ok: 0, failed: 1, usage: 2 } as const

export const OEE_USAGE = `Usage: otw oee --config machine.json --data recording.csv --from <ISO> --to <ISO> [--json] [--by shift|day|week]
               [--no-data exclude|breakdown] [--line NAME]

  --config  lines and shift calendar (JSON, see main/oee/examples/machine.json): { "lines": [ … ] }, or one
            line as { "line": { … } }
  --data    recording as CSV: long (time,tag,value), or the workstation's own exports: the historian's long
            (time,tag,value,quality,reason) and wide (time,<tag>,<tag> quality,<tag> reason,…) CSV, or the
            Trends CSV (time,<pen>,<pen> quality,…); see main/oee/README.md
  --from    start of the range, ISO 8601; without an offset it is plant local time
  --to      end of the range (exclusive)
  --by      one result per shift, production day or ISO week (default: the whole range)
  --no-data time with nothing recorded (before the first sample, NaN values): left out of planned time
            (exclude, the default) or counted as breakdown; overrides "noDataTime" in the config
  --line    only this line (name or id); default every line of the config, one table each
  --json    print the full report as JSON instead of a table: one line's report, or { "lines": [ … ] } when
            the config has several lines and no --line picks one
`

class UsageError extends Error {}

function usage(io: OeeCommandIo, message: string): number {
  io.stderr(`otw oee: ${message}\n\n${OEE_USAGE}`)
  return EXIT.usage
}

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      'no-data': { type: 'string' },
      line: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) return { help: true as const }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  for (const name of ['config', 'data', 'from', 'to'] as const) if (!values[name]) throw new UsageError(`--${name} is required`)
  const by = values.by ?? 'range'
  if (!['shift', 'day', 'week', 'range'].includes(by)) throw new UsageError(`--by must be shift, day or week, not "${by}"`)
  const noData = values['no-data']
  if (noData !== undefined && noData !== 'exclude' && noData !== 'breakdown') throw new UsageError(`--no-data must be exclude or breakdown, not "${noData}"`)
  for (const name of ['from', 'to'] as const)
    if (!DateTime.fromISO(values[name]!).isValid)
      throw new UsageError(`--${name} "${values[name]}" is not an ISO 8601 date-time (e.g. 2024-01-10T06:00 or 2024-01-10T06:00:00+01:00)`)
  return {
    help: false as const,
    config: values.config!,
    data: values.data!,
    from: values.from!,
    to: values.to!,
    by: by as PeriodKind,
    json: values.json!,
    noData: noData as NoDataTime | undefined,
    line: values.line,
  }
}

async function read(io: OeeCommandIo, path: string, what: string): Promise<string> {
  try {
    return await io.readFile(path)
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as Error).message} — check the path`)
  }
}

/** `otw oee`: exit 0 when the report was printed, 1 when reading or computing failed, 2 on a usage error. */
export async function runOeeCommand(argv: string[], io: OeeCommandIo): Promise<number> {
  let args: ReturnType<typeof parseCommandLine>
  try {
    args = parseCommandLine(argv)
  } catch (err) {
    return usage(io, (err as Error).message)
  }
  if (args.help) {
    io.stdout(OEE_USAGE)
    return EXIT.ok
  }
  try {
    const configText = await read(io, args.config, 'config')
    let json: unknown
    try {
      json = JSON.parse(configText)
    } catch (err) {
      throw new Error(`config ${args.config} is not valid JSON: ${(err as Error).message}`)
    }
    const parsed = OeeConfigSchema.safeParse(json)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')
      throw new Error(`config ${args.config} is not a valid OEE configuration — fix these fields:\n${issues}`)
    }
    const config = args.noData ? { ...parsed.data, noDataTime: args.noData } : parsed.data
    const zone = config.calendar.timeZone
    const from = DateTime.fromISO(args.from, { zone }).toMillis()
    const to = DateTime.fromISO(args.to, { zone }).toMillis()
    if (!(to > from)) return usage(io, `--to (${args.to}) must be after --from (${args.from})`)
    const series = parseRecordingCsv(await read(io, args.data, 'recording'), args.data)
    let lines = config.lines
    if (args.line !== undefined) {
      const one = findLine(config.lines, args.line)
      if (!one) return usage(io, `--line "${args.line}" is not in ${args.config} — its lines: ${config.lines.map((l) => `"${l.name}"`).join(', ')}`)
      lines = [one]
    }
    const reports = lines.map((l) => computeLineOee({ config, series, range: { from, to }, by: args.by, line: l.id }))
    for (const w of new Set(reports.flatMap((r) => r.warnings))) io.stderr(`warning: ${w}\n`)
    if (args.json) io.stdout(JSON.stringify(reports.length === 1 ? reports[0] : { lines: reports }, null, 2) + '\n')
    else io.stdout(reports.map((r) => formatOeeTable(r)).join('\n'))
    return EXIT.ok
  } catch (err) {
    io.stderr(`otw oee failed: ${(err as Error).message}\n`)
    return EXIT.failed
  }
}
