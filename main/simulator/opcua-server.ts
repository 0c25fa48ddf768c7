// OPC UA face of the demo plant: Objects/Acme/Plant1/Packaging/Line1/<Machine>/<Signal>, updated from the model.
import path from 'node:path'
import {
  DataType,
  type DataValue,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  makeEUInformation,
  standardUnits,
  type UAObject,
  type UAVariable,
} from 'node-opcua'
import { MACHINE_IDS, type MachineId, type PlantModel, type PlantSnapshot } from './plant-model'
import { isAddressInUse, PortInUseError } from './port-in-use-error'
import { probePort } from './port-probe'
import { ISA95, OPCUA_APPLICATION_URI, OPCUA_NAMESPACE_INDEX, SIGNALS, signalValue, type OpcUaDataType, type SignalDefinition } from './signals'

export interface DemoOpcUaServerOptions {
  model: PlantModel
  host: string
  /** 0 picks a free port. */
  port: number
  /** Certificates go to <dataDir>/pki/sim-server (and sim-user), created once and reused. */
  dataDir: string
  /** Fastest rate a client may sample the variables at. */
  minimumSamplingIntervalMs?: number
}

export interface DemoOpcUaServer {
  endpointUrl: string
  port: number
  update(snapshot: PlantSnapshot): void
  close(): Promise<void>
}

const UA_DATA_TYPE: Record<OpcUaDataType, DataType> = {
  Boolean: DataType.Boolean,
  Int32: DataType.Int32,
  UInt32: DataType.UInt32,
  Double: DataType.Double,
}

type EUInformation = ReturnType<typeof makeEUInformation>

function bottlesPerMinute(): EUInformation {
  const unit = makeEUInformation('', 'bpm', 'bottles per minute')
  unit.unitId = -1 // UN/CEFACT has no code for bottles per minute; -1 means "no unitId" in the spec
  return unit
}

function engineeringUnits(unit: string): EUInformation {
  switch (unit) {
    case '°C':
      return standardUnits.degree_celsius
    case 'A':
      return standardUnits.ampere
    case 'ms':
      return standardUnits.millisecond
    case 'mm/s':
      return makeEUInformation('C16', 'mm/s', 'millimetre per second')
    case 'bpm':
      return bottlesPerMinute()
    default:
      throw new Error(`Demo plant OPC UA: no engineering unit mapping for "${unit}" — add it to opcua-server.ts`)
  }
}

export async function startOpcUaServer(options: DemoOpcUaServerOptions): Promise<DemoOpcUaServer> {
  const { model, host, dataDir } = options
  const minimumSamplingInterval = options.minimumSamplingIntervalMs ?? 100
  const port = await probePort('OPC UA', host, options.port)

  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(dataDir, 'pki', 'sim-server'),
    automaticallyAcceptUnknownCertificate: true,
  })
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(dataDir, 'pki', 'sim-user'),
    automaticallyAcceptUnknownCertificate: true,
  })

  const server = new OPCUAServer({
    port,
    host,
    hostname: isLoopback(host) ? 'localhost' : host,
    // Also advertise the address clients are given, so opc.tcp://127.0.0.1:port matches an endpoint.
    alternateHostname: isLoopback(host) ? [host] : [],
    serverCertificateManager,
    userCertificateManager,
    allowAnonymous: true,
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    serverInfo: {
      applicationUri: OPCUA_APPLICATION_URI,
      productUri: 'urn:ot-workbench:demo-plant',
      applicationName: { text: 'OT Workbench demo plant', locale: 'en' },
    },
    buildInfo: { productName: 'OT Workbench demo plant', manufacturerName: 'Acme' },
  })

  try {
    await server.initialize()
  } catch (error) {
    await shutdownQuietly(server)
    throw error
  }

  const variables = buildAddressSpace(server, model, minimumSamplingInterval)

  try {
    await server.start()
  } catch (error) {
    await shutdownQuietly(server)
    throw isAddressInUse(error) || /EADDRINUSE/.test(String(error)) ? new PortInUseError('OPC UA', host, port) : error
  }

  const update = (snapshot: PlantSnapshot): void => {
    const sourceTimestamp = new Date(snapshot.timeMs)
    for (const { signal, variable } of variables) {
      const value = signalValue(signal, snapshot.machines[signal.machine])
      variable.setValueFromSource(new Variant({ dataType: UA_DATA_TYPE[signal.opcua.dataType], value }), StatusCodes.Good, sourceTimestamp)
    }
  }
  update(model.snapshot())

  const endpointUrl = `opc.tcp://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    endpointUrl,
    port,
    update,
    close: async () => {
      await server.shutdown(0)
      await serverCertificateManager.dispose()
      await userCertificateManager.dispose()
    },
  }
}

interface BoundVariable {
  signal: SignalDefinition
  variable: UAVariable
}

function buildAddressSpace(server: OPCUAServer, model: PlantModel, minimumSamplingInterval: number): BoundVariable[] {
  const addressSpace = server.engine.addressSpace
  if (!addressSpace) throw new Error('Demo plant OPC UA: the address space is missing after initialize() — this is a bug')
  const namespace = addressSpace.getOwnNamespace()
  if (namespace.index !== OPCUA_NAMESPACE_INDEX) {
    throw new Error(`Demo plant OPC UA: own namespace has index ${namespace.index}, the signal catalog expects ${OPCUA_NAMESPACE_INDEX}`)
  }

  let parent: UAObject = addressSpace.rootFolder.objects
  const levels = [ISA95.enterprise, ISA95.site, ISA95.area, ISA95.line]
  const pathSoFar: string[] = []
  for (const level of levels) {
    pathSoFar.push(level)
    parent = namespace.addFolder(parent, { browseName: level, nodeId: `s=${pathSoFar.join('.')}` })
  }
  const machineFolders = new Map<MachineId, UAObject>()
  for (const machine of MACHINE_IDS) {
    machineFolders.set(machine, namespace.addFolder(parent, { browseName: machine, nodeId: `s=${ISA95.line}.${machine}` }))
  }

  return SIGNALS.map((signal) => {
    const componentOf = machineFolders.get(signal.machine)
    if (!componentOf) throw new Error(`Demo plant OPC UA: no folder for machine ${signal.machine}`)
    const common = {
      componentOf,
      browseName: signal.opcua.browseName,
      nodeId: signal.opcua.nodeId,
      description: signal.description,
      dataType: UA_DATA_TYPE[signal.opcua.dataType],
      minimumSamplingInterval,
      accessLevel: signal.access === 'read-write' ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: signal.access === 'read-write' ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
    }
    const variable: UAVariable = signal.opcua.analog
      ? namespace.addAnalogDataItem({
          ...common,
          engineeringUnitsRange: signal.range,
          engineeringUnits: engineeringUnits(signal.unit),
        })
      : namespace.addVariable(common)
    if (signal.access === 'read-write') {
      // Writes go to the model, which clamps them; the next update publishes the applied value.
      variable.on('value_changed', (dataValue: DataValue) => {
        const requested = Number(dataValue.value.value)
        const current = model.machine(signal.machine)[signal.modelField]
        if (Number.isFinite(requested) && requested !== current) model.setSpeedSetpoint(signal.machine, requested)
      })
    }
    return { signal, variable }
  })
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost'
}

async function shutdownQuietly(server: OPCUAServer): Promise<void> {
  try {
    await server.shutdown(0)
  } catch {
    // The server never fully started; there is nothing more to release.
  }
}
