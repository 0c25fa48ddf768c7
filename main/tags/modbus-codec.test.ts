import { describe, it, expect } from 'vitest'
import { decodeRegisters, decodeTagValue, encodeRegisters, encodeTagValue, registerCount, setBitInRegister, type RawValue } from './modbus-codec'
import { BYTE_ORDERS, DATA_TYPES, type ByteOrder, type DataType } from './tag'

type Vectors = Record<ByteOrder, number[]>
const cases: { dataType: DataType; value: RawValue; words: Vectors; stringLength?: number }[] = [
  {
    dataType: 'float32',
    value: Math.fround(123.456),
    words: { ABCD: [0x42f6, 0xe979], BADC: [0xf642, 0x79e9], CDAB: [0xe979, 0x42f6], DCBA: [0x79e9, 0xf642] },
  },
  {
    dataType: 'int32',
    value: -2,
    words: { ABCD: [0xffff, 0xfffe], BADC: [0xffff, 0xfeff], CDAB: [0xfffe, 0xffff], DCBA: [0xfeff, 0xffff] },
  },
  {
    dataType: 'uint32',
    value: 0x12345678,
    words: { ABCD: [0x1234, 0x5678], BADC: [0x3412, 0x7856], CDAB: [0x5678, 0x1234], DCBA: [0x7856, 0x3412] },
  },
  {
    dataType: 'int16',
    value: -2,
    words: { ABCD: [0xfffe], BADC: [0xfeff], CDAB: [0xfffe], DCBA: [0xfeff] },
  },
  {
    dataType: 'uint16',
    value: 0x1234,
    words: { ABCD: [0x1234], BADC: [0x3412], CDAB: [0x1234], DCBA: [0x3412] },
  },
  {
    dataType: 'int64',
    value: 0x0102030405060708n,
    words: {
      ABCD: [0x0102, 0x0304, 0x0506, 0x0708],
      BADC: [0x0201, 0x0403, 0x0605, 0x0807],
      CDAB: [0x0708, 0x0506, 0x0304, 0x0102],
      DCBA: [0x0807, 0x0605, 0x0403, 0x0201],
    },
  },
  {
    dataType: 'int64',
    value: -2n,
    words: {
      ABCD: [0xffff, 0xffff, 0xffff, 0xfffe],
      BADC: [0xffff, 0xffff, 0xffff, 0xfeff],
      CDAB: [0xfffe, 0xffff, 0xffff, 0xffff],
      DCBA: [0xfeff, 0xffff, 0xffff, 0xffff],
    },
  },
  {
    dataType: 'uint64',
    value: 0xfedcba9876543210n,
    words: {
      ABCD: [0xfedc, 0xba98, 0x7654, 0x3210],
      BADC: [0xdcfe, 0x98ba, 0x5476, 0x1032],
      CDAB: [0x3210, 0x7654, 0xba98, 0xfedc],
      DCBA: [0x1032, 0x5476, 0x98ba, 0xdcfe],
    },
  },
  {
    dataType: 'float64',
    value: 1,
    words: { ABCD: [0x3ff0, 0, 0, 0], BADC: [0xf03f, 0, 0, 0], CDAB: [0, 0, 0, 0x3ff0], DCBA: [0, 0, 0, 0xf03f] },
  },
  {
    dataType: 'float64',
    value: 123.456,
    words: {
      ABCD: [0x405e, 0xdd2f, 0x1a9f, 0xbe77],
      BADC: [0x5e40, 0x2fdd, 0x9f1a, 0x77be],
      CDAB: [0xbe77, 0x1a9f, 0xdd2f, 0x405e],
      DCBA: [0x77be, 0x9f1a, 0x2fdd, 0x5e40],
    },
  },
  {
    dataType: 'string',
    stringLength: 2,
    value: 'ABC',
    words: { ABCD: [0x4142, 0x4300], BADC: [0x4241, 0x0043], CDAB: [0x4142, 0x4300], DCBA: [0x4241, 0x0043] },
  },
  {
    dataType: 'bool',
    value: true,
    words: { ABCD: [1], BADC: [1], CDAB: [1], DCBA: [1] },
  },
]

