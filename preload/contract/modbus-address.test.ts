import { describe, it, expect } from 'vitest'
import { MODBUS_TABLES, formatBoth, formatModicon, formatOffset, parseModbusAddress, type ModbusAddress } from './modbus-address'

describe('modbus addresses: parsing', () => {
  it('reads explicit 0-based offsets', () => {
    expect(parseModbusAddress('hr:99')).toEqual({ table: 'hr', offset: 99 })
    expect(parseModbusAddress(' IR:0 ')).toEqual({ table: 'ir', offset: 0 })
    expect(parseModbusAddress('co:0')).toEqual({ table: 'co', offset: 0 })
    expect(parseModbusAddress('di:65535')).toEqual({ table: 'di', offset: 65535 })
    expect(parseModbusAddress('hr:10.15')).toEqual({ table: 'hr', offset: 10, bit: 15 })
  })

  it('reads 1-based Modicon numbers as offset = number - 1', () => {
    expect(parseModbusAddress('40001')).toEqual({ table: 'hr', offset: 0 })
    expect(parseModbusAddress('40100')).toEqual({ table: 'hr', offset: 99 })
    expect(parseModbusAddress('30001')).toEqual({ table: 'ir', offset: 0 })
    expect(parseModbusAddress('00001')).toEqual({ table: 'co', offset: 0 })
    expect(parseModbusAddress('10001')).toEqual({ table: 'di', offset: 0 })
    expect(parseModbusAddress('49999')).toEqual({ table: 'hr', offset: 9998 })
    expect(parseModbusAddress('400001')).toEqual({ table: 'hr', offset: 0 })
    expect(parseModbusAddress('465536')).toEqual({ table: 'hr', offset: 65535 })
    expect(parseModbusAddress('000001')).toEqual({ table: 'co', offset: 0 })
    expect(parseModbusAddress('40001.3')).toEqual({ table: 'hr', offset: 0, bit: 3 })
  })

  it.each([
    ['40000', 'starts at 40001 (= hr:0)'],
    ['400000', 'starts at 400001 (= hr:0)'],
    ['465537', 'above 65536'],
    ['20001', 'first digit 2 is not a table'],
    ['4001', '4 digits'],
    ['99', 'needs a table, e.g. hr:99'],
    ['hr:65536', 'offset 65536 is above 65535'],
    ['hr:1.16', 'bit 16 is outside 0..15'],
    ['co:1.2', 'coil is a single bit already'],
    ['00001.1', 'coil is a single bit already'],
    ['xx:1', 'not a recognised address'],
    ['hr:-1', 'not a recognised address'],
    ['', 'not a recognised address'],
  ])('rejects %j saying why (%s) and what is valid', (input, problem) => {
    expect(() => parseModbusAddress(input)).toThrow(problem)
    expect(() => parseModbusAddress(input)).toThrow('valid forms: hr:99')
  })
})

describe('modbus addresses: formatting', () => {
  it('shows both conventions side by side', () => {
    expect(formatBoth({ table: 'hr', offset: 99 })).toBe('hr:99 (40100)')
    expect(formatBoth({ table: 'co', offset: 0 })).toBe('co:0 (00001)')
    expect(formatBoth({ table: 'ir', offset: 9999 })).toBe('ir:9999 (310000)')
    expect(formatBoth({ table: 'hr', offset: 0, bit: 3 })).toBe('hr:0.3 (40001.3)')
    expect(formatModicon({ table: 'di', offset: 0 }, 6)).toBe('100001')
  })

  it('round-trips every table at the edges of both numbering forms', () => {
    for (const table of MODBUS_TABLES) {
      for (const offset of [0, 1, 9997, 9998, 9999, 10000, 65534, 65535]) {
        const address: ModbusAddress = { table, offset }
        expect(parseModbusAddress(formatOffset(address))).toEqual(address)
        expect(parseModbusAddress(formatModicon(address))).toEqual(address)
        expect(parseModbusAddress(formatModicon(address, 6))).toEqual(address)
      }
    }
  })

  it('round-trips bits in registers', () => {
    for (const bit of [0, 7, 15]) {
      const address: ModbusAddress = { table: 'ir', offset: 12345, bit }
      expect(parseModbusAddress(formatOffset(address))).toEqual(address)
      expect(parseModbusAddress(formatModicon(address))).toEqual(address)
    }
  })
})
