import { describe, expect, it } from 'vitest'
import { TopicTree } from './topic-tree'

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
