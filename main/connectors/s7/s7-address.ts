import { byteSize, formatS7DataType, parseS7DataType, type S7DataType, type S7ScalarType } from './s7-data-types'

// Addresses as engineers type them in TIA Portal / STEP 7 (DB1.DBX6.2, MW20, IW64, %Q0.1, German E/A), or as nodes7
// writes them (DB1,REAL0, DB1,X6.2, DB1,S10.20), resolved with the data type to the bytes they cover.

export type S7Area = 'DB' | 'M' | 'I' | 'Q'

/** The protocol's area codes in a read/write item. */
export const AREA_CODES: Readonly<Record<S7Area, number>> = { I: 0x81, Q: 0x82, M: 0x83, DB: 0x84 }

/** A resolved address: the area, the DB number (0 outside DBs), the first byte, the bit of a BOOL, the type. */
export interface S7Item {
  area: S7Area
  db: number
  offset: number
  bit?: number
  dataType: S7DataType
  /** Bytes covered from `offset`. */
  size: number
}

type Width = 'X' | 'B' | 'W' | 'D'
const WIDTH_BYTES: Readonly<Record<Exclude<Width, 'X'>, number>> = { B: 1, W: 2, D: 4 }
const DEFAULT_TYPE: Readonly<Record<Width, S7ScalarType>> = { X: 'BOOL', B: 'BYTE', W: 'WORD', D: 'DWORD' }
const GERMAN_AREAS: Readonly<Record<string, S7Area>> = { E: 'I', A: 'Q' }

/** nodes7's type words; the byte width of each decides nothing, the type does. */
const NODES7_TYPES: Readonly<Record<string, S7ScalarType>> = {
  X: 'BOOL',
  B: 'BYTE',
  BYTE: 'BYTE',
  C: 'CHAR',
  CHAR: 'CHAR',
  W: 'WORD',
  WORD: 'WORD',
  I: 'INT',
  INT: 'INT',
  DW: 'DWORD',
  DWORD: 'DWORD',
  DI: 'DINT',
  DINT: 'DINT',
  R: 'REAL',
  REAL: 'REAL',
  LR: 'LREAL',
  LREAL: 'LREAL',
  DT: 'DATE_AND_TIME',
  S: 'STRING',
  STRING: 'STRING',
}

const MAX_DB = 65535
const MAX_OFFSET = 0x1fffff

/**
 * Resolves `address` with `dataType` (a name such as `REAL` or `STRING[20]`, or parsed). Without a data type the
 * address's own width decides: DBX/M10.0 → BOOL, DBB/MB → BYTE, DBW/MW → WORD, DBD/MD → DWORD.
 */
export function parseS7Address(address: string, dataType?: string | S7DataType): S7Item {
  const text = address.trim().replace(/^%/, '').toUpperCase()
  const declared = dataType === undefined ? undefined : typeof dataType === 'string' ? parseS7DataType(dataType) : dataType
  const fail = (what: string): never => {
    throw new Error(`${address.trim()}: ${what}`)
  }
  if (text === '') fail('the address is empty — type e.g. DB1.DBD0, MW20, I0.0 or Q0.1')

  const nodes7 = /^DB(\d+),([A-Z]+)(\d+)(?:\.(\d+))?$/.exec(text)
  if (nodes7) return fromNodes7(address.trim(), nodes7, declared, fail)

  const db = /^DB(\d+)\.DB([XBWD])(\d+)(?:\.(\d+))?$/.exec(text)
  if (db) return resolve(address.trim(), 'DB', dbNumber(db[1]!, fail), db[2] as Width, db[3]!, db[4], declared, fail)
  if (/^DB\d+$/.test(text)) fail('a DB address needs the variable in it, e.g. DB1.DBX0.0, DB1.DBB2, DB1.DBW4 or DB1.DBD8')
  if (/^DB\d+\.DB[XBWD]?\d*\.?\d*$/.test(text) || /^DB\d+\./.test(text)) {
    fail('after DBn. comes DBX<byte>.<bit>, DBB<byte>, DBW<byte> or DBD<byte> (e.g. DB1.DBX6.2, DB1.DBW4)')
  }

  const plain = /^([MIQEA])([BWD])?(\d+)(?:\.(\d+))?$/.exec(text)
  if (plain) {
    const area = (GERMAN_AREAS[plain[1]!] ?? plain[1]) as S7Area
    const width = (plain[2] as Width | undefined) ?? 'X'
    return resolve(address.trim(), area, 0, width, plain[3]!, plain[4], declared, fail)
  }
  if (/^[TCZ]\d+$/.test(text)) fail('timers and counters (T/C/Z) are not supported — read the DB or memory word the program copies them to')
  if (/^P[IQEA]/.test(text)) fail('peripheral addresses (PI/PQ) are not supported — use the process image (I/Q) instead')
  return fail('not an S7 address — use DB1.DBX6.2, DB1.DBB7, DB1.DBW4, DB1.DBD0, M10.0, MW20, MD24, I0.0, IW64, Q0.1, QW80 or DB1,REAL0')
}

