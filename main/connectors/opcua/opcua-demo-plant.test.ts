import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoPlant, startDemoPlant } from '../../simulator'
import type { TagValue } from '../../../preload/contract'
import { browseChildren, describeNode, readNodeAttributes, readNodeReferences, searchByBrowseName } from './browse'
import { runOpcUaBrowse, runOpcUaRead, runOpcUaWrite } from './cli-opcua'
import { discoverEndpoints } from './discovery'
import { readRawHistory } from './history'
import { OpcUaConnector } from './opcua-connector'
import { withOpcUaSession } from './open-session'
import { readEngineeringInfo } from './read-eu-range'

let dataDir: string
let plant: DemoPlant
const SPEED = 'ns=1;s=Line1.Filler.Speed'
const SETPOINT = 'ns=1;s=Line1.Filler.SpeedSetpoint'

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otw-opcua-demo-'))
  plant = await startDemoPlant({ dataDir, opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
}, 60_000)

afterAll(async () => {
  await plant?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, 60_000)

const plain = () => ({ endpointUrl: plant.endpoints.opcua, dataDir })

function captureIo() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out: () => out.join(''), err: () => err.join('') }
}

describe('OPC UA against the demo plant (SecurityPolicy None)', () => {
  it('discovery lists policy × mode endpoints with user token types', async () => {
    const endpoints = await discoverEndpoints(plant.endpoints.opcua, { dataDir })
    const pairs = endpoints.map((endpoint) => `${endpoint.securityPolicy}/${endpoint.securityMode}`)
    expect(pairs).toContain('None/None')
    expect(pairs).toContain('Basic256Sha256/SignAndEncrypt')
    expect(pairs).toContain('Basic256Sha256/Sign')
    expect(endpoints.find((endpoint) => endpoint.securityMode === 'None')?.userTokens.some((token) => token.type === 'anonymous')).toBe(true)
  }, 60_000)

  it('browses the tree lazily, finds Speed by search, jumps to a NodeId and reads EURange/EngineeringUnits', async () => {
    await withOpcUaSession(plain(), async (session) => {
      const top = await browseChildren(session)
      const acme = top.find((node) => node.browseName.endsWith('Acme'))
      expect(acme).toMatchObject({ nodeClass: 'Object', hasChildren: true })
      const found = await searchByBrowseName(session, 'Speed', { maxNodes: 2000 })
      const speed = found.matches.find((match) => match.nodeId === SPEED)
      expect(speed?.path).toEqual(['Acme', 'Plant1', 'Packaging', 'Line1', 'Filler', 'Speed'])
      const filler = await browseChildren(session, 'ns=1;s=Line1.Filler')
      expect(filler.find((node) => node.nodeId === SPEED)).toMatchObject({ nodeClass: 'Variable', dataType: 'Double', hasChildren: true })
      expect(await describeNode(session, SPEED)).toMatchObject({ displayName: 'Speed', nodeClass: 'Variable', dataType: 'Double' })
      expect(await readEngineeringInfo(session, SPEED)).toEqual({ unit: 'bpm', range: { low: 0, high: 500 } })
      const attributes = await readNodeAttributes(session, SPEED)
      expect(attributes.find((attribute) => attribute.name === 'MinimumSamplingInterval')?.value).toBe(100)
      const references = await readNodeReferences(session, SPEED)
      expect(references.some((reference) => reference.referenceType === 'HasProperty' && reference.browseName.endsWith('EURange'))).toBe(true)
      const bounded = await searchByBrowseName(session, 'Speed', { maxNodes: 3 })
      expect(bounded.truncated).toBe(true)
      await expect(browseChildren(session, 'ns=1;s=No.Such.Node')).rejects.toThrow(/no such node/)
    })
  }, 60_000)

  it('history read says clearly that the server keeps no history', async () => {
    await withOpcUaSession(plain(), async (session) => {
      await expect(readRawHistory(session, SPEED, { start: new Date(Date.now() - 60_000), end: new Date() })).rejects.toThrow(
        /history read is not supported here/,
      )
    })
  }, 60_000)

  it('the connector subscribes, reads and writes SpeedSetpoint (round trip through the model)', async () => {
    const connector = new OpcUaConnector({
      ...plain(),
      id: 'demo',
      name: 'Demo plant',
      publishingIntervalMs: 100,
      tags: [
        {
          id: 'filler.speed',
          nodeId: SPEED,
          name: 'Speed',
          path: ['Line1', 'Filler'],
          unit: 'bpm',
          range: { low: 0, high: 500 },
          samplingIntervalMs: 100,
          deadband: { type: 'percent', value: 0 },
        },
        { id: 'filler.setpoint', nodeId: SETPOINT, name: 'SpeedSetpoint', access: 'read-write', samplingIntervalMs: 100 },
      ],
    })
    const seen: TagValue[] = []
    connector.onValues((values) => seen.push(...values))
    await connector.connect()
    try {
      expect(connector.tags().map((tag) => tag.address)).toEqual([SPEED, SETPOINT])
      const [before] = await connector.read(['filler.setpoint'])
      const target = before.value === 240 ? 230 : 240
      await connector.write('filler.setpoint', String(target))
      const expected = plant.model.machine('Filler').speedSetpointBpm
      expect(expected).toBe(target)
      await expect.poll(async () => (await connector.read(['filler.setpoint']))[0].value, { timeout: 10_000 }).toBe(target)
      await expect.poll(() => seen.some((value) => value.tagId === 'filler.setpoint' && value.value === target), { timeout: 10_000 }).toBe(true)
      expect(seen.some((value) => value.tagId === 'filler.speed' && value.quality.status === 'good')).toBe(true)
      await expect(connector.write('filler.setpoint', 'fast')).rejects.toThrow(/cannot write fast to a Double/)
      await expect(connector.read(['nope'])).rejects.toThrow(/no tag nope/)
    } finally {
      await connector.disconnect()
    }
  }, 60_000)

  it('otw read / browse / write print what a person needs, with exit codes', async () => {
    const read = captureIo()
    expect(await runOpcUaRead(plant.endpoints.opcua, [SPEED, '--json', '--data-dir', dataDir], read.io)).toBe(0)
    const [row] = JSON.parse(read.out()) as (TagValue & { unit: string; range: unknown })[]
    expect(row).toMatchObject({ tagId: SPEED, quality: { status: 'good' }, unit: 'bpm', range: { low: 0, high: 500 } })

    const browse = captureIo()
    const browseCode = await runOpcUaBrowse(
      plant.endpoints.opcua,
      ['--node', 'ns=1;s=Acme.Plant1.Packaging.Line1', '--depth', '2', '--data-dir', dataDir],
      browse.io,
    )
    expect({ browseCode, stderr: browse.err() }).toEqual({ browseCode: 0, stderr: '' })
    expect(browse.out()).toMatch(/^ {2}Speed {2}\[Variable : Double\] {2}ns=1;s=Line1\.Filler\.Speed$/m)

    const write = captureIo()
    expect(await runOpcUaWrite(plant.endpoints.opcua, [SETPOINT, '111', '--data-dir', dataDir], write.io)).toBe(2)
    expect(write.err()).toContain('--yes')
    expect(await runOpcUaWrite(plant.endpoints.opcua, [SETPOINT, '111', '--yes', '--data-dir', dataDir], write.io)).toBe(0)
    expect(write.out()).toMatch(/ns=1;s=Line1\.Filler\.SpeedSetpoint: [\d.]+ → 111/)

    const bad = captureIo()
    expect(await runOpcUaRead('opc.tcp://127.0.0.1:1', [SPEED, '--data-dir', dataDir], bad.io)).toBe(1)
    expect(bad.err()).toMatch(/^OPC UA opc\.tcp:\/\/127\.0\.0\.1:1: /)
    expect(await runOpcUaRead('http://x', [SPEED], bad.io)).toBe(2)
  }, 60_000)
})