describe('modbus codec: hand-written vectors, every type × byte order', () => {
  for (const c of cases) {
    for (const byteOrder of BYTE_ORDERS) {
      const format = { dataType: c.dataType, byteOrder, stringLength: c.stringLength }
      it(`${c.dataType} ${String(c.value)} ${byteOrder}`, () => {
        expect(encodeRegisters(c.value, format)).toEqual(c.words[byteOrder])
        expect(decodeRegisters(c.words[byteOrder], format)).toEqual(c.value)
      })
    }
  }

  it('covers every data type', () => {
    expect(new Set(cases.map((c) => c.dataType))).toEqual(new Set(DATA_TYPES))
  })

  it('accepts the 64-bit byte order names through the tag schema', async () => {
    const { ByteOrder } = await import('./tag')
    expect(ByteOrder.parse('GHEFCDAB')).toBe('CDAB')
    expect(ByteOrder.parse('hgfedcba')).toBe('DCBA')
  })
})

// Small deterministic PRNG so failures reproduce.
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function randomValue(dataType: DataType, next: () => number): RawValue {
  const word = () => Math.floor(next() * 65536)
  const big = (words: number) => Array.from({ length: words }, word).reduce((acc, w) => (acc << 16n) | BigInt(w), 0n)
  switch (dataType) {
    case 'bool':
      return next() < 0.5
    case 'int16':
      return word() - 32768
    case 'uint16':
      return word()
    case 'int32':
      return word() * 65536 + word() - 2 ** 31
    case 'uint32':
      return word() * 65536 + word()
    case 'int64':
      return BigInt.asIntN(64, big(4))
    case 'uint64':
      return big(4)
    case 'float32':
      return Math.fround((next() - 0.5) * 10 ** Math.floor(next() * 60 - 30))
    case 'float64':
      return (next() - 0.5) * 10 ** Math.floor(next() * 600 - 300)
    case 'string':
      return Array.from({ length: Math.floor(next() * 9) }, () => String.fromCharCode(32 + Math.floor(next() * 200))).join('')
  }
}

describe('modbus codec: decode ∘ encode is the identity on random values', () => {
  const next = random(42)
  for (const dataType of DATA_TYPES) {
    for (const byteOrder of BYTE_ORDERS) {
      it(`${dataType} ${byteOrder}`, () => {
        const format = { dataType, byteOrder, stringLength: 5 }
        // Collect mismatches and assert once: thousands of expect() calls slow the suite down.
        const mismatches: string[] = []
        for (let i = 0; i < 500; i++) {
          const value = randomValue(dataType, next)
          const words = encodeRegisters(value, format)
          const decoded = decodeRegisters(words, format)
          const same = typeof value === 'number' && Number.isNaN(value) ? Number.isNaN(decoded) : decoded === value
          if (!same || words.length !== registerCount(format)) mismatches.push(`${String(value)} → [${words}] → ${String(decoded)}`)
        }
        expect(mismatches).toEqual([])
      })
    }
  }

  it('NaN and infinities survive float round trips', () => {
    for (const value of [NaN, Infinity, -Infinity]) {
      expect(decodeRegisters(encodeRegisters(value, { dataType: 'float32' }), { dataType: 'float32' })).toEqual(value)
      expect(decodeRegisters(encodeRegisters(value, { dataType: 'float64', byteOrder: 'DCBA' }), { dataType: 'float64', byteOrder: 'DCBA' })).toEqual(value)
    }
  })
})

describe('modbus codec: range checks for writes', () => {
  it('rejects values that do not fit, saying the valid range', () => {
    expect(() => encodeRegisters(70000, { dataType: 'uint16' })).toThrow('value 70000 does not fit uint16 (0..65535)')
    expect(() => encodeRegisters(-1, { dataType: 'uint32' })).toThrow('value -1 does not fit uint32 (0..4294967295)')
    expect(() => encodeRegisters(32768, { dataType: 'int16' })).toThrow('does not fit int16 (-32768..32767)')
    expect(() => encodeRegisters(2n ** 63n, { dataType: 'int64' })).toThrow('does not fit int64')
    expect(() => encodeRegisters(1e39, { dataType: 'float32' })).toThrow('does not fit float32')
    expect(() => encodeRegisters(1.5, { dataType: 'int32' })).toThrow('not a whole number')
    expect(() => encodeRegisters('abc', { dataType: 'int16' })).toThrow('not a whole number')
    expect(() => encodeRegisters('toolong', { dataType: 'string', stringLength: 3 })).toThrow(
      'text of 7 characters does not fit string of 3 registers (6 characters)',
    )
    expect(() => encodeRegisters('€', { dataType: 'string', stringLength: 1 })).toThrow('not Latin-1')
  })

  it('accepts limits exactly and 64-bit values as decimal strings', () => {
    expect(encodeRegisters(65535, { dataType: 'uint16' })).toEqual([0xffff])
    expect(encodeRegisters(-32768, { dataType: 'int16' })).toEqual([0x8000])
    expect(encodeRegisters('18446744073709551615', { dataType: 'uint64' })).toEqual([0xffff, 0xffff, 0xffff, 0xffff])
  })

  it('rejects byte orders that were not normalised', () => {
    expect(() => decodeRegisters([0, 0, 0, 0], { dataType: 'int64', byteOrder: 'GHEFCDAB' as 'CDAB' })).toThrow('byte order "GHEFCDAB" is not one of ABCD')
  })

  it('rejects register blocks of the wrong size or with non-16-bit words', () => {
    expect(() => decodeRegisters([1], { dataType: 'int32' })).toThrow('int32 needs 2 register(s), got 1')
    expect(() => decodeRegisters([70000], { dataType: 'uint16' })).toThrow('not a 16-bit word')
  })
})

