// otw alarms test: replays a rule set (YAML) over a data folder's recorded history and prints every transition.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { AlarmTransition } from '../../../preload/contract'
import { openHistorian } from '../../historian'
import { learnAnomalyBaseline, replayRules } from '..'
import { parseRulesYaml } from './alarm-service'

export interface AlarmsCommandIo {
  stdout(text: string): void
  stderr(text: string): void
}

const EXIT = { ok: 0, failed: 1, usage: 2 } as const

export const ALARMS_USAGE = `Usage: otw alarms test --rules rules.yaml --data-dir <dir> --from <ISO> --to <ISO> [--json] [--historian <file>]

Replays a rule set over the recorded history of a data folder and prints every transition the rules would have
made (nobody acknowledging), then how often each rule was raised.

  --rules      rules as YAML: a list, or rules: followed by a list (the format of Alarms › Rules › YAML export)
  --data-dir   the data folder whose historian is read (<dir>/historian/default.otwh)
  --historian  another historian file instead
  --from       start of the range, ISO 8601 (e.g. 2026-12-01T06:00:00Z) or epoch milliseconds
  --to         end of the range
  --json       one JSON object: { from, to, transitions: [...], raised: { ruleId: n } }

Exit codes: 0 ok, 1 the replay failed (stderr says what and why), 2 usage error.
`

class UsageError extends Error {}

function timeOf(text: string, name: string): number {
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  if (!Number.isFinite(t)) throw new UsageError(`--${name} "${text}" is not a time: use ISO 8601 such as 2026-12-01T06:00:00Z, or epoch milliseconds`)
  return t
}

export async function runAlarmsCommand(argv: string[], io: AlarmsCommandIo): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(ALARMS_USAGE)
    return sub === undefined ? EXIT.usage : EXIT.ok
  }
  try {
    if (sub !== 'test') throw new UsageError(`unknown subcommand "${sub}" — the one there is: otw alarms test`)
    return await alarmsTest(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`otw alarms: ${error.message}\n\n${ALARMS_USAGE}`)
      return EXIT.usage
    }
    io.stderr(`otw alarms test: ${error instanceof Error ? error.message : String(error)}\n`)
    return EXIT.failed
  }
}

async function alarmsTest(argv: string[], io: AlarmsCommandIo): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rules: { type: 'string' },
        'data-dir': { type: 'string' },
        historian: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    io.stdout(ALARMS_USAGE)
    return EXIT.ok
  }
  for (const name of ['rules', 'from', 'to'] as const) if (!values[name]) throw new UsageError(`--${name} is required`)
  if (!values['data-dir'] && !values.historian) throw new UsageError('--data-dir (or --historian) is required')
  const from = timeOf(values.from!, 'from')
  const to = timeOf(values.to!, 'to')
  if (!(to > from)) throw new UsageError(`--to must be after --from (${new Date(from).toISOString()} … ${new Date(to).toISOString()})`)
  if (!existsSync(values.rules!)) throw new Error(`rules file ${values.rules} does not exist`)
  const rules = parseRulesYaml(readFileSync(values.rules!, 'utf8'))
  const file = values.historian ?? join(values['data-dir']!, 'historian', 'default.otwh')
  if (!existsSync(file)) throw new Error(`no historian at ${file} — point --data-dir at a data folder that has recorded, or pass --historian`)

  const historian = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
  let transitions: AlarmTransition[]
  try {
    for (const [i, rule] of rules.entries()) {
      const c = rule.condition
      // An anomaly rule without a learned baseline learns it here, from the same historian.
      if (c.kind === 'anomaly' && !c.baseline.features) {
        const [normal] = historian.queryRaw([rule.tagId], c.baseline.from, c.baseline.to)
        rules[i] = { ...rule, condition: { ...c, baseline: { ...c.baseline, features: learnAnomalyBaseline(c, rule.tagId, normal!) } } }
      }
    }
    const tagIds = [...new Set(rules.map((r) => r.tagId))]
    const series = historian.queryRaw(tagIds, from, to)
    transitions = replayRules(rules, series, from, to)
  } finally {
    historian.close()
  }
  const raised = Object.fromEntries(rules.map((r) => [r.id, 0]))
  for (const t of transitions) if (t.to === 'active-unacknowledged' && t.cause !== 're-alarm') raised[t.ruleId] = (raised[t.ruleId] ?? 0) + 1

  if (values.json) {
    io.stdout(`${JSON.stringify({ from, to, transitions, raised })}\n`)
    return EXIT.ok
  }
  io.stdout(`${rules.length} rule${rules.length === 1 ? '' : 's'} over ${new Date(from).toISOString()} … ${new Date(to).toISOString()} (${file})\n`)
  for (const t of transitions) {
    io.stdout(`${new Date(t.at).toISOString()}  ${t.ruleId.padEnd(24)} ${t.from} -> ${t.to}  (${t.cause}, value ${String(t.value)})\n`)
  }
  if (transitions.length === 0) io.stdout('No transitions: no rule would have fired.\n')
  io.stdout('\nRaised:\n')
  for (const [id, n] of Object.entries(raised)) io.stdout(`  ${id.padEnd(24)} ${n}\n`)
  return EXIT.ok
}
