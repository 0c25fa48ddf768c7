import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDbSource } from './db-source'
import { S7Connector } from './s7-connector'
import { startSnap7Peer, type Snap7Peer } from './snap7-peer.fixture'
import { parseTagTable } from './tag-table'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')
const lineData = () => parseDbSource(fixture('Line_Data.db'), { Line_Data: 7 })[0]!

/** Worked by hand from the S7 rules (BOOLs by bit, bytes anywhere, the rest and structs/arrays on even bytes). */
const HAND_LAYOUT: [string, string, string][] = [
  ['Running', 'DB7.DBX0.0', 'BOOL'],
  ['Fault', 'DB7.DBX0.1', 'BOOL'],
  ['Mode', 'DB7.DBB1', 'BYTE'],
  ['Speed', 'DB7.DBD2', 'REAL'],
  ['Count', 'DB7.DBW6', 'INT'],
  ...Array.from({ length: 10 }, (_, i): [string, string, string] => [`Flags[${i}]`, `DB7.DBX${8 + (i >> 3)}.${i & 7}`, 'BOOL']),
  ['Code', 'DB7.DBB10', 'CHAR'],
  ['Name', 'DB7.DBB12', 'STRING[5]'],
  ['Next', 'DB7.DBB19', 'BYTE'],
  ['Setup.Min', 'DB7.DBW20', 'INT'],
  ['Setup.Enabled', 'DB7.DBX22.0', 'BOOL'],
  ['Total', 'DB7.DBD24', 'DINT'],
  ['Axis[1].Pos', 'DB7.DBD28', 'REAL'],
  ['Axis[1].Homed', 'DB7.DBX32.0', 'BOOL'],
  ['Axis[2].Pos', 'DB7.DBD34', 'REAL'],
  ['Axis[2].Homed', 'DB7.DBX38.0', 'BOOL'],
  ['Grid[0,0]', 'DB7.DBW40', 'INT'],
  ['Grid[0,1]', 'DB7.DBW42', 'INT'],
  ['Grid[1,0]', 'DB7.DBW44', 'INT'],
  ['Grid[1,1]', 'DB7.DBW46', 'INT'],
  ['Label', 'DB7.DBB48', 'WSTRING[3]'],
  ['Stamp', 'DB7.DBB58', 'DATE_AND_TIME'],
  ['Day', 'DB7.DBW66', 'UINT'],
  ['Ratio', 'DB7.DBB76', 'LREAL'],
]

describe('parseDbSource', () => {
  it('computes the absolute offsets of a non-optimized DB by the S7 alignment rules', () => {
    const layout = lineData()
    expect(layout).toMatchObject({ name: 'Line_Data', dbNumber: 7, size: 84 })
    expect(layout.tags.map((t) => [t.name, t.address, t.dataType])).toEqual(HAND_LAYOUT)
    expect(layout.skipped).toEqual([{ name: 'Big', declaredType: 'LINT', offset: 68, reason: 'LINT has no decoder in the S7 connector yet' }])
    expect(layout.tags.find((t) => t.name === 'Running')).toMatchObject({ path: ['Line_Data'], comment: 'line runs', offset: 0, bit: 0 })
    expect(layout.tags.find((t) => t.name === 'Axis[2].Pos')).toMatchObject({ path: ['Line_Data', 'Axis[2]'], comment: 'position in mm' })
    expect(layout.tags.find((t) => t.name === 'Day')).toMatchObject({ declaredType: 'DATE', comment: 'DATE read as UINT (days since 1990-01-01)' })
  })

  it('lays out a STEP 7 classic source with its DB number and a struct that ends on an odd byte', () => {
    const [layout] = parseDbSource(`DATA_BLOCK DB 12
TITLE =
VERSION : 0.1
  STRUCT
    A : BOOL ;
    S : STRUCT
      B : BYTE ;
    END_STRUCT ;
    C : BYTE ;
    D : ARRAY [1 .. 3 ] OF BYTE ;
    E : BYTE ;
    F : STRING [3 ] ;
    G : BYTE ;
  END_STRUCT ;
BEGIN
END_DATA_BLOCK`)
    expect(layout!.tags.map((t) => [t.name, t.address])).toEqual([
      ['A', 'DB12.DBX0.0'],
      ['S.B', 'DB12.DBB2'],
      ['C', 'DB12.DBB4'],
      ['D[1]', 'DB12.DBB6'],
      ['D[2]', 'DB12.DBB7'],
      ['D[3]', 'DB12.DBB8'],
      ['E', 'DB12.DBB10'],
      ['F', 'DB12.DBB12'],
      ['G', 'DB12.DBB17'],
    ])
    expect(layout!.size).toBe(18)
  })

  it('says what to do with optimized DBs, missing DB numbers, unknown UDTs and broken syntax', () => {
    const db = (header: string, body = 'X : Int;') => `DATA_BLOCK "D"\n${header}\nSTRUCT\n${body}\nEND_STRUCT;\nBEGIN\nEND_DATA_BLOCK`
    expect(() => parseDbSource(db("{ S7_Optimized_Access := 'TRUE' }"), { D: 1 })).toThrow(
      'DB source line 1: DB "D" uses optimized block access, so its variables have no fixed offsets — untick "Optimized block access"',
    )
    expect(() => parseDbSource(db(''))).toThrow('the source names DB "D" but not its number — give the number')
    expect(() => parseDbSource(db('', 'X : "UDT_Missing";'), { D: 1 })).toThrow('DB source line 4: "UDT_Missing" is not defined in this file')
    expect(() => parseDbSource(db('', 'X : Float;'), { D: 1 })).toThrow('DB source line 4: "Float" is not an S7 data type the layout knows')
    expect(() => parseDbSource(db('', 'X Int;'), { D: 1 })).toThrow('DB source line 4: expected ":" after X, found "Int"')
    expect(() => parseDbSource(db('', 'X : Array[0..99999] of Bool;'), { D: 1 })).toThrow(
      'DB source line 4: X has 100000 elements; one import takes at most 20000 tags',
    )
    expect(() => parseDbSource('FUNCTION_BLOCK "FB1"')).toThrow('expected DATA_BLOCK or TYPE, found "FUNCTION_BLOCK"')
    expect(() => parseDbSource(`DATA_BLOCK "Inst"\nVERSION : 0.1\n"FB_Motor"\nBEGIN\nEND_DATA_BLOCK`, { Inst: 3 })).toThrow(
      'DB "Inst" is built on "FB_Motor", which this file does not define',
    )
  })
})

