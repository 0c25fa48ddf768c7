// Test support: a real node-opcua server offering only Basic256Sha256/SignAndEncrypt, with many variables and a method.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { DataType, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, StatusCodes, Variant, type UAVariable } from 'node-opcua'

export interface SecureTestServer {
  endpointUrl: string
  port: number
  /** Stops the server as a crash would look to clients (no goodbye). */
  kill(): Promise<void>
  /** Starts it again on the same port with the same certificate. */
  restart(): Promise<void>
  /** Sessions open on the server right now. */
  sessionCount(): number
  close(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolvePort(port))
    })
  })
}

export async function startSecureTestServer(options: { dataDir: string; variableCount: number; port?: number }): Promise<SecureTestServer> {
  const port = options.port ?? (await freePort())
  let running: { server: OPCUAServer; timer: NodeJS.Timeout; managers: OPCUACertificateManager[] } | undefined

  const start = async () => {
    const serverCertificateManager = new OPCUACertificateManager({
      rootFolder: join(options.dataDir, 'pki', 'test-server'),
      automaticallyAcceptUnknownCertificate: true,
    })
    const userCertificateManager = new OPCUACertificateManager({
      rootFolder: join(options.dataDir, 'pki', 'test-user'),
      automaticallyAcceptUnknownCertificate: true,
    })
    const server = new OPCUAServer({
      port,
      hostname: 'localhost',
      serverCertificateManager,
      userCertificateManager,
      securityPolicies: [SecurityPolicy.Basic256Sha256],
      securityModes: [MessageSecurityMode.SignAndEncrypt],
      allowAnonymous: true,
      serverInfo: {
        applicationUri: 'urn:ot-workbench:secure-test-server',
        productUri: 'urn:ot-workbench:secure-test-server',
        applicationName: { text: 'OTW secure test server' },
      },
    })
    await server.initialize()
    const addressSpace = server.engine.addressSpace!
    const namespace = addressSpace.getOwnNamespace()
    const folder = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Bulk', nodeId: 's=Bulk' })
    const variables: UAVariable[] = []
    for (let index = 0; index < options.variableCount; index += 1) {
      variables.push(
        namespace.addVariable({
          componentOf: folder,
          browseName: `V${index}`,
          nodeId: `s=Bulk.V${index}`,
          dataType: DataType.Double,
          minimumSamplingInterval: 50,
        }),
      )
    }
    const device = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Device', nodeId: 's=Device' })
    const add = namespace.addMethod(device, {
      browseName: 'Add',
      nodeId: 's=Device.Add',
      inputArguments: [
        { name: 'a', dataType: DataType.Double, description: { text: 'first term' } },
        { name: 'b', dataType: DataType.Double, description: { text: 'second term' } },
      ],
      outputArguments: [{ name: 'sum', dataType: DataType.Double }],
    })
    add.bindMethod((inputs: Variant[], _context, callback) => {
      callback(null, {
        statusCode: StatusCodes.Good,
        outputArguments: [new Variant({ dataType: DataType.Double, value: Number(inputs[0].value) + Number(inputs[1].value) })],
      })
    })
    let tick = 0
    const publish = () => {
      tick += 1
      const now = new Date()
      variables.forEach((variable, index) =>
        variable.setValueFromSource(new Variant({ dataType: DataType.Double, value: index * 1000 + tick }), StatusCodes.Good, now),
      )
    }
    publish()
    await server.start()
    running = { server, timer: setInterval(publish, 100), managers: [serverCertificateManager, userCertificateManager] }
  }

  const stop = async () => {
    const current = running
    running = undefined
    if (!current) return
    clearInterval(current.timer)
    await current.server.shutdown(0)
    for (const manager of current.managers) await manager.dispose()
  }

  await start()
  return {
    endpointUrl: `opc.tcp://localhost:${port}`,
    port,
    kill: stop,
    restart: start,
    close: stop,
    sessionCount: () => running?.server.engine.currentSessionCount ?? 0,
  }
}
