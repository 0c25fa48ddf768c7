// npm run bench:alarms — 10,000 tags at 10 Hz through the alarm service with 20,000 rules (a real alarms.db with its
// journal and outbox). Prints evaluation's share of one core (the main thread's CPU inside ingest and tick, divided by
// wall time) and the latency from a value's receive time to its transition committed in the outbox (p50/p99); the
// transitions a timer makes (on-delay) are reported apart, from their due time. The last line is one JSON object.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { alarmRuleSchema, type AlarmRule, type TagValue } from '../../preload/contract'
import { AlarmService } from '../alarms/service/alarm-service'
import { KeyFileSecretBox } from '../secrets/secret-box'

const TAGS = Number(process.env.ALARMS_TAGS ?? 10_000)
const RATE_HZ = Number(process.env.ALARMS_RATE_HZ ?? 10)
const SECONDS = Number(process.env.ALARMS_SECONDS ?? 20)
const WARMUP = Number(process.env.ALARMS_WARMUP ?? 3)

const log = (text: string): boolean => process.stderr.write(`bench:alarms: ${text}\n`)

/** Two rules per tag: a high limit on every tag, then by turns a low limit with an on-delay, a rate of change, no data, bad quality. */
function rulesFor(tag: number): AlarmRule[] {
  const tagId = `bench.tag${tag}`
  const high = { id: `t${tag}-high`, name: `tag ${tag} high`, tagId, condition: { kind: 'high', limit: 59.9, deadband: 1 } }
  const second = [
    { id: `t${tag}-low`, name: `tag ${tag} low`, tagId, condition: { kind: 'low', limit: 39, deadband: 1 }, onDelayMs: 2000 },
    { id: `t${tag}-rate`, name: `tag ${tag} rate`, tagId, condition: { kind: 'rateOfChange', perSecond: 100, windowMs: 1000 } },
    { id: `t${tag}-stale`, name: `tag ${tag} no data`, tagId, condition: { kind: 'stale', afterMs: 5000 } },
    { id: `t${tag}-bad`, name: `tag ${tag} bad quality`, tagId, condition: { kind: 'badQuality' } },
  ][tag % 4]!
  return [alarmRuleSchema.parse(high), alarmRuleSchema.parse(second)]
}

/** One tag in ten swings past both limits (raised and cleared every period); the rest stay inside. */
function valueOf(tag: number, tMs: number): number {
  const amplitude = tag % 10 === 0 ? 12 : 5
  const periodS = 30 + (tag % 97) * 3
  return 50 + amplitude * Math.sin((2 * Math.PI * tMs) / 1000 / periodS + tag) + 0.2 * Math.sin(tMs / 37 + tag * 7)
}

const dataDir = mkdtempSync(join(tmpdir(), 'otw-bench-alarms-'))
const service = new AlarmService({ dataDir, history: { queryRaw: () => [] }, user: 'bench', box: KeyFileSecretBox.inDataDir(dataDir) })
const setupStart = performance.now()
service.saveRules(Array.from({ length: TAGS }, (_, tag) => rulesFor(tag)).flat(), 'bench')
log(
  `${service.rules().length} rules on ${TAGS} tags saved in ${((performance.now() - setupStart) / 1000).toFixed(1)} s; warming up ${WARMUP} s, measuring ${SECONDS} s`,
)

const valueLatencies: number[] = []
const timerLatencies: number[] = []
let measuring = false
let transitions = 0
const newEntries = service.outbox.db.prepare<{ id: number; at: number; cause: string }>('SELECT id, at, cause FROM alarm_journal WHERE id > ? ORDER BY id')
let lastJournal = 0

// One batch per tick of the rate, built before the clock of its values starts (their receive time is when it is handed over).
const batch: TagValue[] = Array.from({ length: TAGS }, (_, tag) => ({
  tagId: `bench.tag${tag}`,
  value: 0,
  quality: { status: 'good' as const },
  sourceTime: 0,
  receiveTime: 0,
}))
const GOOD = { status: 'good' as const }
const BAD = { status: 'bad' as const }
let evaluationCpuUs = 0
let values = 0
const tick = (): void => {
  const now = Date.now()
  for (let tag = 0; tag < TAGS; tag++) {
    const v = batch[tag]!
    v.value = valueOf(tag, now)
    // One tag in a thousand of the bad-quality rules reads bad for a while each minute.
    v.quality = tag % 4 === 3 && tag % 1000 === 3 && now % 60_000 < 10_000 ? BAD : GOOD
    v.sourceTime = now
    v.receiveTime = now
  }
  const cpu0 = process.threadCpuUsage()
  service.ingest(batch)
  // ingest returns once its transitions are committed to the journal and the outbox.
  const ingested = Date.now()
  service.tick()
  const ticked = Date.now()
  const cpu = process.threadCpuUsage(cpu0)
  const entries = newEntries.all(lastJournal)
  lastJournal = entries.at(-1)?.id ?? lastJournal
  if (!measuring) return
  evaluationCpuUs += cpu.user + cpu.system
  values += TAGS
  for (const entry of entries) {
    transitions++
    if (entry.cause === 'condition') valueLatencies.push(ingested - entry.at)
    else if (entry.cause === 'on-delay' || entry.cause === 'off-delay') timerLatencies.push(ticked - entry.at)
  }
}

const timer = setInterval(tick, 1000 / RATE_HZ)
const process0 = process.cpuUsage()
await new Promise((r) => setTimeout(r, WARMUP * 1000))
measuring = true
const t0 = performance.now()
await new Promise((r) => setTimeout(r, SECONDS * 1000))
measuring = false
const wallMs = performance.now() - t0
const processCpu = process.cpuUsage(process0)
clearInterval(timer)
await service.close()
rmSync(dataDir, { recursive: true, force: true })

const percentile = (xs: number[], q: number): number | null => {
  if (xs.length === 0) return null
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
const result = {
  tags: TAGS,
  rules: TAGS * 2,
  rate_hz: RATE_HZ,
  seconds: Number((wallMs / 1000).toFixed(1)),
  values,
  values_per_s: Math.round(values / (wallMs / 1000)),
  transitions,
  cpu_share: Number((evaluationCpuUs / 1000 / wallMs).toFixed(4)),
  // Everything: generating the values, the notifier and the SQLite work on its own time included (warm-up too).
  process_cpu_share: Number(((processCpu.user + processCpu.system) / 1000 / (wallMs + WARMUP * 1000)).toFixed(4)),
  to_outbox_p50_ms: percentile(valueLatencies, 0.5),
  to_outbox_p99_ms: percentile(valueLatencies, 0.99),
  timer_to_outbox_p99_ms: percentile(timerLatencies, 0.99),
}
log(
  `${result.values_per_s} values/s, ${transitions} transitions; evaluation ${(result.cpu_share * 100).toFixed(2)} % of a core; value → outbox p50 ${result.to_outbox_p50_ms} ms, p99 ${result.to_outbox_p99_ms} ms; timer → outbox p99 ${result.timer_to_outbox_p99_ms} ms`,
)
process.stdout.write(`${JSON.stringify(result)}\n`)
