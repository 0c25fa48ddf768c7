import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import ModbusRTU from 'modbus-serial'
import mqtt, { type MqttClient } from 'mqtt'
import {
  AttributeIds,
  BrowseDirection,
  DataType,
  makeBrowsePath,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  type ClientSession,
} from 'node-opcua'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeRegisters, findSignal, machineTopics, PortInUseError, SIGNALS, signalsOf, startDemoPlant, type DemoPlant } from './index'

const HOST = '127.0.0.1'

/** Polls until the condition holds; the demo plant ticks on a timer, so tests wait for it rather than sleep. */
async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host: HOST, port }, () => resolve(server))
  })
}

function portOf(server: Server): number {
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('test server has no port')
  return address.port
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

describe('demo plant over real protocols', { timeout: 30_000 }, () => {
  let dataDir: string
  let plant: DemoPlant
  // A frozen clock makes every protocol serve the same snapshot until the test moves time on.
  let fakeNow = 1_700_000_000_000

  async function advance(ms: number): Promise<void> {
    fakeNow += ms
    await until(() => plant.model.now() === fakeNow, `the model to reach ${fakeNow}`)
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'otw-demo-plant-'))
    plant = await startDemoPlant({
      dataDir,
      seed: 11,
      host: HOST,
      opcuaPort: 0,
      modbusPort: 0,
      mqttPort: 0,
      tickMs: 20,
      telemetryIntervalMs: 500,
      clock: () => fakeNow,
    })
    await advance(9_000)
  }, 30_000)

  afterAll(async () => {
    await plant?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('reports the real ports it picked', () => {
    expect(plant.endpoints.opcua).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/)
    expect(plant.endpoints.opcua).not.toMatch(/:0$/)
    expect(plant.endpoints.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
    expect(plant.endpoints.modbus.port).toBeGreaterThan(0)
    expect(plant.endpoints.modbus.unitId).toBe(1)
    expect(plant.signals).toBe(SIGNALS)
  })

  describe('OPC UA', () => {
    let client: OPCUAClient
    let session: ClientSession

    beforeAll(async () => {
      client = OPCUAClient.create({
        applicationName: 'otw-demo-plant-test',
        endpointMustExist: false,
        securityMode: MessageSecurityMode.None,
        securityPolicy: SecurityPolicy.None,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        clientCertificateManager: new OPCUACertificateManager({
          rootFolder: path.join(dataDir, 'pki', 'test-client'),
          automaticallyAcceptUnknownCertificate: true,
        }),
      })
      await client.connect(plant.endpoints.opcua)
      session = await client.createSession()
    }, 30_000)

    afterAll(async () => {
      await session?.close()
      await client?.disconnect()
    })

    it('browses Objects/Acme/Plant1/Packaging/Line1/<Machine>', async () => {
      let nodeId = 'i=85'
      for (const level of ['Acme', 'Plant1', 'Packaging', 'Line1']) {
        const result = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, resultMask: 63 })
        const child = result.references?.find((reference) => reference.browseName.name === level)
        expect(child, `${level} under ${nodeId}`).toBeDefined()
        expect(child!.nodeId.namespace).toBe(1)
        nodeId = child!.nodeId.toString()
      }
      const line = await session.browse(nodeId)
      expect(line.references?.map((reference) => reference.browseName.name).sort()).toEqual(['Capper', 'Filler', 'Labeler'])
      const filler = await session.browse('ns=1;s=Line1.Filler')
      const names = filler.references?.map((reference) => reference.browseName.name) ?? []
      expect(names).toEqual(expect.arrayContaining(signalsOf('Filler').map((signal) => signal.opcua.browseName)))
    })

    it('reads an analog variable with its EURange, unit and source timestamp', async () => {
      const signal = findSignal('Line1.Capper.Vibration')!
      const dataValue = await session.read({ nodeId: signal.opcua.nodeId, attributeId: AttributeIds.Value })
      expect(dataValue.statusCode.isGood()).toBe(true)
      expect(dataValue.value.value).toBeCloseTo(plant.model.machine('Capper').vibrationMmS, 9)
      expect(dataValue.sourceTimestamp?.getTime()).toBe(fakeNow)

      const paths = await session.translateBrowsePath([
        makeBrowsePath(signal.opcua.nodeId, '.EURange'),
        makeBrowsePath(signal.opcua.nodeId, '.EngineeringUnits'),
      ])
      const [range, units] = await session.read(paths.map((result) => ({ nodeId: result.targets![0].targetId, attributeId: AttributeIds.Value })))
      expect(range.value.value).toMatchObject({ low: 0, high: 20 })
      expect(units.value.value.displayName.text).toBe('mm/s')

      const sampling = await session.read({ nodeId: signal.opcua.nodeId, attributeId: AttributeIds.MinimumSamplingInterval })
      expect(sampling.value.value).toBe(100)
    })

    it('accepts a speed setpoint write and the model applies it, clamped', async () => {
      const nodeId = findSignal('Line1.Labeler.SpeedSetpoint')!.opcua.nodeId
      const status = await session.write({
        nodeId,
        attributeId: AttributeIds.Value,
        value: { value: { dataType: DataType.Double, value: 310 } },
      })
      expect(status.isGood()).toBe(true)
      expect(plant.model.machine('Labeler').speedSetpointBpm).toBe(310)
      await session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 9999 } } })
      expect(plant.model.machine('Labeler').speedSetpointBpm).toBe(450)
      await advance(100)
      const readBack = await session.read({ nodeId, attributeId: AttributeIds.Value })
      expect(readBack.value.value).toBe(450)
    })

    it('serves counters as UInt32 and bits as Boolean', async () => {
      const [good, running] = await session.read([
        { nodeId: 'ns=1;s=Line1.Filler.GoodCount', attributeId: AttributeIds.Value },
        { nodeId: 'ns=1;s=Line1.Filler.Running', attributeId: AttributeIds.Value },
      ])
      expect(good.value.value).toBe(plant.model.machine('Filler').goodCount)
      expect(good.value.value).toBeGreaterThan(0)
      expect(typeof running.value.value).toBe('boolean')
    })
  })

  describe('Modbus TCP', () => {
    const client = new ModbusRTU()

    beforeAll(async () => {
      await client.connectTCP(plant.endpoints.modbus.host, { port: plant.endpoints.modbus.port })
      client.setID(plant.endpoints.modbus.unitId)
      client.setTimeout(3000)
    })

    afterAll(async () => {
      await new Promise<void>((resolve) => client.close(() => resolve()))
    })

    it('reads float32 ABCD and CDAB measurements that agree with the model', async () => {
      const speed = findSignal('Line1.Filler.Speed')!
      const vibration = findSignal('Line1.Filler.Vibration')!
      const cycleTime = findSignal('Line1.Filler.CycleTime')!
      const { data } = await client.readInputRegisters(speed.modbus.offset, 8)
      const model = plant.model.machine('Filler')
      expect(vibration.modbus.byteOrder).toBe('CDAB')
      expect(decodeRegisters(speed, data.slice(0, 2))).toBeCloseTo(model.speedBpm, 3)
      expect(decodeRegisters(vibration, data.slice(4, 6))).toBeCloseTo(model.vibrationMmS, 5)
      expect(decodeRegisters(cycleTime, data.slice(6, 8))).toBeCloseTo(model.cycleTimeMs, 3)
      // Decode CDAB by hand too, so the test does not only trust the server's own codec.
      const bytes = Buffer.alloc(4)
      bytes.writeUInt16BE(data[5], 0)
      bytes.writeUInt16BE(data[4], 2)
      expect(bytes.readFloatBE(0)).toBeCloseTo(model.vibrationMmS, 5)
    })

    it('reads uint32 CDAB and int32 ABCD counters', async () => {
      const { data } = await client.readHoldingRegisters(findSignal('Line1.Labeler.GoodCount')!.modbus.offset, 4)
      const model = plant.model.machine('Labeler')
      expect(((data[1] << 16) >>> 0) + data[0]).toBe(model.goodCount)
      expect((data[2] << 16) | data[3]).toBe(model.rejectCount)
      expect(model.goodCount).toBeGreaterThan(0)
    })

    it('reads the running coil, fault discrete input and scaled int16 temperature', async () => {
      const running = await client.readCoils(findSignal('Line1.Capper.Running')!.modbus.offset, 1)
      expect(running.data[0]).toBe(plant.model.machine('Capper').running)
      const faulted = await client.readDiscreteInputs(findSignal('Line1.Capper.Faulted')!.modbus.offset, 2)
      expect(faulted.data.slice(0, 2)).toEqual([plant.model.machine('Capper').faulted, plant.model.machine('Capper').vibrationAlarm])
      const glue = findSignal('Line1.Labeler.GlueTemperature')!
      const temperature = await client.readInputRegisters(glue.modbus.offset, 1)
      expect(decodeRegisters(glue, temperature.data)).toBeCloseTo(plant.model.machine('Labeler').temperatureC, 1)
    })

    it('writes the speed setpoint and the model honours it', async () => {
      const setpoint = findSignal('Line1.Capper.SpeedSetpoint')!
      await client.writeRegister(setpoint.modbus.offset, 280)
      expect(plant.model.machine('Capper').speedSetpointBpm).toBe(280)
      const { data } = await client.readHoldingRegisters(setpoint.modbus.offset, 1)
      expect(data[0]).toBe(280)
    })

    it('answers exception 2 for unmapped and read-only addresses', async () => {
      await expect(client.readHoldingRegisters(50, 1)).rejects.toMatchObject({ modbusCode: 2 })
      await expect(client.readInputRegisters(8, 4)).rejects.toMatchObject({ modbusCode: 2 })
      await expect(client.readCoils(1, 1)).rejects.toMatchObject({ modbusCode: 2 })
      await expect(client.writeRegister(findSignal('Line1.Filler.GoodCount')!.modbus.offset, 0)).rejects.toMatchObject({ modbusCode: 2 })
      // The connection survives the exceptions.
      const { data } = await client.readInputRegisters(0, 1)
      expect(data[0]).toBe(plant.model.machine('Filler').state)
    })
  })

  describe('MQTT', () => {
    let client: MqttClient

    beforeAll(async () => {
      client = await mqtt.connectAsync(plant.endpoints.mqtt, { reconnectPeriod: 0, connectTimeout: 5000 })
    })

    afterAll(async () => {
      await client?.endAsync(true)
    })

    it('keeps a retained status per machine and streams telemetry JSON', async () => {
      const statuses = new Map<string, { retain: boolean; body: Record<string, unknown> }>()
      const telemetry: Record<string, unknown>[] = []
      client.on('message', (topic, payload, packet) => {
        const body = JSON.parse(payload.toString()) as Record<string, unknown>
        if (topic.endsWith('/status')) statuses.set(topic, { retain: packet.retain, body })
        if (topic === machineTopics('Filler').telemetry) telemetry.push(body)
      })
      await client.subscribeAsync(['acme/plant1/packaging/line1/+/status', machineTopics('Filler').telemetry], { qos: 1 })
      await until(() => statuses.size === 3, 'three retained status messages')
      const capperStatus = statuses.get(machineTopics('Capper').status)!
      expect(capperStatus.retain).toBe(true)
      expect(capperStatus.body).toMatchObject({
        state: plant.model.machine('Capper').state,
        faultCode: plant.model.machine('Capper').faultCode,
        device_id: 'line1-capper',
      })
      expect(typeof capperStatus.body.ts).toBe('number')

      await advance(1_000)
      await until(() => telemetry.length >= 1, 'a Filler telemetry message')
      const message = telemetry[0]
      expect(message.ts).toBe(fakeNow)
      expect(typeof message.seq).toBe('number')
      for (const signal of signalsOf('Filler')) expect(message, signal.mqtt.field).toHaveProperty(signal.mqtt.field)
      expect(message.goodCount).toBe(plant.model.machine('Filler').goodCount)

      await advance(1_000)
      await until(() => telemetry.length >= 2, 'a second Filler telemetry message')
      expect(Number(telemetry[1].seq)).toBeGreaterThan(Number(message.seq))
    })
  })
})

