// The servers for npm run bench:live, in their own process so the workbench's CPU share is its own:
// an OPC UA server with N Double variables and a Modbus TCP server with M holding registers. Every value IS the
// epoch-ms time it last changed, so the bridge can tell the server→renderer latency from the value alone.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { ServerTCP } from 'modbus-serial'
import { DataType, OPCUACertificateManager, OPCUAServer, Variant } from 'node-opcua'

const OPCUA_ITEMS = Number(process.env.LIVE_OPCUA_ITEMS ?? 10_000)
const MODBUS_REGISTERS = Number(process.env.LIVE_MODBUS_REGISTERS ?? 2_000)
const dir = mkdtempSync(join(tmpdir(), 'otw-live-peers-'))

const server = new OPCUAServer({
  port: 0,
  hostname: 'localhost',
  serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'pki'), automaticallyAcceptUnknownCertificate: true }),
  maxConnectionsPerEndpoint: 10,
  serverCapabilities: { maxSessions: 10, operationLimits: { maxMonitoredItemsPerCall: 100_000, maxNodesPerRead: 100_000 } },
})
await server.initialize()
const ns = server.engine.addressSpace!.registerNamespace('urn:otw:bench')
const folder = ns.addFolder(server.engine.addressSpace!.rootFolder.objects, { browseName: 'Bench' })
const variables = Array.from({ length: OPCUA_ITEMS }, (_, i) =>
  ns.addVariable({
    componentOf: folder,
    browseName: `v${i}`,
    nodeId: `s=v${i}`,
    dataType: 'Double',
    minimumSamplingInterval: 0,
    value: { dataType: DataType.Double, value: Date.now() },
  }),
)
await server.start()
const opcuaPort = server.endpoints[0].port

// Every variable changes once a second, spread over ten 100 ms slices like a real plant.
let slice = 0
const opcuaTimer = setInterval(() => {
  const now = Date.now()
  for (let i = slice; i < variables.length; i += 10) variables[i].setValueFromSource(new Variant({ dataType: DataType.Double, value: now }))
  slice = (slice + 1) % 10
}, 100)

// 2,000 registers = 500 float64 values (4 registers each, ABCD), all changing every 100 ms.
const registers = new Uint16Array(MODBUS_REGISTERS)
const view = new DataView(new ArrayBuffer(8))
const modbusTimer = setInterval(() => {
  view.setFloat64(0, Date.now())
  const words = [view.getUint16(0), view.getUint16(2), view.getUint16(4), view.getUint16(6)]
  for (let r = 0; r + 3 < registers.length; r += 4) registers.set(words, r)
}, 100)
// modbus-serial takes port 0 as "default 502", so ask the OS for a free port first.
const freePort = await new Promise<number>((resolvePort) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number }
    probe.close(() => resolvePort(port))
  })
})
const modbus = new ServerTCP(
  {
    getHoldingRegister: (address: number) => registers[address] ?? 0,
    getInputRegister: (address: number) => registers[address] ?? 0,
    getCoil: () => false,
    getDiscreteInput: () => false,
    setRegister: () => undefined,
    setCoil: () => undefined,
  },
  { host: '127.0.0.1', port: freePort, unitID: 1 },
)
await new Promise<void>((resolve) => modbus.on('initialized', () => resolve()))
const modbusPort = freePort

process.stdout.write(
  JSON.stringify({
    opcua: `opc.tcp://localhost:${opcuaPort}`,
    namespaceIndex: ns.index,
    modbusPort,
    opcuaItems: OPCUA_ITEMS,
    modbusRegisters: MODBUS_REGISTERS,
  }) + '\n',
)
process.on('SIGTERM', () => {
  clearInterval(opcuaTimer)
  clearInterval(modbusTimer)
  modbus.close(() => undefined)
  void server.shutdown(0).then(() => {
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
})
