// Test support: one OPC UA address space (Objects/Plant/Line2/Press, as ../shared/peers/open62541/README.md lists
// it) served by two implementations, so a test runs the same steps against open62541 (C, written by nobody here) and
// node-opcua, each plain (None) and Basic256Sha256/SignAndEncrypt. Tests pick the peers with `PRESS_PEERS`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import {
  DataType,
  makeEUInformation,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  type UAVariable,
  Variant,
  VariantArrayType,
} from 'node-opcua'
import { freePort } from './secure-test-server'

export const PRESS = 'ns=1;s=Plant.Line2.Press'

export type PeerKind = 'open62541' | 'node-opcua'
export type PeerSecurity = 'None' | 'Basic256Sha256'

export interface PressPeerSpec {
  kind: PeerKind
  security: PeerSecurity
  /** `open62541 None`, `node-opcua Basic256Sha256/SignAndEncrypt`: the name a parametrised test shows. */
  label: string
}

export interface PressPeer extends PressPeerSpec {
  endpointUrl: string
  port: number
  /** What a connection to it configures. */
  securityPolicy: 'None' | 'Basic256Sha256'
  securityMode: 'None' | 'SignAndEncrypt'
  /** A Double[3] the server lets clients write (node-opcua only: the open62541 peer's arrays are read-only). */
  writableArray?: string
  /** Sessions open on the server right now (node-opcua only). */
  sessionCount?: () => number
  /** Stops it as a crash would look to clients. */
  kill(): Promise<void>
  /** Starts it again on the same port with the same certificate. */
  restart(): Promise<void>
  close(): Promise<void>
}

export interface StartOptions {
  /** Where its certificate (and the trusted client certificates) live. */
  dataDir: string
  /** Client certificates (DER) the server trusts; without them every client certificate is accepted. */
  trustedClients?: string[]
}

