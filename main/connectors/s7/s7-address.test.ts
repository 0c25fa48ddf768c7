import { describe, expect, it } from 'vitest'
import { formatS7Address, parseS7Address } from './s7-address'
import { byteSize, decodeS7Value, encodeS7Value, parseS7DataType } from './s7-data-types'

describe('parseS7Address', () => {
  it('reads the addresses engineers type in TIA Portal and STEP 7', () => {
    const cases: [string, string | undefined, object][] = [
      ['DB1.DBX6.2', undefined, { area: 'DB', db: 1, offset: 6, bit: 2, dataType: { type: 'BOOL' }, size: 1 }],
      ['DB1.DBB7', undefined, { area: 'DB', db: 1, offset: 7, dataType: { type: 'BYTE' }, size: 1 }],
      ['DB1.DBW4', 'INT', { area: 'DB', db: 1, offset: 4, dataType: { type: 'INT' }, size: 2 }],
      ['db1.dbd0', 'Real', { area: 'DB', db: 1, offset: 0, dataType: { type: 'REAL' }, size: 4 }],
      ['%DB10.DBD8', undefined, { area: 'DB', db: 10, offset: 8, dataType: { type: 'DWORD' }, size: 4 }],
      ['M10.0', undefined, { area: 'M', db: 0, offset: 10, bit: 0, size: 1 }],
      ['MW20', undefined, { area: 'M', offset: 20, dataType: { type: 'WORD' }, size: 2 }],
      ['MD24', 'DINT', { area: 'M', offset: 24, dataType: { type: 'DINT' }, size: 4 }],
      ['I0.0', undefined, { area: 'I', offset: 0, bit: 0 }],
      ['IW64', undefined, { area: 'I', offset: 64, size: 2 }],
      ['Q0.1', undefined, { area: 'Q', offset: 0, bit: 1 }],
      ['QW80', undefined, { area: 'Q', offset: 80, size: 2 }],
      ['E1.7', undefined, { area: 'I', offset: 1, bit: 7 }],
      ['AW4', undefined, { area: 'Q', offset: 4, size: 2 }],
      ['DB1.DBB40', 'STRING[20]', { offset: 40, dataType: { type: 'STRING', length: 20 }, size: 22 }],
      ['DB1.DBB100', 'WSTRING[10]', { offset: 100, dataType: { type: 'WSTRING', length: 10 }, size: 24 }],
      ['DB1.DBD20', 'LREAL', { offset: 20, size: 8 }],
      ['DB1.DBB32', 'DT', { dataType: { type: 'DATE_AND_TIME' }, size: 8 }],
      ['DB1,REAL0', undefined, { area: 'DB', db: 1, offset: 0, dataType: { type: 'REAL' }, size: 4 }],
      ['DB1,X6.2', undefined, { area: 'DB', db: 1, offset: 6, bit: 2, dataType: { type: 'BOOL' } }],
      ['DB1,S10.20', undefined, { offset: 10, dataType: { type: 'STRING', length: 20 }, size: 22 }],
      ['DB2,DI8', 'DINT', { db: 2, offset: 8, dataType: { type: 'DINT' } }],
    ]
    for (const [address, type, expected] of cases) expect({ address, ...parseS7Address(address, type) }).toMatchObject({ address, ...expected })
  })

  it('says what is wrong with an address and how to write it', () => {
    const cases: [string, string | undefined, string][] = [
      ['DB1.DBX6.9', undefined, 'DB1.DBX6.9: bit must be 0–7'],
      ['DB1.DBX6', undefined, 'DB1.DBX6: a bit address needs its bit: DB1.DBX6.0 … .7'],
      ['DB1.DBW4', 'REAL', 'DB1.DBW4: REAL takes 4 bytes, this address covers 2 — use DB1.DBD4'],
      ['MD4', 'INT', 'MD4: INT takes 2 bytes, this address covers 4 — use MW4'],
      ['DB1.DBX0.0', 'INT', 'DB1.DBX0.0: a bit address holds a BOOL, not INT'],
      ['MW2', 'BOOL', 'MW2: a BOOL needs a bit address such as M2.0'],
      ['DB0.DBW0', undefined, 'DB0.DBW0: DB number must be 1–65535'],
      ['DB1', undefined, 'DB1: a DB address needs the variable in it'],
      ['DB1.W4', undefined, 'DB1.W4: after DBn. comes DBX<byte>.<bit>'],
      ['T5', undefined, 'T5: timers and counters (T/C/Z) are not supported'],
      ['X99', undefined, 'X99: not an S7 address — use DB1.DBX6.2'],
      ['MW2.3', undefined, 'MW2.3: only bit addresses (X) take a bit number — for a BOOL write M2.3'],
      ['DB1,REAL0', 'INT', "DB1,REAL0: the address says REAL but the tag's data type is INT — make them agree"],
      ['DB1,S10', undefined, 'DB1,S10: a nodes7 string is DB1,S<byte>.<length>'],
      ['DB1,Q4', undefined, 'DB1,Q4: "Q" is not a nodes7 type'],
      ['MW0', 'FLOAT', 'data type "FLOAT": use one of BOOL, BYTE'],
      ['MW0', 'INT[3]', 'data type "INT[3]": only STRING and WSTRING take a length in brackets'],
      ['', undefined, 'the address is empty'],
    ]
    for (const [address, type, message] of cases) expect(() => parseS7Address(address, type), address).toThrow(message)
  })

  it('writes an item back the canonical TIA Portal way', () => {
    expect(['DB1,X6.2', 'db1.dbd0', '%MW20', 'E0.1', 'AW4', 'DB1,S10.20'].map((a) => formatS7Address(parseS7Address(a)))).toEqual([
      'DB1.DBX6.2',
      'DB1.DBD0',
      'MW20',
      'I0.1',
      'QW4',
      'DB1.DBB10',
    ])
  })
})

