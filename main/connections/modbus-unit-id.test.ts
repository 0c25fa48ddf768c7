import { describe, expect, it } from 'vitest'
import { modbusDriverOf } from '../connectors/modbus'
import { REGISTER_MAP } from '../connectors/modbus/fixtures/pymodbus-server'
import { useModbusManager } from './modbus-manager.fixture'

const modbus = useModbusManager('unit-id')
const marker = REGISTER_MAP.unitMarkers
const writable = REGISTER_MAP.writable.offset

describe('Modbus tags carry their own unit id (pymodbus with a different value on each unit)', () => {
  it('tags added from a scan of unit 2 read and write unit 2 on a unit-1 connection; the tag edit moves a tag to another unit', async () => {
    const { id } = await modbus.addConnection({
      name: 'Gateway',
      unitId: 1,
      tags: [{ name: 'MarkerDefault', address: `hr:${marker.offset}`, dataType: 'uint16' }],
    })
    // What "Add as tags" sends after a register scan of unit 2.
    const detail = await modbus.manager.addTags(id, [
      { name: 'MarkerUnit2', address: `hr:${marker.offset}`, unitId: 2, dataType: 'uint16', byteOrder: 'ABCD', access: 'read' },
      { name: 'SetpointUnit2', address: `hr:${writable}`, unitId: 2, dataType: 'uint16', byteOrder: 'ABCD', access: 'read-write' },
      { name: 'SetpointUnit1', address: `hr:${writable}`, dataType: 'uint16', byteOrder: 'ABCD', access: 'read' },
    ])
    expect(detail.tags.map((t) => [t.name, t.unitId])).toEqual([
      ['MarkerDefault', 1],
      ['MarkerUnit2', 2],
      ['SetpointUnit2', 2],
      ['SetpointUnit1', 1],
    ])
    await modbus.manager.connect(id)
    // Editing tags swaps the driver, so each read asks for the current one.
    const read = async (...names: string[]) => (await modbusDriverOf(modbus.manager.driver(id)).read(names.map((n) => `${id}:${n}`))).map((v) => v.value)
    expect(await read('MarkerDefault', 'MarkerUnit2')).toEqual([marker.values['1'], marker.values['2']])

    await modbusDriverOf(modbus.manager.driver(id)).write(`${id}:SetpointUnit2`, 4321)
    expect(await read('SetpointUnit2', 'SetpointUnit1')).toEqual([4321, 0])

    const moved = await modbus.manager.updateTag(id, 'MarkerUnit2', {
      name: 'MarkerUnit7',
      address: `hr:${marker.offset}`,
      unitId: 7,
      dataType: 'uint16',
      byteOrder: 'ABCD',
      access: 'read',
    })
    expect(moved.tags.find((t) => t.name === 'MarkerUnit7')?.unitId).toBe(7)
    expect(await read('MarkerUnit7')).toEqual([marker.values['7']])
    expect(modbus.manager.config(id).tags.find((t) => t.name === 'MarkerUnit7')).toMatchObject({ unitId: 7 })
  }, 30_000)

  it("refuses a tag edit that names a missing tag, takes another tag's name, or does not fit the protocol", async () => {
    const { id } = await modbus.addConnection({
      name: 'Edit checks',
      tags: [
        { name: 'A', address: 'hr:0', dataType: 'uint16' },
        { name: 'B', address: 'hr:1', dataType: 'uint16' },
      ],
    })
    const tag = { name: 'A', address: 'hr:0', dataType: 'uint16', byteOrder: 'ABCD', access: 'read' } as const
    await expect(modbus.manager.updateTag(id, 'Nope', tag)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no tag "Nope"') })
    await expect(modbus.manager.updateTag(id, 'A', { ...tag, name: 'B' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('already has a tag named "B"'),
    })
    await expect(modbus.manager.updateTag(id, 'A', { name: 'A', nodeId: 'ns=1;s=X' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('a modbus-tcp connection needs a modbus-tcp tag'),
    })
  })
})