/** The peer sits outside the repository, in `shared/peers/` beside it or beside one of its parent folders (worktrees). */
function findOpen62541(): string | undefined {
  for (let dir = resolve(__dirname, '../../..'); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared/peers/open62541/build.sh')
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

let built: { binary: string; encryption: boolean } | null | undefined

/** Builds the open62541 peer once per checkout (about 75 s the first time, cached after); null where it is absent. */
export function open62541Binary(): { binary: string; encryption: boolean } | null {
  if (built !== undefined) return built
  const script = findOpen62541()
  if (!script) return (built = null)
  const binary = execFileSync(script, [resolve(__dirname, '../../../node_modules/.cache/open62541-peer-enc')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 900_000,
  }).trim()
  const features = execFileSync(binary, ['--features'], { encoding: 'utf8' })
  return (built = { binary, encryption: /encryption=yes/.test(features) })
}

/**
 * The peers available here: node-opcua always, open62541 where shared/peers is beside the repository.
 * `OTW_OPCUA_PEERS=node-opcua` (or `open62541`) runs one implementation only.
 */
export function pressPeerSpecs(): PressPeerSpec[] {
  const specs: PressPeerSpec[] = []
  const wanted = (process.env.OTW_OPCUA_PEERS ?? 'open62541,node-opcua').split(',').map((kind) => kind.trim())
  const peer = wanted.includes('open62541') && findOpen62541() ? open62541Binary() : null
  for (const kind of (['open62541', 'node-opcua'] as const).filter((k) => wanted.includes(k))) {
    for (const security of ['None', 'Basic256Sha256'] as const) {
      if (kind === 'open62541' && (!peer || (security !== 'None' && !peer.encryption))) continue
      specs.push({ kind, security, label: `${kind} ${security === 'None' ? 'None' : 'Basic256Sha256/SignAndEncrypt'}` })
    }
  }
  return specs
}

export async function startPressPeer(spec: PressPeerSpec, options: StartOptions): Promise<PressPeer> {
  const port = await freePort()
  await mkdir(options.dataDir, { recursive: true })
  const control = spec.kind === 'open62541' ? open62541Control(port, spec, options) : nodeOpcUaControl(port, spec, options)
  await control.start()
  return {
    ...spec,
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    port,
    securityPolicy: spec.security,
    securityMode: spec.security === 'None' ? 'None' : 'SignAndEncrypt',
    writableArray: spec.kind === 'node-opcua' ? `${PRESS}.Recipe` : undefined,
    sessionCount: control.sessionCount,
    kill: control.stop,
    restart: control.start,
    close: control.stop,
  }
}

interface Control {
  start(): Promise<void>
  stop(): Promise<void>
  sessionCount?: () => number
}

function open62541Control(port: number, spec: PressPeerSpec, options: StartOptions): Control {
  const peer = open62541Binary()
  if (!peer) throw new Error('the open62541 peer is not beside this repository (shared/peers/open62541)')
  let child: ChildProcess | undefined
  const args =
    spec.security === 'None'
      ? [String(port)]
      : [String(port), join(options.dataDir, 'server-cert.der'), join(options.dataDir, 'server-key.der'), ...(options.trustedClients ?? [])]
  return {
    start: () => {
      const started = spawn(peer.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child = started
      return new Promise((resolveReady, reject) => {
        let output = ''
        const onData = (chunk: Buffer) => {
          output += chunk.toString('utf8')
          if (output.includes(`READY opc.tcp://127.0.0.1:${port}`)) resolveReady()
        }
        started.stdout!.on('data', onData)
        started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
        started.once('exit', (code) => reject(new Error(`open62541 peer exited with ${code} before it was ready: ${output.slice(-500)}`)))
      })
    },
    stop: async () => {
      const current = child
      child = undefined
      if (!current || current.exitCode !== null) return
      const exited = new Promise((resolveExit) => current.once('exit', resolveExit))
      current.kill('SIGTERM')
      await exited
    },
  }
}

function nodeOpcUaControl(port: number, spec: PressPeerSpec, options: StartOptions): Control {
  let running: { server: OPCUAServer; timer: NodeJS.Timeout; managers: OPCUACertificateManager[] } | undefined
  const secured = spec.security !== 'None'
  return {
    start: async () => {
      const serverCertificateManager = new OPCUACertificateManager({
        rootFolder: join(options.dataDir, 'pki', 'server'),
        automaticallyAcceptUnknownCertificate: !options.trustedClients,
      })
      await serverCertificateManager.initialize()
      for (const file of options.trustedClients ?? []) await serverCertificateManager.trustCertificate(await readFile(file))
      const userCertificateManager = new OPCUACertificateManager({
        rootFolder: join(options.dataDir, 'pki', 'user'),
        automaticallyAcceptUnknownCertificate: true,
      })
      const server = new OPCUAServer({
        port,
        hostname: '127.0.0.1',
        serverCertificateManager,
        userCertificateManager,
        securityPolicies: secured ? [SecurityPolicy.Basic256Sha256] : [SecurityPolicy.None],
        securityModes: secured ? [MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.None],
        allowAnonymous: true,
        serverInfo: { applicationUri: 'urn:ot-workbench:press-peer', productUri: 'urn:ot-workbench:press-peer', applicationName: { text: 'OTW press peer' } },
      })
      await server.initialize()
      const addressSpace = server.engine.addressSpace!
      const namespace = addressSpace.getOwnNamespace()
      const plant = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant', nodeId: 's=Plant' })
      const line = namespace.addFolder(plant, { browseName: 'Line2', nodeId: 's=Plant.Line2' })
      const press = namespace.addFolder(line, { browseName: 'Press', nodeId: 's=Plant.Line2.Press' })
      const variable = (name: string, dataType: DataType, extra: Record<string, unknown> = {}) =>
        namespace.addVariable({
          organizedBy: press,
          browseName: name,
          nodeId: `s=Plant.Line2.Press.${name}`,
          dataType,
          minimumSamplingInterval: 200,
          // Read-only unless said otherwise, as on the open62541 peer.
          accessLevel: 'CurrentRead',
          userAccessLevel: 'CurrentRead',
          ...extra,
        })
      const temperature = variable('Temperature', DataType.Double)
      const counter = variable('Counter', DataType.Int32)
      const profile = variable('Profile', DataType.Double, { valueRank: 1, arrayDimensions: [4] })
      const setpoint = variable('Setpoint', DataType.Double, { accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite' })
      const recipe = variable('Recipe', DataType.Double, {
        valueRank: 1,
        arrayDimensions: [3],
        accessLevel: 'CurrentRead | CurrentWrite',
        userAccessLevel: 'CurrentRead | CurrentWrite',
      })
      recipe.setValueFromSource(new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2, 3] }))
      setpoint.setValueFromSource(new Variant({ dataType: DataType.Double, value: 120 }))
      const pressure = namespace.addAnalogDataItem({
        organizedBy: press,
        browseName: 'Pressure',
        nodeId: 's=Plant.Line2.Press.Pressure',
        dataType: 'Double',
        minimumSamplingInterval: 200,
        accessLevel: 'CurrentRead',
        userAccessLevel: 'CurrentRead',
        engineeringUnitsRange: { low: 0, high: 250 },
        engineeringUnits: makeEUInformation('BAR', 'bar', 'bar'),
      })
      let tick = 0
      let counterValue = 0
      const reset = namespace.addMethod(press, {
        browseName: 'ResetCounter',
        nodeId: 's=Plant.Line2.Press.ResetCounter',
        inputArguments: [{ name: 'start', dataType: DataType.Int32 }],
        outputArguments: [{ name: 'ok', dataType: DataType.Boolean }],
      })
      reset.bindMethod((inputs, _context, callback) => {
        const start = Number(inputs[0].value)
        if (start >= 0) counterValue = start
        callback(null, { statusCode: StatusCodes.Good, outputArguments: [new Variant({ dataType: DataType.Boolean, value: start >= 0 })] })
      })
      const publish = () => {
        tick += 1
        counterValue += 1
        const t = tick * 0.2
        const now = new Date()
        const set = (node: UAVariable, dataType: DataType, value: unknown) =>
          node.setValueFromSource(
            new Variant({ dataType, value, arrayType: Array.isArray(value) ? VariantArrayType.Array : VariantArrayType.Scalar }),
            StatusCodes.Good,
            now,
          )
        const sp = Number(setpoint.readValue().value.value)
        set(temperature, DataType.Double, 60 + 5 * Math.sin(t / 5))
        set(counter, DataType.Int32, counterValue)
        set(profile, DataType.Double, [t, Math.sin(t), Math.cos(t), sp])
        set(pressure, DataType.Double, sp + 2 * Math.sin(t))
      }
      publish()
      await server.start()
      running = { server, timer: setInterval(publish, 200), managers: [serverCertificateManager, userCertificateManager] }
    },
    sessionCount: () => running?.server.engine.currentSessionCount ?? 0,
    stop: async () => {
      const current = running
      running = undefined
      if (!current) return
      clearInterval(current.timer)
      await current.server.shutdown(0)
      for (const manager of current.managers) await manager.dispose()
    },
  }
}
