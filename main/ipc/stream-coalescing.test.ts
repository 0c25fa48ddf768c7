import { describe, expect, it } from 'vitest'
import { coalescingFor } from './stream-coalescing'

const value = (tagId: string, v: number) => ({ tagId, value: v, quality: { status: 'good' }, sourceTime: v, receiveTime: v })

describe('stream coalescing', () => {
  it('merges live batches into the newest value of every tag of either batch', () => {
    const live = coalescingFor('live.values')
    expect(live.merge([value('A', 1), value('B', 1)], [value('B', 2), value('C', 2)])).toEqual([value('A', 1), value('B', 2), value('C', 2)])
  })

  it('holds only progress for task streams and nothing but progress for streams it does not know', () => {
    for (const channel of ['history.export', 'modbus.scanRange', 'notices', 'mqtt.explore']) {
      expect(coalescingFor(channel).canHold({ kind: 'progress', done: 1, total: 2 })).toBe(true)
      expect(coalescingFor(channel).canHold({ kind: 'done' })).toBe(false)
    }
    expect(coalescingFor('notices').canHold({ level: 'info', text: 'x' })).toBe(false)
    expect(coalescingFor('toString').canHold({})).toBe(false)
  })
})