describe('parseTagTable', () => {
  it('reads a TIA Portal PLC tag table saved as CSV and reports the rows it cannot use', () => {
    const table = parseTagTable(fixture('PLC_Tags.csv'))
    expect(table.tags.map((t) => [t.name, t.address, t.dataType, t.path[0]])).toEqual([
      ['Start_PB', 'I0.0', 'BOOL', 'Default tag table'],
      ['Motor_On', 'Q0.1', 'BOOL', 'Default tag table'],
      ['Speed_SP', 'MD24', 'REAL', 'Motors'],
      ['Count', 'MW20', 'INT', 'Motors'],
      ['Analog_In', 'IW64', 'INT', 'Default tag table'],
      ['Valve_Cmd', 'QW80', 'WORD', 'Default tag table'],
      ['Line_Running', 'DB1.DBX0.0', 'BOOL', 'Default tag table'],
      ['Clock_Byte', 'MB100', 'BYTE', 'Default tag table'],
    ])
    expect(table.tags[0]).toMatchObject({ comment: 'Start push button', hmiWriteable: false })
    expect(table.problems).toEqual([{ line: 9, name: 'Broken', problem: '%M10.8: bit must be 0–7' }])
    expect(() => parseTagTable('Tag,Address\nA,MW0')).toThrow('the header has no "Name", "Data Type", "Logical Address" column')
  })
})

describe('imported tags against the Snap7 server', () => {
  let peer: Snap7Peer
  let connector: S7Connector | undefined

  beforeAll(async () => {
    const db7 = Buffer.alloc(84)
    db7[0] = 0b10 // Fault
    db7[1] = 3
    db7.writeFloatBE(1.5, 2)
    db7.writeInt16BE(-7, 6)
    db7[9] = 0b10 // Flags[9]
    db7[10] = 'A'.charCodeAt(0)
    Buffer.from([5, 3, 0x61, 0x62, 0x63]).copy(db7, 12)
    db7[19] = 0x19
    db7.writeInt16BE(-5, 20)
    db7[22] = 1
    db7.writeInt32BE(100000, 24)
    db7.writeFloatBE(12.25, 34)
    db7[38] = 1
    db7.writeInt16BE(11, 46)
    Buffer.from([0, 3, 0, 2, 0, 0x4f, 0, 0x4b]).copy(db7, 48)
    Buffer.from([0x24, 0x05, 0x01, 0x10, 0x20, 0x30, 0x45, 0x64]).copy(db7, 58)
    db7.writeUInt16BE(12539, 66)
    db7.writeDoubleBE(0.125, 76)
    peer = await startSnap7Peer({ dbs: { 7: db7 } })
  })

  afterAll(async () => {
    await connector?.disconnect()
    await peer?.stop()
  })

  it('reads the values the server holds at the offsets the DB source gave', async () => {
    const { tags } = lineData()
    connector = new S7Connector({
      id: 'line',
      name: 'Line PLC',
      endpoint: peer.url,
      defaultScanRateMs: 3_600_000,
      tags: tags.map((t) => ({ id: t.name, name: t.name, address: t.address, dataType: t.dataType, path: t.path })),
    })
    await connector.connect()
    const values = await connector.read(tags.map((t) => t.name))
    const byName = Object.fromEntries(values.map((v) => [v.tagId, v.value]))
    expect(byName).toMatchObject({
      Running: false,
      Fault: true,
      Mode: 3,
      Speed: 1.5,
      Count: -7,
      'Flags[8]': false,
      'Flags[9]': true,
      Code: 'A',
      Name: 'abc',
      Next: 0x19,
      'Setup.Min': -5,
      'Setup.Enabled': true,
      Total: 100000,
      'Axis[1].Pos': 0,
      'Axis[2].Pos': 12.25,
      'Axis[2].Homed': true,
      'Grid[1,1]': 11,
      Label: 'OK',
      Stamp: '2024-05-01T10:20:30.456',
      Day: 12539,
      Ratio: 0.125,
    })
    // The whole DB is one range: one request.
    expect(connector.requestsPerCycle()).toBe(1)
  })
})