describe('demo plant start-up failures', { timeout: 30_000 }, () => {
  it('names the protocol and port that is taken, and releases what it had started', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'otw-demo-plant-busy-'))
    const busy = await listenOn(0)
    const freeForOpcUa = await listenOn(0)
    const opcuaPort = portOf(freeForOpcUa)
    await closeServer(freeForOpcUa)
    try {
      const failure = await startDemoPlant({ dataDir, host: HOST, opcuaPort, modbusPort: 0, mqttPort: portOf(busy) }).then(
        (plant) => plant.stop().then(() => null),
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(PortInUseError)
      expect(failure).toMatchObject({ code: 'PORT_IN_USE', details: { protocol: 'MQTT', port: portOf(busy) } })
      expect((failure as Error).message).toContain(`MQTT port ${portOf(busy)}`)
      expect((failure as Error).message).toContain('--mqtt-port')
      // The OPC UA server that did start was shut down again, so its port is free.
      await closeServer(await listenOn(opcuaPort))
    } finally {
      await closeServer(busy)
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('reports a taken OPC UA port the same way', async () => {
    const busy = await listenOn(0)
    try {
      await expect(
        startDemoPlant({ dataDir: path.join(tmpdir(), 'otw-never-created'), host: HOST, opcuaPort: portOf(busy), modbusPort: 0, mqttPort: 0 }),
      ).rejects.toMatchObject({ code: 'PORT_IN_USE', details: { protocol: 'OPC UA', port: portOf(busy) } })
    } finally {
      await closeServer(busy)
    }
  })
})
