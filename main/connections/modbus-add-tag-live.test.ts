import { describe, expect, it } from 'vitest'
import type { ConnectionState, TagValue } from '../../preload/contract'
import { modbusDriverOf } from '../connectors/modbus'
import { REGISTER_MAP } from '../connectors/modbus/fixtures/pymodbus-server'
import { useModbusManager } from './modbus-manager.fixture'

const modbus = useModbusManager('add-tag-live')
const marker = REGISTER_MAP.unitMarkers

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('adding a tag to a running Modbus connection (pymodbus)', () => {
  it('keeps the link: no reconnect, counters and the traffic log keep counting, the new tag updates', async () => {
    const { id } = await modbus.addConnection({
      name: 'Live add',
      unitId: 1,
      scanRateMs: 100,
      tags: [{ name: 'First', address: `hr:${marker.offset}`, dataType: 'uint16' }],
    })
    const connector = modbus.registered.find((c) => c.id === id)!
    const states: ConnectionState[] = []
    connector.onStatus((s) => states.push(s.state))
    const values: TagValue[] = []
    connector.onValues((batch) => values.push(...batch))
    await modbus.manager.connect(id)
    const driver = modbusDriverOf(modbus.manager.driver(id))
    await until('a few polls', () => driver.counters().responses >= 3)
    const before = driver.counters()
    const framesBefore = driver.trafficLog().entries().length
    states.length = 0

    const detail = await modbus.manager.addTags(id, [
      { name: 'Second', address: `hr:${marker.offset}`, unitId: 2, dataType: 'uint16', byteOrder: 'ABCD', access: 'read' },
    ])
    expect(detail.tags.map((t) => t.name)).toEqual(['First', 'Second'])
    expect(detail.status.state).toBe('connected')
    // The same driver runs on: nothing was swapped, so nothing was reset.
    expect(modbus.manager.driver(id)).toBe(driver)

    await until('the new tag to update', () => values.some((v) => v.tagId === `${id}:Second` && v.value === marker.values['2']))
    await until('more replies', () => driver.counters().responses >= before.responses + 3)
    expect(driver.counters().requests).toBeGreaterThan(before.requests)
    expect(driver.trafficLog().entries().length).toBeGreaterThan(framesBefore)
    expect(states.filter((s) => s !== 'connected')).toEqual([])

    // Removing a tag stops its polls, again without a reconnect.
    await modbus.manager.removeTags(id, ['First'])
    expect(modbus.manager.driver(id)).toBe(driver)
    const afterRemove = driver.counters().responses
    values.length = 0
    await until('polls after the removal', () => driver.counters().responses >= afterRemove + 3)
    expect(values.every((v) => v.tagId === `${id}:Second`)).toBe(true)
    expect(states.filter((s) => s !== 'connected')).toEqual([])
  }, 60_000)

  it('an edit of the endpoint still rebuilds the driver (and keeps its counters)', async () => {
    const { id } = await modbus.addConnection({
      name: 'Live edit',
      scanRateMs: 100,
      tags: [{ name: 'First', address: `hr:${marker.offset}`, dataType: 'uint16' }],
    })
    await modbus.manager.connect(id)
    const driver = modbusDriverOf(modbus.manager.driver(id))
    await until('a poll', () => driver.counters().responses >= 1)
    const config = modbus.manager.config(id)
    await modbus.manager.update(id, { ...config, timeoutMs: 1500 } as typeof config)
    const next = modbusDriverOf(modbus.manager.driver(id))
    expect(next).not.toBe(driver)
    expect(next.counters().responses).toBeGreaterThanOrEqual(1)
  }, 60_000)
})