/** The canonical TIA Portal spelling of an item: DB1.DBX6.2, DB1.DBD0, MW20, I0.0 (STRINGs and LREALs by their start byte). */
export function formatS7Address(item: Pick<S7Item, 'area' | 'db' | 'offset' | 'bit' | 'size'>): string {
  const width = item.bit !== undefined ? 'X' : item.size === 2 ? 'W' : item.size === 4 ? 'D' : 'B'
  const place = item.bit !== undefined ? `${item.offset}.${item.bit}` : String(item.offset)
  if (item.area === 'DB') return `DB${item.db}.DB${width}${place}`
  return `${item.area}${width === 'X' ? '' : width}${place}`
}

/** `DB1.DBD0 (REAL)`, as errors and logs name a tag. */
export function describeS7Item(item: S7Item): string {
  return `${formatS7Address(item)} (${formatS7DataType(item.dataType)})`
}

function dbNumber(text: string, fail: (what: string) => never): number {
  const n = Number(text)
  if (n < 1 || n > MAX_DB) fail(`DB number must be 1–${MAX_DB}`)
  return n
}

function resolve(
  address: string,
  area: S7Area,
  db: number,
  width: Width,
  byteText: string,
  bitText: string | undefined,
  declared: S7DataType | undefined,
  fail: (what: string) => never,
): S7Item {
  const offset = Number(byteText)
  if (offset > MAX_OFFSET) fail(`byte ${offset} is beyond the largest S7 address (${MAX_OFFSET})`)
  const dataType = declared ?? { type: DEFAULT_TYPE[width] }
  if (width === 'X') {
    if (bitText === undefined) fail(`a bit address needs its bit: ${area === 'DB' ? `DB${db}.DBX${offset}.0` : `${area}${offset}.0`} … .7`)
    const bit = Number(bitText)
    if (bit > 7) fail('bit must be 0–7')
    if (dataType.type !== 'BOOL') fail(`a bit address holds a BOOL, not ${formatS7DataType(dataType)} — use a byte, word or double word address`)
    return { area, db, offset, bit, dataType, size: 1 }
  }
  if (bitText !== undefined) fail(`only bit addresses (X) take a bit number — for a BOOL write ${area === 'DB' ? `DB${db}.DBX` : area}${offset}.${bitText}`)
  if (dataType.type === 'BOOL') fail(`a BOOL needs a bit address such as ${area === 'DB' ? `DB${db}.DBX${offset}.0` : `${area}${offset}.0`}`)
  const size = byteSize(dataType)
  const widthBytes = WIDTH_BYTES[width]
  // Types longer than a double word (LREAL, DATE_AND_TIME, STRING) are addressed by their first byte in any width.
  if (size <= 4 && size !== widthBytes) {
    const letter = size === 1 ? 'B' : size === 2 ? 'W' : 'D'
    const right = area === 'DB' ? `DB${db}.DB${letter}${offset}` : `${area}${letter}${offset}`
    fail(`${formatS7DataType(dataType)} takes ${size} byte${size === 1 ? '' : 's'}, this address covers ${widthBytes} — use ${right}`)
  }
  return { area, db, offset, dataType, size }
}

function fromNodes7(address: string, match: RegExpExecArray, declared: S7DataType | undefined, fail: (what: string) => never): S7Item {
  const db = dbNumber(match[1]!, fail)
  const word = match[2]!
  const type = NODES7_TYPES[word]
  if (!type) fail(`"${word}" is not a nodes7 type — use X, B/BYTE, C/CHAR, W/WORD, I/INT, DW/DWORD, DI/DINT, R/REAL, LR/LREAL, DT or S (string)`)
  const offset = Number(match[3])
  const extra = match[4]
  if (type === 'BOOL') {
    if (extra === undefined) fail(`a nodes7 bit is DB${db},X<byte>.<bit>, e.g. DB${db},X${offset}.0`)
    const bit = Number(extra)
    if (bit > 7) fail('bit must be 0–7')
    return { area: 'DB', db, offset, bit, dataType: { type: 'BOOL' }, size: 1 }
  }
  let dataType: S7DataType = { type }
  if (type === 'STRING') {
    if (extra === undefined) fail(`a nodes7 string is DB${db},S<byte>.<length>, e.g. DB${db},S${offset}.20`)
    const length = Number(extra)
    if (length < 1 || length > 254) fail('STRING length must be 1–254 characters')
    dataType = { type, length }
  } else if (extra !== undefined) {
    fail(`nodes7 arrays (${word}${offset}.${extra}) are not supported — add one tag per element`)
  }
  if (declared && formatS7DataType(declared) !== formatS7DataType(dataType)) {
    fail(`the address says ${formatS7DataType(dataType)} but the tag's data type is ${formatS7DataType(declared)} — make them agree`)
  }
  if (offset > MAX_OFFSET) fail(`byte ${offset} is beyond the largest S7 address (${MAX_OFFSET})`)
  return { area: 'DB', db, offset, dataType, size: byteSize(dataType) }
}
