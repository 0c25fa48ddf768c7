// MQTT face of the demo plant: an embedded aedes broker that publishes each machine's telemetry and status.
import { createServer, type Server, type Socket } from 'node:net'
import { Aedes } from 'aedes'
import { FAULT_TEXTS, MACHINE_IDS, type MachineId, type PlantSnapshot } from './plant-model'
import { isAddressInUse, PortInUseError } from './port-in-use-error'
import { machineDeviceId, machineTopics, signalsOf, signalValue } from './signals'
import { SPARKPLUG_EDGE_NODE, SPARKPLUG_GROUP, startSparkplugEdgeNode, type SparkplugEdgeNode } from './sparkplug-edge-node'
import { decodeSparkplugPayload } from '../connectors/mqtt/sparkplug/sparkplug-codec'

export interface DemoMqttBrokerOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  /** Telemetry is published at most this often per machine; status is published on every change. */
  telemetryIntervalMs?: number
}

export interface DemoMqttBroker {
  url: string
  port: number
  /** Publishes telemetry when due and status when the state or fault changed. */
  update(snapshot: PlantSnapshot): void
  close(): Promise<void>
}

export const MQTT_SCHEMA_VERSION = 1

export async function startMqttBroker(options: DemoMqttBrokerOptions): Promise<DemoMqttBroker> {
  const { host } = options
  const telemetryIntervalMs = options.telemetryIntervalMs ?? 1000
  const broker = await Aedes.createBroker()
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    broker.handle(socket)
  })

  let port: number
  try {
    port = await listen(server, host, options.port)
  } catch (error) {
    server.close()
    await closeBroker(broker)
    throw isAddressInUse(error) ? new PortInUseError('MQTT', host, options.port) : error
  }

  let seq = 0
  const lastTelemetryAt = new Map<MachineId, number>()
  const lastStatus = new Map<MachineId, string>()

  const publish = (topic: string, payload: object, qos: 0 | 1, retain: boolean): void => {
    broker.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(payload)), qos, retain, dup: false }, () => undefined)
  }

  // The Labeler also speaks Sparkplug B, through an edge node that births on the first snapshot.
  let edgeNode: SparkplugEdgeNode | undefined
  const publishBytes = (topic: string, payload: Uint8Array): void => {
    broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }, () => undefined)
  }
  const onCommand = (packet: { payload: Buffer | string }, done: () => void): void => {
    try {
      const metrics = decodeSparkplugPayload(Buffer.from(packet.payload)).metrics
      if (metrics.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) edgeNode?.rebirth()
    } catch {
      // Not a Sparkplug payload: an edge node ignores it.
    }
    done()
  }
  const commandTopic = `spBv1.0/${SPARKPLUG_GROUP}/NCMD/${SPARKPLUG_EDGE_NODE}`
  await new Promise<void>((resolve) => broker.subscribe(commandTopic, onCommand, resolve))

  const update = (snapshot: PlantSnapshot): void => {
    if (edgeNode) edgeNode.update(snapshot)
    else edgeNode = startSparkplugEdgeNode({ publish: publishBytes, intervalMs: telemetryIntervalMs, initial: snapshot })
    for (const machine of MACHINE_IDS) {
      const values = snapshot.machines[machine]
      const topics = machineTopics(machine)
      const statusKey = `${values.state}/${values.faultCode}`
      if (lastStatus.get(machine) !== statusKey) {
        lastStatus.set(machine, statusKey)
        publish(
          topics.status,
          {
            ts: snapshot.timeMs,
            device_id: machineDeviceId(machine),
            state: values.state,
            stateName: values.stateName,
            faultCode: values.faultCode,
            faultText: FAULT_TEXTS[values.faultCode] ?? `Unknown fault ${values.faultCode}`,
            since: values.stateSinceMs,
          },
          1,
          true,
        )
      }
      const last = lastTelemetryAt.get(machine)
      if (last !== undefined && snapshot.timeMs - last < telemetryIntervalMs) continue
      lastTelemetryAt.set(machine, snapshot.timeMs)
      seq += 1
      const payload: Record<string, unknown> = {
        ts: snapshot.timeMs,
        seq,
        device_id: machineDeviceId(machine),
        schema_version: MQTT_SCHEMA_VERSION,
      }
      for (const signal of signalsOf(machine)) payload[signal.mqtt.field] = roundForWire(signalValue(signal, values))
      publish(topics.telemetry, payload, 0, false)
    }
  }

  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    update,
    close: async () => {
      edgeNode?.close()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await closeBroker(broker)
    },
  }
}

/** Four decimals are plenty for every signal and keep the JSON short. */
function roundForWire(value: number | boolean): number | boolean {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 10_000) / 10_000 : value
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()))
}
