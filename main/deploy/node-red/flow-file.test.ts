import { describe, expect, it } from 'vitest'
import { foreignIds, parseFlowFile } from './flow-file'

const options = { tabId: 'otw-tab', tabLabel: 'OT Workbench: Line 1', label: 'Node-RED http://gw:1880' }
const parse = (nodes: unknown): ReturnType<typeof parseFlowFile> => parseFlowFile(typeof nodes === 'string' ? nodes : JSON.stringify(nodes), options)

describe('a flow file a person brings', () => {
  it('moves a good export onto the workbench tab, keeping its own ids', () => {
    const nodes = parse([
      { id: 'ft', type: 'tab', label: 'mine' },
      { id: 'fi', type: 'inject', z: 'ft', wires: [['fd']] },
      { id: 'fd', type: 'debug', z: 'ft', wires: [] },
      { id: 'cfg', type: 'mqtt-broker', broker: '127.0.0.1' },
    ])
    expect(nodes.map((n) => [n.id, n.z])).toEqual([
      ['otw-tab', undefined],
      ['fi', 'otw-tab'],
      ['fd', 'otw-tab'],
      ['cfg', 'otw-tab'],
    ])
  })

  it.each([
    ['{not json', /the flow file is broken: not JSON .* — export the flow again from Node-RED/],
    ['{"flows": 3}', /no list of nodes/],
    [[1, 2], /entry 0 is not a node object/],
    [[[{ id: 'a', type: 'inject' }]], /entry 0 is not a node object/],
    [[{ id: '', type: 'inject' }], /entry 0 has the id "": an id is 1–100 visible characters/],
    [[{ id: 'a\u0000b', type: 'inject' }], /an id is 1–100 visible characters/],
    [[{ id: 'x'.repeat(101), type: 'inject' }], /an id is 1–100 visible characters/],
    [[{ id: 'a', type: '\n' }], /node a has the type "\\n": a type is 1–100 visible characters/],
    [[{ id: 'otw-tab', type: 'inject' }], /node otw-tab takes the id of the workbench's own tab/],
    [[{ id: 'a', type: 'inject', z: 7 }], /node a has a z \(its tab\) that is not a string/],
    [[{ id: 'a', type: 'inject', wires: 'b' }], /node a has wires that are not a list of outputs/],
    [[{ id: 'a', type: 'inject', wires: [[{ id: 'b' }]] }], /node a has wires that are not a list of outputs/],
    [[{ id: 'a', type: 'inject', wires: [['b']] }], /node a is wired to b, which is not in the file/],
    [[{ id: 'a', type: 'inject', z: 'someone-elses-tab' }], /node a sits on someone-elses-tab, which is not in the file/],
    [[{ id: 'g', type: 'global-config', env: [] }], /node g is the instance's global-config/],
    [
      [
        { id: 'a', type: 'inject' },
        { id: 'a', type: 'debug' },
      ],
      /node id a appears twice/,
    ],
    [
      [
        { id: 't1', type: 'tab' },
        { id: 't2', type: 'tab' },
      ],
      /it has 2 tabs; the workbench deploys one tab per target/,
    ],
    [[{ id: 's', type: 'subflow' }], /it uses subflows/],
    [Array.from({ length: 20_001 }, (_, i) => ({ id: `n${i}`, type: 'inject' })), /it has 20001 entries; a flow file may have at most 20000 nodes/],
  ])('refuses %j with what is wrong and what to do', (file, message) => {
    expect(() => parse(file)).toThrow(message)
  })

  it('a "__proto__" key stays a plain property and pollutes nothing', () => {
    const nodes = parse('[{"id":"a","type":"inject","__proto__":{"polluted":true}}]')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(nodes[1]!.id).toBe('a')
  })

  it('names the ids that belong to other flows on the gateway', () => {
    const desired = parse([
      { id: 'shared', type: 'inject' },
      { id: 'own', type: 'debug' },
    ])
    const running = [
      { id: 'flow1', type: 'tab' },
      { id: 'shared', type: 'inject', z: 'flow1' },
      { id: 'own', type: 'debug', z: 'otw-tab' },
    ]
    expect(foreignIds(desired, running, 'otw-tab').map((n) => n.id)).toEqual(['shared'])
  })
})
