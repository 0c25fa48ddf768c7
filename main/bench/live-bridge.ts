// The renderer's side of npm run bench:live: a contract client on the headless host's WebSocket that
// subscribes to live values and measures, per value, now − the time the server changed it (the value itself).
import WebSocket from 'ws'

const [url, seconds, warmup] = [process.argv[2], Number(process.argv[3] ?? 20), Number(process.argv[4] ?? 10)]
const ws = new WebSocket(url)
const latencies: number[] = []
const bySource: Record<'opcua' | 'modbus', number[]> = { opcua: [], modbus: [] }
// The same run split at the main process: server change → driver (receiveTime) and driver → bridge, per protocol too.
const toDriver: number[] = []
const toBridge: number[] = []
const toBridgeBySource: Record<'opcua' | 'modbus', number[]> = { opcua: [], modbus: [] }
let start = 0
ws.on('open', () => {
  ws.send(JSON.stringify({ kind: 'subscribe', id: 1, channel: 'live.values', input: { intervalMs: 16 } })) // as the renderer subscribes (App.tsx): one batch per frame at most
  start = Date.now()
})
ws.on('message', (data) => {
  const message = JSON.parse(String(data)) as { kind: string; data?: { tagId: string; value: unknown; receiveTime: number; stale?: boolean }[] }
  if (message.kind !== 'event' || !message.data) return
  const now = Date.now()
  if (now - start < warmup * 1000) return
  for (const v of message.data) {
    if (typeof v.value !== 'number' || v.stale || v.value < 1e12) continue
    const source = /r\d+$/.test(v.tagId) ? 'modbus' : 'opcua'
    latencies.push(now - v.value)
    bySource[source].push(now - v.value)
    toDriver.push(v.receiveTime - v.value)
    toBridge.push(now - v.receiveTime)
    toBridgeBySource[source].push(now - v.receiveTime)
  }
})
setTimeout(
  () => {
    const at = (list: number[], q: number): number => list[Math.min(list.length - 1, Math.floor(list.length * q))] ?? NaN
    for (const list of [latencies, bySource.opcua, bySource.modbus, toDriver, toBridge, toBridgeBySource.opcua, toBridgeBySource.modbus])
      list.sort((a, b) => a - b)
    process.stdout.write(
      JSON.stringify({
        values: latencies.length,
        p50_ms: at(latencies, 0.5),
        p99_ms: at(latencies, 0.99),
        max_ms: latencies.at(-1) ?? NaN,
        opcua_p50_ms: at(bySource.opcua, 0.5),
        opcua_p99_ms: at(bySource.opcua, 0.99),
        modbus_p50_ms: at(bySource.modbus, 0.5),
        modbus_p99_ms: at(bySource.modbus, 0.99),
        server_to_driver_p50_ms: at(toDriver, 0.5),
        server_to_driver_p99_ms: at(toDriver, 0.99),
        driver_to_bridge_p50_ms: at(toBridge, 0.5),
        driver_to_bridge_p99_ms: at(toBridge, 0.99),
        opcua_driver_to_bridge_p50_ms: at(toBridgeBySource.opcua, 0.5),
        modbus_driver_to_bridge_p50_ms: at(toBridgeBySource.modbus, 0.5),
      }) + '\n',
    )
    ws.close()
    process.exit(0)
  },
  (seconds + warmup) * 1000,
)
