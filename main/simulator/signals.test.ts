import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MACHINE_IDS } from './plant-model'
import { findSignal, machineTopics, modiconNumber, SIGNALS, signalsOf } from './signals'

describe('signal catalog', () => {
  it('has unique ids, OPC UA node ids in namespace 1 and ISA-95 paths', () => {
    expect(new Set(SIGNALS.map((signal) => signal.id)).size).toBe(SIGNALS.length)
    for (const signal of SIGNALS) {
      expect(signal.opcua.nodeId).toBe(`ns=1;s=${signal.id}`)
      expect(signal.isa95.path).toBe(`Acme/Plant1/Packaging/Line1/${signal.machine}`)
      expect(signal.range.low).toBeLessThan(signal.range.high)
      expect(signal.mqtt.topic).toBe(machineTopics(signal.machine).telemetry)
    }
    expect(findSignal('Line1.Filler.Speed')?.unit).toBe('bpm')
    for (const machine of MACHINE_IDS) expect(signalsOf(machine)).toHaveLength(SIGNALS.length / MACHINE_IDS.length)
  })

  it('never maps two signals onto the same Modbus bit or register', () => {
    const used = new Map<string, string>()
    for (const signal of SIGNALS) {
      const { table, offset, registerCount } = signal.modbus
      for (let i = 0; i < Math.max(1, registerCount); i++) {
        const key = `${table}:${offset + i}`
        expect(used.get(key), `${key} used by ${signal.id}`).toBeUndefined()
        used.set(key, signal.id)
      }
    }
  })

  it('mixes the register types and byte orders the workbench must handle', () => {
    const kinds = new Set(SIGNALS.map((signal) => `${signal.modbus.type}/${signal.modbus.registerCount === 2 ? signal.modbus.byteOrder : '-'}`))
    for (const kind of ['int16/-', 'uint16/-', 'int32/ABCD', 'uint32/CDAB', 'float32/ABCD', 'float32/CDAB', 'bool/-']) {
      expect(kinds).toContain(kind)
    }
    expect(new Set(SIGNALS.map((signal) => signal.modbus.table))).toEqual(new Set(['co', 'di', 'ir', 'hr']))
  })

  it('numbers Modicon addresses from 1', () => {
    expect(modiconNumber('hr', 0)).toBe('40001')
    expect(modiconNumber('ir', 106)).toBe('30107')
    expect(modiconNumber('co', 0)).toBe('00001')
    expect(modiconNumber('di', 201)).toBe('10202')
  })

  it('is fully documented in REGISTER-MAP.md', () => {
    const doc = readFileSync(new URL('./REGISTER-MAP.md', import.meta.url), 'utf8')
    for (const signal of SIGNALS) {
      const row = doc.split('\n').find((line) => line.includes(`\`${signal.id}\``))
      expect(row, `${signal.id} missing from REGISTER-MAP.md`).toBeDefined()
      expect(row).toContain(signal.modbus.modicon)
      // The first cell is the offset (or the first of a range); Prettier pads the table.
      expect(row).toMatch(new RegExp(`^\\|\\s*${signal.modbus.offset}(–\\d+)?\\s*\\|`))
    }
  })
})