describe('S7 data types', () => {
  it('sizes each type as S7 stores it, strings with their headers', () => {
    expect(
      ['BOOL', 'BYTE', 'CHAR', 'WORD', 'INT', 'DWORD', 'DINT', 'REAL', 'LREAL', 'TIME', 'DATE_AND_TIME', 'STRING[10]', 'STRING', 'WSTRING[10]'].map((t) =>
        byteSize(parseS7DataType(t)),
      ),
    ).toEqual([1, 1, 1, 2, 2, 4, 4, 4, 8, 4, 8, 12, 256, 24])
  })

  it('round-trips every type through its bytes', () => {
    const cases: [string, unknown][] = [
      ['BYTE', 255],
      ['SINT', -128],
      ['CHAR', 'A'],
      ['WORD', 0xbeef],
      ['INT', -2],
      ['DWORD', 0xffffffff],
      ['DINT', -2147483648],
      ['REAL', 1.5],
      ['LREAL', Math.PI],
      ['TIME', 86_400_000],
      ['DATE_AND_TIME', '2089-12-31T23:59:59.999'],
      ['STRING[5]', 'abcde'],
      ['WSTRING[3]', '日本語'],
    ]
    for (const [type, value] of cases) {
      const dataType = parseS7DataType(type)
      const bytes = new Uint8Array(byteSize(dataType))
      bytes.set(encodeS7Value(value, dataType))
      expect([type, decodeS7Value(bytes, dataType)]).toEqual([type, value])
    }
  })

  it('encodes DATE_AND_TIME as BCD with the weekday, and refuses what does not fit', () => {
    expect([...encodeS7Value('2024-05-01T10:20:30.456', { type: 'DATE_AND_TIME' })]).toEqual([0x24, 0x05, 0x01, 0x10, 0x20, 0x30, 0x45, 0x64])
    expect(() => encodeS7Value('yesterday', { type: 'DATE_AND_TIME' })).toThrow('DATE_AND_TIME takes YYYY-MM-DDTHH:MM:SS[.mmm]')
    expect(() => encodeS7Value('Ω', { type: 'STRING', length: 4 })).toThrow('STRING holds Latin-1 characters only; "Ω" is not one — use WSTRING')
    expect(() => encodeS7Value(256, { type: 'BYTE' })).toThrow('BYTE takes a whole number from 0 to 255, not 256')
    expect(() => encodeS7Value('maybe', { type: 'BOOL' })).toThrow('BOOL takes true/false or 1/0, not maybe')
  })
})
