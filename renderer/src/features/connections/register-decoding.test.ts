import { describe, expect, it } from 'vitest'
import { decodeRegister, formatFloat, hex16, int16, modicon } from './register-decoding'

describe('register decoding for the scan results', () => {
  it('shows one register as hex, unsigned and signed', () => {
    expect(hex16(0x1f4)).toBe('01F4')
    expect(int16(0xcfc7)).toBe(-12345)
    expect(decodeRegister(54321, undefined)).toEqual({ hex: 'D431', uint16: 54321, int16: -11215 })
  })

  it('reads a pair as int32 and float32 in both word orders', () => {
    // 123.456 as float32 is 0x42F6E979: ABCD = 42F6 E979, CDAB = E979 42F6.
    expect(decodeRegister(0x42f6, 0xe979)).toMatchObject({ float32: '123.456', int32: 0x42f6e979, uint32: 0x42f6e979 })
    expect(decodeRegister(0xe979, 0x42f6)).toMatchObject({ float32Swapped: '123.456' })
    // -123456789 as int32 ABCD = F8A4 32EB.
    expect(decodeRegister(0xf8a4, 0x32eb).int32).toBe(-123456789)
  })

  it('keeps floats readable', () => {
    expect(formatFloat(0)).toBe('0')
    expect(formatFloat(1e-38)).toBe('1.0000e-38')
    expect(formatFloat(Number.NaN)).toBe('NaN')
  })

  it('names offsets in Modicon notation, 5 or 6 digits', () => {
    expect(modicon('hr', 0)).toBe('40001')
    expect(modicon('hr', 9998)).toBe('49999')
    expect(modicon('hr', 9999)).toBe('410000')
    expect(modicon('co', 0)).toBe('00001')
    expect(modicon('di', 4)).toBe('10005')
    expect(modicon('ir', 9)).toBe('30010')
  })
})
