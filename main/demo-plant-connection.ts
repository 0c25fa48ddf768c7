import type { DemoPlantStatus, TagInfo } from '../preload/contract'
import { MqttConnector } from './connectors/mqtt/mqtt-connector'
import type { NoticeCenter } from './notices'
import { FAULT_TEXTS, MACHINE_STATE_NAMES } from './simulator/plant-model'
import { SIGNALS, type SignalDefinition } from './simulator/signals'
import { startDemoPlant, type DemoPlant } from './simulator'

export const DEMO_CONNECTION_ID = 'demo-plant-mqtt'
export const DEMO_DEFAULT_PORTS = { opcua: 4840, modbus: 5020, mqtt: 1883 } as const

export interface EmbeddedDemoPlant {
  plant: DemoPlant
  connector: MqttConnector
  status: DemoPlantStatus
  stop(): Promise<void>
}

function signalTag(signal: SignalDefinition): TagInfo {
  return {
    id: signal.id,
    name: signal.name,
    path: signal.isa95.path.split('/'),
    connectionId: DEMO_CONNECTION_ID,
    address: `${signal.mqtt.topic}#${signal.mqtt.field}`,
    dataType: signal.dataType,
    unit: signal.unit || undefined,
    range: signal.range,
    access: 'read',
    description: signal.description,
    enumLabels: signal.name === 'State' ? labels(MACHINE_STATE_NAMES) : signal.name === 'FaultCode' ? labels(FAULT_TEXTS) : undefined,
  }
}

const labels = (names: Readonly<Record<number, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(names).map(([code, name]) => [code, name]))

const isPortInUse = (error: unknown): boolean => (error as { code?: string } | undefined)?.code === 'PORT_IN_USE'

/**
 * Starts the demo plant inside the app and connects to it over MQTT. When a default port is taken
 * (another simulator, a real broker), it moves to free ports and says so instead of failing.
 */
export async function startEmbeddedDemoPlant(options: {
  dataDir: string
  seed?: number
  ports: 'default' | 'auto' | { opcua: number; modbus: number; mqtt: number }
  notices: NoticeCenter
}): Promise<EmbeddedDemoPlant> {
  const ports = options.ports === 'auto' ? { opcua: 0, modbus: 0, mqtt: 0 } : options.ports === 'default' ? DEMO_DEFAULT_PORTS : options.ports
  const start = (p: { opcua: number; modbus: number; mqtt: number }): Promise<DemoPlant> =>
    startDemoPlant({ dataDir: options.dataDir, seed: options.seed, opcuaPort: p.opcua, modbusPort: p.modbus, mqttPort: p.mqtt })
  let plant: DemoPlant
  try {
    plant = await start(ports)
  } catch (error) {
    if (!isPortInUse(error) || options.ports === 'auto') throw error
    plant = await start({ opcua: 0, modbus: 0, mqtt: 0 })
    options.notices.post(
      'warning',
      `${error instanceof Error ? error.message : String(error)}. The embedded demo plant moved to free ports instead (see Connections).`,
      'PORT_IN_USE',
    )
  }
  const connector = new MqttConnector({
    id: DEMO_CONNECTION_ID,
    name: 'Demo plant',
    url: plant.endpoints.mqtt,
    mappings: SIGNALS.map((signal) => ({ tag: signalTag(signal), topic: signal.mqtt.topic, jsonPath: signal.mqtt.field, timePath: 'ts' })),
  })
  const { modbus } = plant.endpoints
  return {
    plant,
    connector,
    status: {
      running: true,
      seed: options.seed,
      endpoints: { opcua: plant.endpoints.opcua, modbus: `modbus://${modbus.host}:${modbus.port}?unit=${modbus.unitId}`, mqtt: plant.endpoints.mqtt },
    },
    stop: async () => {
      await connector.disconnect()
      await plant.stop()
    },
  }
}
