// npm run bench:live — 10,000 OPC UA monitored items changing at 1 Hz and 2,000 Modbus registers polled at 10 Hz,
// through the real drivers, the core and the headless host to a WebSocket client (the renderer's bridge).
// Prints the main process's CPU share and the server-change → bridge latency p50/p99, split by protocol: the
// OPC UA (server-pushed) and Modbus (polled every 100 ms) paths of the same run are each other's peer figures.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startHeadlessHost } from '../serve'
import { createWorkbench } from '../workbench'

const ROOT = resolve(import.meta.dirname, '../..')
const OPCUA_ITEMS = Number(process.env.LIVE_OPCUA_ITEMS ?? 10_000)
const MODBUS_REGISTERS = Number(process.env.LIVE_MODBUS_REGISTERS ?? 2_000)
const SECONDS = Number(process.env.LIVE_SECONDS ?? 20)
const WARMUP = Number(process.env.LIVE_WARMUP ?? 15)

function child(script: string, args: string[], env: Record<string, string> = {}): { proc: ChildProcess; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  let out = ''
  const firstLine = new Promise<string>((resolveLine, reject) => {
    proc.stdout!.on('data', (d) => {
      out += String(d)
      const nl = out.indexOf('\n')
      if (nl >= 0) resolveLine(out.slice(0, nl))
    })
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return { proc, firstLine }
}

const log = (text: string): boolean => process.stderr.write(`bench:live: ${text}\n`)
const peers = child('main/bench/live-peers.ts', [], { LIVE_OPCUA_ITEMS: String(OPCUA_ITEMS), LIVE_MODBUS_REGISTERS: String(MODBUS_REGISTERS) })
const endpoints = JSON.parse(await peers.firstLine) as { opcua: string; namespaceIndex: number; modbusPort: number }
log(`peers up: ${endpoints.opcua}, modbus 127.0.0.1:${endpoints.modbusPort}`)

const dataDir = mkdtempSync(join(tmpdir(), 'otw-bench-live-'))
const workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
const host = await startHeadlessHost({ router: workbench.router, staticDir: dataDir, port: 0 })
await workbench.start()

const call = async (channel: string, input: unknown): Promise<unknown> => {
  const result = await workbench.router.call(channel, input)
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
  return result.output
}
// The contract allows 5,000 tags per connection, so the OPC UA items come in as connections of 5,000.
for (let first = 0; first < OPCUA_ITEMS; first += 5000) {
  const tags = Array.from({ length: Math.min(5000, OPCUA_ITEMS - first) }, (_, k) => ({
    name: `v${first + k}`,
    nodeId: `ns=${endpoints.namespaceIndex};s=v${first + k}`,
    samplingIntervalMs: 0,
  }))
  await call('connections.add', { config: { protocol: 'opcua', name: `bench-opcua-${first}`, endpointUrl: endpoints.opcua, tags }, connect: true })
}
const modbusTags = Array.from({ length: Math.floor(MODBUS_REGISTERS / 4) }, (_, k) => ({ name: `r${k}`, address: `hr:${k * 4}`, dataType: 'float64' as const }))
await call('connections.add', {
  config: { protocol: 'modbus-tcp', name: 'bench-modbus', host: '127.0.0.1', port: endpoints.modbusPort, unitId: 1, scanRateMs: 100, tags: modbusTags },
  connect: true,
})
log(`connections added; warming up ${WARMUP} s, measuring ${SECONDS} s`)

const bridge = child('main/bench/live-bridge.ts', [`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, String(SECONDS), String(WARMUP)])
await new Promise((r) => setTimeout(r, WARMUP * 1000))
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
const cpu0 = process.cpuUsage()
const thread0 = process.threadCpuUsage()
const t0 = performance.now()
const measured = JSON.parse(await bridge.firstLine) as Record<string, number>
const cpu = process.cpuUsage(cpu0)
const thread = process.threadCpuUsage(thread0)
const wallMs = performance.now() - t0
loopDelay.disable()
const status = (await call('connections.managed', {})) as { status: { name: string; state: string; counters: { messages: number } } }[]

process.stdout.write(
  JSON.stringify({
    opcua_items: OPCUA_ITEMS,
    modbus_registers: MODBUS_REGISTERS,
    ...measured,
    // The whole main process (every thread, the historian writer included), and its main thread alone.
    main_cpu_share: Number(((cpu.user + cpu.system) / 1000 / wallMs).toFixed(3)),
    main_thread_cpu_share: Number(((thread.user + thread.system) / 1000 / wallMs).toFixed(3)),
    // How long the main thread's event loop was late (ms): stalls here delay every value behind them.
    event_loop_delay_p99_ms: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
    event_loop_delay_max_ms: Number((loopDelay.max / 1e6).toFixed(1)),
    connections: status.map((s) => `${s.status.name}:${s.status.state}`),
    targets: { p99_ms: 50, main_cpu_share: 0.3 },
  }) + '\n',
)
await host.close()
await workbench.stop()
peers.proc.kill('SIGTERM')
rmSync(dataDir, { recursive: true, force: true })
setTimeout(() => process.exit(0), 1000)
