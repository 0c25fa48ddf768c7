// npm run bench:alarms — 10,000 tags at 10 Hz through the alarm service with 20,000 rules (a real alarms.db with its
// journal and outbox). Prints evaluation's share of one core (the main thread's CPU inside ingest and tick, divided by
// wall time) and the latency from a value's receive time to its transition committed in the outbox (p50/p99); the
// transitions a timer makes (on-delay) are reported apart, from their due time. The peer run is the same service with
// every commit synced to disk (synchronous = FULL per commit) instead of at most a second later. The last line is one
// JSON object.
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
const PEER_SECONDS = Number(process.env.ALARMS_PEER_SECONDS ?? 10)
const SYNC_EVERY_MS = Number(process.env.ALARMS_SYNC_EVERY_MS ?? 1000)

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

interface RunResult {
  wallMs: number
  evaluationCpuUs: number
  processCpuUs: number
  values: number
  transitions: number
  valueLatencies: number[]
  timerLatencies: number[]
  syncs: number
}

/** One run: a fresh alarms.db, the rules saved, WARMUP s, then `seconds` measured. `syncEveryMs` 0 syncs every commit. */
async function run(seconds: number, syncEveryMs: number): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otw-bench-alarms-'))
  // The service's own tick timer is pushed out of the way: every tick (and the sync it may do) runs in the measured tick below.
  const service = new AlarmService({
    dataDir,
    history: { queryRaw: () => [] },
    user: 'bench',
    box: KeyFileSecretBox.inDataDir(dataDir),
    tickMs: 3_600_000,
    syncEveryMs,
  })
  const setupStart = performance.now()
  service.saveRules(Array.from({ length: TAGS }, (_, tag) => rulesFor(tag)).flat(), 'bench')
  log(
    `${service.rules().length} rules on ${TAGS} tags saved in ${((performance.now() - setupStart) / 1000).toFixed(1)} s; ${syncEveryMs === 0 ? 'every commit synced' : `synced at most every ${syncEveryMs} ms`}; warming up ${WARMUP} s, measuring ${seconds} s`,
  )
  const r: RunResult = { wallMs: 0, evaluationCpuUs: 0, processCpuUs: 0, values: 0, transitions: 0, valueLatencies: [], timerLatencies: [], syncs: 0 }
  let measuring = false
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
    r.evaluationCpuUs += cpu.user + cpu.system
    r.values += TAGS
    for (const entry of entries) {
      r.transitions++
      if (entry.cause === 'condition') r.valueLatencies.push(ingested - entry.at)
      else if (entry.cause === 'on-delay' || entry.cause === 'off-delay') r.timerLatencies.push(ticked - entry.at)
    }
  }
  const timer = setInterval(tick, 1000 / RATE_HZ)
  await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000))
  const process0 = process.cpuUsage()
  measuring = true
  const syncs0 = service.outbox.syncs
  const t0 = performance.now()
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  measuring = false
  r.syncs = service.outbox.syncs - syncs0
  r.wallMs = performance.now() - t0
  const processCpu = process.cpuUsage(process0)
  r.processCpuUs = processCpu.user + processCpu.system
  clearInterval(timer)
  await service.close()
  rmSync(dataDir, { recursive: true, force: true })
  return r
}

const percentile = (xs: number[], q: number): number | null => {
  if (xs.length === 0) return null
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
const figures = (r: RunResult) => ({
  seconds: Number((r.wallMs / 1000).toFixed(1)),
  values: r.values,
  values_per_s: Math.round(r.values / (r.wallMs / 1000)),
  transitions: r.transitions,
  // fsyncs of the WAL per second (FULL commits), whatever the load of the machine.
  syncs_per_s: Number((r.syncs / (r.wallMs / 1000)).toFixed(2)),
  cpu_share: Number((r.evaluationCpuUs / 1000 / r.wallMs).toFixed(4)),
  // Everything in the measured window: generating the values, the notifier and SQLite's work included.
  process_cpu_share: Number((r.processCpuUs / 1000 / r.wallMs).toFixed(4)),
  to_outbox_p50_ms: percentile(r.valueLatencies, 0.5),
  to_outbox_p99_ms: percentile(r.valueLatencies, 0.99),
  timer_to_outbox_p99_ms: percentile(r.timerLatencies, 0.99),
})
const say = (what: string, f: ReturnType<typeof figures>): void => {
  log(
    `${what}: ${f.values_per_s} values/s, ${f.transitions} transitions, ${f.syncs_per_s} fsyncs/s; evaluation ${(f.cpu_share * 100).toFixed(2)} % of a core (process ${(f.process_cpu_share * 100).toFixed(2)} %); value → outbox p50 ${f.to_outbox_p50_ms} ms, p99 ${f.to_outbox_p99_ms} ms; timer → outbox p99 ${f.timer_to_outbox_p99_ms} ms`,
  )
}

const main = figures(await run(SECONDS, SYNC_EVERY_MS))
say(`synced at most every ${SYNC_EVERY_MS} ms`, main)
// The peer: the same service with every commit synced (synchronous = FULL per commit, as before the sync interval).
const peer = figures(await run(PEER_SECONDS, 0))
say('peer, every commit synced', peer)
const result = {
  tags: TAGS,
  rules: TAGS * 2,
  rate_hz: RATE_HZ,
  sync_every_ms: SYNC_EVERY_MS,
  ...main,
  peer_every_commit_synced: peer,
}
process.stdout.write(`${JSON.stringify(result)}\n`)
