// The demo plant: one seeded model served at once over OPC UA, Modbus TCP and MQTT.
import { startModbusServer, type DemoModbusServer } from './modbus-server'
import { startMqttBroker, type DemoMqttBroker } from './mqtt-broker'
import { startOpcUaServer, type DemoOpcUaServer } from './opcua-server'
import { createPlantModel, DEFAULT_SEED, type PlantModel } from './plant-model'
import { PortInUseError } from './port-in-use-error'
import { SIGNALS, type SignalDefinition } from './signals'

export * from './plant-model'
export * from './signals'
export { PortInUseError, type DemoPlantProtocol } from './port-in-use-error'
export { startOpcUaServer, type DemoOpcUaServer, type DemoOpcUaServerOptions } from './opcua-server'
export { startModbusServer, type DemoModbusServer, type DemoModbusServerOptions } from './modbus-server'
export { startMqttBroker, type DemoMqttBroker, type DemoMqttBrokerOptions } from './mqtt-broker'
export { encodeRegisters, decodeRegisters } from './modbus-register-image'

export const DEMO_PLANT_DEFAULTS = {
  host: '127.0.0.1',
  opcuaPort: 4840,
  modbusPort: 5020,
  mqttPort: 1883,
  tickMs: 100,
} as const

/** A gap longer than this (laptop asleep, debugger paused) is not simulated, so the plant does not fast-forward hours. */
const MAX_CATCH_UP_MS = 10_000

export interface DemoPlantOptions {
  seed?: number
  /** Interface all three servers bind to; default 127.0.0.1. */
  host?: string
  /** 0 picks a free port; the real port is reported in endpoints. */
  opcuaPort?: number
  modbusPort?: number
  mqttPort?: number
  /** How often the model is stepped and the servers updated. */
  tickMs?: number
  /** MQTT telemetry period per machine (status is published on change); default 1000 ms. */
  telemetryIntervalMs?: number
  /** Folder for the OPC UA certificates (pki/sim-server, pki/sim-user). */
  dataDir: string
  /** Epoch ms; the model follows this clock. */
  clock?: () => number
}

export interface DemoPlantEndpoints {
  /** opc.tcp://host:port */
  opcua: string
  modbus: { host: string; port: number; unitId: number }
  /** mqtt://host:port */
  mqtt: string
}

export interface DemoPlant {
  endpoints: DemoPlantEndpoints
  model: PlantModel
  signals: readonly SignalDefinition[]
  stop(): Promise<void>
}

export async function startDemoPlant(options: DemoPlantOptions): Promise<DemoPlant> {
  if (!options.dataDir) {
    throw new Error('Demo plant: dataDir is required (it keeps the OPC UA certificates) — pass the app data folder')
  }
  const host = options.host ?? DEMO_PLANT_DEFAULTS.host
  const tickMs = options.tickMs ?? DEMO_PLANT_DEFAULTS.tickMs
  if (!(tickMs > 0)) throw new RangeError(`Demo plant: tickMs must be a positive number of milliseconds, got ${tickMs}`)
  const clock = options.clock ?? Date.now
  const model = createPlantModel({ seed: options.seed ?? DEFAULT_SEED, startTimeMs: clock() })

  const started = await Promise.allSettled([
    startOpcUaServer({ model, host, port: options.opcuaPort ?? DEMO_PLANT_DEFAULTS.opcuaPort, dataDir: options.dataDir }),
    startModbusServer({ model, host, port: options.modbusPort ?? DEMO_PLANT_DEFAULTS.modbusPort }),
    startMqttBroker({ host, port: options.mqttPort ?? DEMO_PLANT_DEFAULTS.mqttPort, telemetryIntervalMs: options.telemetryIntervalMs }),
  ])
  const [opcuaResult, modbusResult, mqttResult] = started
  if (opcuaResult.status === 'rejected' || modbusResult.status === 'rejected' || mqttResult.status === 'rejected') {
    await Promise.allSettled(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)))
    const failures = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []))
    throw failures.find((failure) => failure instanceof PortInUseError) ?? failures[0]
  }
  const opcua: DemoOpcUaServer = opcuaResult.value
  const modbus: DemoModbusServer = modbusResult.value
  const mqtt: DemoMqttBroker = mqttResult.value

  const publish = (): void => {
    const snapshot = model.snapshot()
    opcua.update(snapshot)
    modbus.update(snapshot)
    mqtt.update(snapshot)
  }
  publish()

  let lastTickAt = clock()
  const ticker = setInterval(() => {
    const now = clock()
    const elapsed = now - lastTickAt
    lastTickAt = now
    if (elapsed <= 0) return
    model.step(Math.min(elapsed, MAX_CATCH_UP_MS))
    publish()
  }, tickMs)

  let stopping: Promise<void> | undefined
  return {
    endpoints: {
      opcua: opcua.endpointUrl,
      modbus: { host, port: modbus.port, unitId: modbus.unitId },
      mqtt: mqtt.url,
    },
    model,
    signals: SIGNALS,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(ticker)
        const results = await Promise.allSettled([mqtt.close(), modbus.close(), opcua.close()])
        const failure = results.find((result) => result.status === 'rejected')
        if (failure) throw failure.reason
      })()
      return stopping
    },
  }
}
