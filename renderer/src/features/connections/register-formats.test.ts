import { describe, expect, it } from 'vitest'
import { CELL_FORMATS, formatCell, parseCell, wordsOf } from './register-formats'

// Words as pymodbus lays them out for the test device (main/connectors/modbus/fixtures/register-map.json), worked out
// by hand from the IEEE 754 / two's complement bytes.
describe('register monitor cell formats', () => {
  it('shows one register as signed, unsigned, hex, binary and ASCII', () => {
    expect(formatCell('signed', [0xcfc7])).toBe('-12345')
    expect(formatCell('unsigned', [0xd431])).toBe('54321')
    expect(formatCell('hex', [500])).toBe('0x01F4')
    expect(formatCell('binary', [0xa005])).toBe('1010 0000 0000 0101')
    expect(formatCell('ascii', [0x4c69])).toBe('Li')
    expect(formatCell('ascii', [0x0041])).toBe('·A')
  })

  it('reads wide values in every byte order, and nothing when the range ends before the value does', () => {
    expect(formatCell('float32 ABCD', [0xbfc0, 0x0000])).toBe('-1.5')
    expect(formatCell('float32 CDAB', [0x0000, 0xbfc0])).toBe('-1.5')
    expect(formatCell('float32 BADC', [0xc0bf, 0x0000])).toBe('-1.5')
    expect(formatCell('float32 DCBA', [0x0000, 0xc0bf])).toBe('-1.5')
    expect(formatCell('int32 ABCD', [0xf8a4, 0x32eb])).toBe('-123456789')
    expect(formatCell('uint32 CDAB', [0x32eb, 0xf8a4])).toBe(String(0xf8a432eb))
    expect(formatCell('float64 ABCD', [0x4009, 0x21fb, 0x5444, 0x2d18])).toBe('3.14159265358979')
    expect(formatCell('float64 CDAB', [0x2d18, 0x5444, 0x21fb, 0x4009])).toBe('3.14159265358979')
    expect(formatCell('float32 ABCD', [0xbfc0])).toBeUndefined()
    expect(wordsOf('float64 DCBA')).toBe(4)
    expect(wordsOf('hex')).toBe(1)
  })

  it('turns typed text back into the same words, for every format', () => {
    const samples: Record<string, string> = { signed: '-2', unsigned: '65535', hex: '0xBEEF', binary: '1010 0101', ascii: 'OK' }
    for (const format of CELL_FORMATS) {
      const text = samples[format] ?? (format.startsWith('float') ? '-12.25' : format.startsWith('uint') ? '4000000000' : '-70000')
      const words = parseCell(format, text)
      expect(words).toHaveLength(wordsOf(format))
      expect(formatCell(format, words)).toBe(text === '0xBEEF' ? '0xBEEF' : text === '1010 0101' ? '0000 0000 1010 0101' : text)
    }
    expect(parseCell('float32 CDAB', '-1.5')).toEqual([0x0000, 0xbfc0])
    expect(parseCell('signed', '-1')).toEqual([0xffff])
    expect(parseCell('hex', '1f4')).toEqual([500])
  })

  it('says what a format takes when the text does not fit', () => {
    expect(() => parseCell('signed', '40000')).toThrow('40000 is outside a signed 16-bit value (-32768 … 32767)')
    expect(() => parseCell('unsigned', '1.5')).toThrow('an unsigned 16-bit value is a whole number from 0 to 65535')
    expect(() => parseCell('hex', '0x12345')).toThrow('Hex takes 1 to 4 hex digits')
    expect(() => parseCell('ascii', 'ABC')).toThrow('ASCII takes one or two characters')
    expect(() => parseCell('float32 ABCD', 'abc')).toThrow('float32 takes a number')
    expect(() => parseCell('float32 ABCD', '1e39')).toThrow('outside float32')
  })
})
