// A test peer for the end-to-end specs: a node-opcua server that only offers Basic256Sha256 / SignAndEncrypt.
// Usage: tsx secure-opcua-server.ts <pki folder>; prints `LISTENING opc.tcp://localhost:<port>` and runs until stdin closes.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { DataType, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, StatusCodes, Variant } from 'node-opcua'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const root = process.argv[2]
if (!root) throw new Error('usage: secure-opcua-server.ts <pki folder>')
const port = await freePort()
const server = new OPCUAServer({
  port,
  hostname: 'localhost',
  serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(root, 'server'), automaticallyAcceptUnknownCertificate: true }),
  userCertificateManager: new OPCUACertificateManager({ rootFolder: join(root, 'user'), automaticallyAcceptUnknownCertificate: true }),
  securityPolicies: [SecurityPolicy.Basic256Sha256],
  securityModes: [MessageSecurityMode.SignAndEncrypt],
  allowAnonymous: true,
  serverInfo: { applicationUri: 'urn:otw-e2e:secure-server', productUri: 'urn:otw-e2e:secure-server', applicationName: { text: 'OTW e2e secure server' } },
})
await server.initialize()
const addressSpace = server.engine.addressSpace!
const namespace = addressSpace.getOwnNamespace()
const oven = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Oven', nodeId: 's=Oven' })
const temperature = namespace.addVariable({
  componentOf: oven,
  browseName: 'Temperature',
  nodeId: 's=Oven.Temperature',
  dataType: DataType.Double,
  minimumSamplingInterval: 100,
})
let tick = 0
const publish = () => {
  tick += 1
  temperature.setValueFromSource(new Variant({ dataType: DataType.Double, value: 180 + (tick % 10) / 10 }), StatusCodes.Good, new Date())
}
publish()
const timer = setInterval(publish, 200)
await server.start()
process.stdout.write(`LISTENING opc.tcp://localhost:${port}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  clearInterval(timer)
  void server.shutdown(0).then(() => process.exit(0))
})
