import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT, main, type CliIo } from './cli'
import { startDemoPlant, type DemoPlant } from './simulator'

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    untilInterrupted: () => Promise.resolve(),
  }
  return io
}

describe('otw read/write/browse against the demo plant', () => {
  let plant: DemoPlant
  let modbusUrl: string
  const dataDir = mkdtempSync(join(tmpdir(), 'otw-cli-dev-'))

  beforeAll(async () => {
    plant = await startDemoPlant({ dataDir, opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
    modbusUrl = `modbus://127.0.0.1:${plant.endpoints.modbus.port}?unit=1`
  }, 90_000)
  afterAll(async () => {
    await plant?.stop()
  })

  it('reads a Modbus float32 (ABCD) as JSON', async () => {
    const io = captureIo()
    expect(await main(['read', modbusUrl, '30003', '--type', 'float32', '--order', 'ABCD', '--json'], io)).toBe(EXIT.ok)
    expect(io.out).toMatch(/\d/)
  })

  it('reads an OPC UA variable', async () => {
    const io = captureIo()
    expect(await main(['read', plant.endpoints.opcua, 'ns=1;s=Line1.Filler.Speed', '--json', '--data-dir', dataDir], io)).toBe(EXIT.ok)
    expect(io.out).toContain('Speed')
  }, 60_000)

  it('browses the MQTT topics, retained status included', async () => {
    const io = captureIo()
    expect(await main(['browse', plant.endpoints.mqtt, '--topic', 'acme/#', '--seconds', '1.5', '--json'], io)).toBe(EXIT.ok)
    const topics = JSON.parse(io.out) as { topic: string; retained: boolean }[]
    expect(topics.find((t) => t.topic.endsWith('filler/status'))?.retained).toBe(true)
  })

  it('refuses a write without --yes, and a URL no driver knows', async () => {
    let io = captureIo()
    expect(await main(['write', modbusUrl, '40001', '250', '--type', 'uint16'], io)).not.toBe(EXIT.ok)
    expect(io.err).toMatch(/--yes/)
    io = captureIo()
    expect(await main(['read', 'http://example/x', '1'], io)).toBe(EXIT.usage)
    expect(io.err).toContain('not a device URL')
  })
})
