// npm run bench:s7 — 2,000 S7 items spread over 20 DBs polled at 10 Hz against the Snap7 server (in its own process)
// for S7_SECONDS (20). Prints the read requests per cycle against the packing optimum for the negotiated PDU and
// against one request per item or address (the naive peer, also run for a few seconds), the poll cycle p50/p99, and the main
// process's CPU share. The last line is one JSON object.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { parseS7Address } from '../connectors/s7/s7-address'
import { S7Connector, type S7TagConfig } from '../connectors/s7/s7-connector'
import { optimalRequestCount } from '../connectors/s7/s7-read-plan'

const ROOT = resolve(import.meta.dirname, '../..')
const ITEMS = Number(process.env.S7_ITEMS ?? 2000)
const DBS = Number(process.env.S7_DBS ?? 20)
const SECONDS = Number(process.env.S7_SECONDS ?? 20)
const PEER_SECONDS = Number(process.env.S7_PEER_SECONDS ?? 4)
const PDU = Number(process.env.S7_PDU ?? 960)
const RATE_MS = 100

const log = (text: string): boolean => process.stderr.write(`bench:s7: ${text}\n`)

/** A plant-like DB: REALs, INTs, DINTs, WORDs and packed BOOLs in declaration order, with the odd spare gap. */
function benchTags(): S7TagConfig[] {
  const tags: S7TagConfig[] = []
  const perDb = Math.ceil(ITEMS / DBS)
  let seed = 17
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  for (let db = 1; db <= DBS && tags.length < ITEMS; db++) {
    let offset = 0
    for (let i = 0; i < perDb && tags.length < ITEMS; i++) {
      const pick = random()
      // A spare of 2–8 bytes left in the layout now and then, as DBs grow over the years.
      if (random() < 0.08) offset += 2 + 2 * Math.floor(random() * 4)
      let address: string
      let dataType: string
      if (pick < 0.35) [address, dataType, offset] = [`DB${db}.DBD${offset}`, 'REAL', offset + 4]
      else if (pick < 0.6) [address, dataType, offset] = [`DB${db}.DBW${offset}`, 'INT', offset + 2]
      else if (pick < 0.75) [address, dataType, offset] = [`DB${db}.DBD${offset}`, 'DINT', offset + 4]
      else if (pick < 0.85) [address, dataType, offset] = [`DB${db}.DBW${offset}`, 'WORD', offset + 2]
      else {
        const bits = Math.min(8, perDb - i)
        for (let bit = 0; bit < bits && tags.length < ITEMS; bit++)
          tags.push({ id: `DB${db}.DBX${offset}.${bit}`, name: `DB${db}.DBX${offset}.${bit}`, address: `DB${db}.DBX${offset}.${bit}` })
        i += bits - 1
        offset += 2
        continue
      }
      tags.push({ id: address, name: address, address, dataType })
    }
  }
  return tags
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const peerProc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main/bench/s7-peer.ts')], {
  cwd: ROOT,
  stdio: ['pipe', 'pipe', 'inherit'],
  env: { ...process.env, S7_DBS: String(DBS) },
})
const port = await new Promise<number>((resolvePort, reject) => {
  let out = ''
  peerProc.stdout!.on('data', (d) => {
    out += String(d)
    const nl = out.indexOf('\n')
    if (nl >= 0) resolvePort((JSON.parse(out.slice(0, nl)) as { port: number }).port)
  })
  peerProc.once('exit', (code) => reject(new Error(`the Snap7 peer exited with ${code} — run npm run peer:s7 first`)))
})
const url = `s7://127.0.0.1:${port}?rack=0&slot=1&pdu=${PDU}`
const tags = benchTags()
log(`Snap7 server on 127.0.0.1:${port}; ${tags.length} items over ${DBS} DBs at ${1000 / RATE_MS} Hz for ${SECONDS} s`)

/** Polls for `seconds` after a one-second warm-up; returns the cycle durations, requests sent and CPU used. */
async function run(connector: S7Connector, seconds: number) {
  const durations: number[] = []
  let measuring = false
  connector.onCycle((cycle) => measuring && durations.push(cycle.durationMs))
  let bad = 0
  connector.onValues((values) => {
    if (measuring) for (const v of values) if (v.quality.status !== 'good') bad++
  })
  await connector.connect()
  await new Promise((r) => setTimeout(r, 1000))
  const requests0 = connector.counters().requests
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  measuring = true
  await new Promise((r) => setTimeout(r, seconds * 1000))
  measuring = false
  const cpu = process.cpuUsage(cpu0)
  const wallMs = performance.now() - wall0
  const requests = connector.counters().requests - requests0
  const pduSize = connector.pduSize()
  await connector.disconnect()
  durations.sort((a, b) => a - b)
  return { durations, requests, cpuShare: (cpu.user + cpu.system) / 1000 / wallMs, pduSize, bad }
}

const packed = new S7Connector({ id: 'bench', name: 'bench', endpoint: url, tags, defaultScanRateMs: RATE_MS })
const main = await run(packed, SECONDS)
const points = tags.map((t) => ({ id: t.id, ...parseS7Address(t.address, t.dataType) }))
const optimal = optimalRequestCount(points, { pduSize: main.pduSize })
const requestsPerCycle = packed.requestsPerCycle()
log(
  `PDU ${main.pduSize}: ${requestsPerCycle} requests per cycle (optimum ${optimal}), ${main.durations.length} cycles, ` +
    `p50 ${percentile(main.durations, 50).toFixed(2)} ms, p99 ${percentile(main.durations, 99).toFixed(2)} ms, CPU ${(main.cpuShare * 100).toFixed(1)} %`,
)

// The peer: one request per address (no merging, one item per request), as a client that reads tag by tag does;
// bits of one byte still share their byte's read.
const naive = new S7Connector({ id: 'naive', name: 'naive', endpoint: url, tags, defaultScanRateMs: RATE_MS, maxItemsPerRequest: 1, mergeGapBytes: -1 })
const peer = await run(naive, PEER_SECONDS)
log(
  `one request per address: ${naive.requestsPerCycle()} requests per cycle, p99 ${percentile(peer.durations, 99).toFixed(2)} ms, CPU ${(peer.cpuShare * 100).toFixed(1)} %`,
)

peerProc.stdin!.end()
await new Promise((r) => peerProc.once('exit', r))

console.log(
  JSON.stringify({
    items: tags.length,
    dbs: DBS,
    rate_hz: 1000 / RATE_MS,
    seconds: SECONDS,
    pdu_size: main.pduSize,
    cycles: main.durations.length,
    requests_per_cycle: requestsPerCycle,
    measured_requests_per_cycle: Number((main.requests / Math.max(1, main.durations.length)).toFixed(2)),
    optimal_requests_per_cycle: optimal,
    over_optimum_pct: Number((((requestsPerCycle - optimal) / optimal) * 100).toFixed(1)),
    cycle_p50_ms: Number(percentile(main.durations, 50).toFixed(2)),
    cycle_p99_ms: Number(percentile(main.durations, 99).toFixed(2)),
    main_cpu_share: Number(main.cpuShare.toFixed(4)),
    bad_values: main.bad,
    one_request_per_item_requests_per_cycle: tags.length,
    peer_one_request_per_address: {
      requests_per_cycle: naive.requestsPerCycle(),
      cycles: peer.durations.length,
      cycle_p99_ms: Number(percentile(peer.durations, 99).toFixed(2)),
      main_cpu_share: Number(peer.cpuShare.toFixed(4)),
    },
  }),
)
