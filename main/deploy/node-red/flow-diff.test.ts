import { describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../../preload/contract'
import { demoLineModbusConnection } from '../demo-line'
import { lineDiff } from '../line-diff'
import { diffFlows, mergeTab } from './flow-diff'
import { generateGatewayFlow, type GatewaySettings } from './gateway-flow'

const settings: GatewaySettings = {
  deviceId: 'gw1',
  topicStyle: 'uns',
  namespace: { enterprise: 'Acme', site: 'Plant1', area: 'Packaging', line: 'Line1' },
  broker: { host: '127.0.0.1', port: 1883 },
}
const line = demoLineModbusConnection({ host: '127.0.0.1', port: 5020, unitId: 1 })
const flowOf = (config: ConnectionConfig, extra: Partial<GatewaySettings> = {}) =>
  generateGatewayFlow({ targetId: 't1', targetName: 'T1', settings: { ...settings, ...extra }, connections: [{ id: 'line1', config }] })

describe('generated gateway flow', () => {
  it('has the same node ids on every plan, so a re-plan diffs to nothing', () => {
    expect(diffFlows(flowOf(line).nodes, flowOf(line).nodes).nodes).toEqual([])
    expect(flowOf(line).nodes.map((n) => n.id)).toEqual(flowOf(line).nodes.map((n) => n.id))
  })

  it("shows one changed tag as its read node property and one line of the connection's function table", () => {
    const changed = {
      ...line,
      tags: line.tags.map((t) => (t.name === 'Line1.Filler.Speed' ? { ...t, byteOrder: 'CDAB' as const, scanRateMs: 250 } : t)),
    } as ConnectionConfig
    const diff = diffFlows(flowOf(line).nodes, flowOf(changed).nodes)
    expect([diff.added, diff.removed, diff.changed]).toEqual([0, 0, 2])
    const read = diff.nodes.find((n) => n.type === 'modbus-read')!
    expect(read.properties).toEqual([{ property: 'rate', before: '1000', after: '250' }])
    const code = diff.nodes.find((n) => n.type === 'function')!.properties[0]!
    expect(code.property).toBe('func')
    const changedLines = code.lines!.filter((l) => l.op !== 'same')
    expect(changedLines.map((l) => l.op)).toEqual(['removed', 'added'])
    expect(changedLines[0]!.text).toMatch(/^ {2}"Line1\.Filler\.Speed": \{.*"byteOrder":"ABCD"/)
    expect(changedLines[1]!.text).toBe(changedLines[0]!.text.replace('"byteOrder":"ABCD"', '"byteOrder":"CDAB"'))
  })

  it('publishes to the unified namespace or to devices/<id>/telemetry, as the target says', () => {
    expect(flowOf(line).tags[0]!.topic).toMatch(/^umh\.v1\.Acme\.Plant1\.Packaging\.Line1\.Line1\._raw\./)
    expect(new Set(flowOf(line, { topicStyle: 'devices' }).tags.map((t) => t.topic))).toEqual(new Set(['devices/gw1/telemetry']))
  })

  it('stays small: one decode and envelope function per connection, not per tag', () => {
    expect(flowOf(line).nodes.filter((n) => n.type === 'function')).toHaveLength(1)
    expect(JSON.stringify(flowOf(line).nodes).length).toBeLessThan(40_000)
  })

  it('polls each tag at its own unit id, table, offset, length and rate', () => {
    const read = flowOf(line).nodes.find((n) => n.type === 'modbus-read' && n.name === 'Line1.Capper.Vibration')!
    expect(read).toMatchObject({ unitid: '1', dataType: 'InputRegister', adr: '106', quantity: '2', rate: '1000', rateUnit: 'ms' })
  })
})

describe('mergeTab', () => {
  it('replaces our tab in place and leaves every other node as it was', () => {
    const theirs = [
      { id: 'a', type: 'tab' },
      { id: 'ours', type: 'tab', label: 'old' },
      { id: 'b', type: 'tab' },
      { id: 'a1', type: 'inject', z: 'a' },
      { id: 'o1', type: 'debug', z: 'ours' },
      { id: 'g', type: 'mqtt-broker' },
    ]
    const merged = mergeTab(theirs, 'ours', [
      { id: 'ours', type: 'tab', label: 'new' },
      { id: 'o2', type: 'debug', z: 'ours' },
    ])
    expect(merged.map((n) => n.id)).toEqual(['a', 'ours', 'b', 'a1', 'g', 'o2'])
    expect(mergeTab(theirs, 'ours', []).map((n) => n.id)).toEqual(['a', 'b', 'a1', 'g'])
  })
})

describe('lineDiff', () => {
  it('marks removed and added lines between common ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'removed', text: 'b' },
      { op: 'added', text: 'x' },
      { op: 'same', text: 'c' },
      { op: 'added', text: 'd' },
    ])
  })
})
