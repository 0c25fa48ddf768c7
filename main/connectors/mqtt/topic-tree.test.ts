import { describe, expect, it } from 'vitest'
import { encodeSparkplugPayload } from './sparkplug/sparkplug-codec'
import { describePayload, TopicTree } from './topic-tree'

describe('MQTT explorer topic tree', () => {
  it('coalesces many messages per topic into one change with the last payload', () => {
    const tree = new TopicTree()
    for (let i = 0; i < 1000; i++) tree.record('a/b', Buffer.from(`{"n":${i}}`), false, i)
    tree.record('a/c', Buffer.from('on'), true, 5)
    const changes = tree.takeChanges()
    expect(changes).toHaveLength(2)
    expect(changes.find((c) => c.topic === 'a/b')).toMatchObject({ count: 1000, lastPayload: '{"n":999}', lastTime: 999, retained: false })
    expect(changes.find((c) => c.topic === 'a/c')?.retained).toBe(true)
    expect(tree.takeChanges()).toHaveLength(0)
  })

  it('keeps memory bounded: topics beyond the limit are counted, not stored, and payloads are truncated', () => {
    const tree = new TopicTree(10)
    for (let i = 0; i < 100; i++) tree.record(`t/${i}`, Buffer.alloc(100_000, 65), false)
    expect(tree.totals()).toEqual({ topics: 10, messages: 100, droppedTopics: 90 })
    expect(tree.takeChanges().every((c) => c.lastPayload.length <= 2048)).toBe(true)
  })
})

describe('MQTT explorer payload display', () => {
  it('shows JSON as JSON, Sparkplug B decoded, and binary as hex', () => {
    expect(describePayload('a/b', Buffer.from('{"speed":{"value":1}}'))).toEqual({ text: '{"speed":{"value":1}}', format: 'json' })
    expect(describePayload('a/b', Buffer.from('RUNNING'))).toEqual({ text: 'RUNNING', format: 'text' })
    expect(describePayload('a/b', Buffer.from([0, 1, 0xff]))).toEqual({ text: '00 01 ff', format: 'binary' })
    const sp = encodeSparkplugPayload({ timestamp: 0, seq: 1, metrics: [{ name: 'Speed', alias: 3, datatype: 'Float', value: 2.5 }] })
    const shown = describePayload('spBv1.0/acme/DDATA/edge/filler', sp)
    expect(shown.format).toBe('sparkplug')
    expect(JSON.parse(shown.text)).toMatchObject({ seq: 1, metrics: [{ name: 'Speed', alias: 3, datatype: 'Float', value: 2.5 }] })
  })
})