describe('modbus codec: bits, coils and tags', () => {
  it('reads and writes a bit in a register without touching the others', () => {
    expect(decodeRegisters([0b1000], { dataType: 'bool', bit: 3 })).toBe(true)
    expect(decodeRegisters([0b1000], { dataType: 'bool', bit: 2 })).toBe(false)
    expect(setBitInRegister(0xff00, 3, true)).toBe(0xff08)
    expect(setBitInRegister(0xffff, 15, false)).toBe(0x7fff)
    expect(() => encodeRegisters(true, { dataType: 'bool', bit: 3 })).toThrow('setBitInRegister')
  })

  const base = { name: 'Speed', byteOrder: 'ABCD' as const, stringLength: undefined, range: undefined, scaling: undefined }

  it('decodes coils, bits and scaled registers for a tag', () => {
    expect(decodeTagValue([true], { ...base, address: 'co:5', dataType: 'bool' })).toBe(true)
    expect(decodeTagValue([0], { ...base, address: '10001', dataType: 'bool' })).toBe(false)
    expect(() => decodeTagValue([], { ...base, address: 'co:5', dataType: 'bool' })).toThrow('needs exactly 1 bit, got 0')
    expect(() => decodeTagValue([1], { ...base, address: 'co:5', dataType: 'int16' })).toThrow('data type must be bool')
    expect(decodeTagValue([0x0010], { ...base, address: '40001.4', dataType: 'bool' })).toBe(true)
    const scaled = { ...base, address: 'hr:0', dataType: 'uint16' as const, scaling: { rawLow: 0, rawHigh: 4000, engLow: 0, engHigh: 100 } }
    expect(decodeTagValue([2000], scaled)).toBe(50)
    expect(decodeTagValue([0xffff, 0xffff, 0xffff, 0xffff], { ...base, address: 'hr:0', dataType: 'uint64' })).toBe('18446744073709551615')
    expect(decodeTagValue([0, 0, 0, 7], { ...base, address: 'hr:0', dataType: 'int64' })).toBe(7)
  })

  it('encodes writes for a tag with scaling, range and bit', () => {
    const scaled = {
      ...base,
      address: 'hr:0',
      dataType: 'uint16' as const,
      scaling: { rawLow: 0, rawHigh: 4000, engLow: 0, engHigh: 100 },
    }
    expect(encodeTagValue(50, scaled)).toEqual([2000])
    expect(encodeTagValue(12.3456, scaled)).toEqual([494])
    expect(() => encodeTagValue(2000, scaled)).toThrow('tag "Speed" (hr:0): value 2000 is raw 80000 after scaling: value 80000 does not fit uint16 (0..65535)')
    const ranged = { ...base, address: 'hr:0', dataType: 'int16' as const, range: { low: 0, high: 100 } }
    expect(() => encodeTagValue(150, ranged)).toThrow('outside the engineering range 0..100')
    expect(encodeTagValue(true, { ...base, address: 'hr:0.3', dataType: 'bool' }, 0x0100)).toEqual([0x0108])
    expect(() => encodeTagValue(true, { ...base, address: 'hr:0.3', dataType: 'bool' })).toThrow('current value')
    expect(encodeTagValue(false, { ...base, address: '00001', dataType: 'bool' })).toEqual([0])
  })
})
