import { INTEGER_LIMITS, isIntegerKind, readBigEndian, writeBigEndian, type NumericKind } from '../../tags/big-endian'

// The S7 elementary data types an engineer declares in TIA Portal / STEP 7, their sizes and how their bytes read. The
// numbers are the big-endian kinds Modbus decodes to as well (main/tags/big-endian.ts); S7 adds its strings and dates.

export const S7_DATA_TYPES = [
  'BOOL',
  'BYTE',
  'CHAR',
  'WORD',
  'INT',
  'DWORD',
  'DINT',
  'SINT',
  'USINT',
  'UINT',
  'UDINT',
  'REAL',
  'LREAL',
  'TIME',
  'DATE_AND_TIME',
  'STRING',
  'WSTRING',
] as const
export type S7ScalarType = (typeof S7_DATA_TYPES)[number]

/** A data type with its declared length for STRING[n] and WSTRING[n] (characters). */
export interface S7DataType {
  type: S7ScalarType
  length?: number
}

export type S7Value = number | boolean | string

/** STRING without [n] holds 254 characters in S7, as in TIA Portal. */
export const DEFAULT_STRING_LENGTH = 254
const FIXED_SIZES: Readonly<Record<Exclude<S7ScalarType, 'BOOL' | 'STRING' | 'WSTRING'>, number>> = {
  BYTE: 1,
  CHAR: 1,
  SINT: 1,
  USINT: 1,
  WORD: 2,
  INT: 2,
  UINT: 2,
  DWORD: 4,
  DINT: 4,
  UDINT: 4,
  REAL: 4,
  TIME: 4,
  LREAL: 8,
  DATE_AND_TIME: 8,
}

/** The S7 types that are plain big-endian numbers, by the shared kind (TIME is a DINT of milliseconds). */
const NUMERIC: Readonly<Partial<Record<S7ScalarType, NumericKind>>> = {
  BYTE: 'uint8',
  USINT: 'uint8',
  SINT: 'int8',
  WORD: 'uint16',
  UINT: 'uint16',
  INT: 'int16',
  DWORD: 'uint32',
  UDINT: 'uint32',
  DINT: 'int32',
  TIME: 'int32',
  REAL: 'float32',
  LREAL: 'float64',
}

/** Parses `REAL`, `string[20]`, `WString[10]`, `DT` (the short name TIA Portal also accepts). */
export function parseS7DataType(text: string): S7DataType {
  const trimmed = text.trim()
  const match = /^([A-Za-z_]+)\s*(?:\[\s*(\d+)\s*\])?$/.exec(trimmed)
  const upper = match?.[1]!.toUpperCase()
  const name = upper === 'DT' ? 'DATE_AND_TIME' : upper === 'DI' ? 'DINT' : upper
  if (!match || !(S7_DATA_TYPES as readonly string[]).includes(name!)) {
    throw new Error(`data type "${text}": use one of ${S7_DATA_TYPES.join(', ')} (STRING[n] and WSTRING[n] with their length)`)
  }
  const type = name as S7ScalarType
  if (match[2] !== undefined) {
    if (type !== 'STRING' && type !== 'WSTRING') throw new Error(`data type "${text}": only STRING and WSTRING take a length in brackets`)
    const length = Number(match[2])
    const max = type === 'STRING' ? 254 : 16382
    if (length < 1 || length > max) throw new Error(`data type "${text}": ${type} length must be 1–${max} characters`)
    return { type, length }
  }
  if (type === 'STRING' || type === 'WSTRING') return { type, length: DEFAULT_STRING_LENGTH }
  return { type }
}

export function formatS7DataType(dataType: S7DataType): string {
  return dataType.type === 'STRING' || dataType.type === 'WSTRING' ? `${dataType.type}[${dataType.length ?? DEFAULT_STRING_LENGTH}]` : dataType.type
}

/** Bytes the value takes in memory (a BOOL counts as one byte: it is read as the byte that holds it). */
export function byteSize(dataType: S7DataType): number {
  if (dataType.type === 'BOOL') return 1
  if (dataType.type === 'STRING') return (dataType.length ?? DEFAULT_STRING_LENGTH) + 2
  if (dataType.type === 'WSTRING') return 2 * (dataType.length ?? DEFAULT_STRING_LENGTH) + 4
  return FIXED_SIZES[dataType.type]
}

/** Turns the bytes at the value's address (byteSize of them) into the value; `bit` picks the BOOL's bit. */
export function decodeS7Value(bytes: Uint8Array, dataType: S7DataType, bit = 0): S7Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const numeric = NUMERIC[dataType.type]
  if (numeric !== undefined) return readBigEndian(view, 0, numeric) as number
  switch (dataType.type) {
    case 'BOOL':
      return ((bytes[0]! >> bit) & 1) === 1
    case 'CHAR':
      return String.fromCharCode(bytes[0]!)
    case 'DATE_AND_TIME':
      return decodeDateAndTime(bytes)
    case 'STRING': {
      const max = dataType.length ?? DEFAULT_STRING_LENGTH
      const actual = Math.min(bytes[1]!, max, bytes.length - 2)
      return String.fromCharCode(...bytes.subarray(2, 2 + actual))
    }
    case 'WSTRING': {
      const max = dataType.length ?? DEFAULT_STRING_LENGTH
      const actual = Math.min(view.getUint16(2), max, (bytes.length - 4) >> 1)
      let text = ''
      for (let i = 0; i < actual; i++) text += String.fromCharCode(view.getUint16(4 + 2 * i))
      return text
    }
    default:
      throw new Error(`${dataType.type} has no decoding`)
  }
}

/**
 * The bytes to write for a value. STRING and WSTRING come with their header (declared and actual length) and only the
 * characters in use, so the rest of the declared space is left as it is.
 */
export function encodeS7Value(value: unknown, dataType: S7DataType): Uint8Array {
  const type = dataType.type
  if (type === 'BOOL') return Uint8Array.of(toBoolean(value) ? 1 : 0)
  if (type === 'CHAR') {
    const text = String(value)
    if (text.length !== 1 || text.charCodeAt(0) > 0xff) throw new Error(`CHAR takes exactly one Latin-1 character, not "${text}"`)
    return Uint8Array.of(text.charCodeAt(0))
  }
  if (type === 'STRING' || type === 'WSTRING') return encodeString(String(value), dataType)
  if (type === 'DATE_AND_TIME') return encodeDateAndTime(String(value))
  const kind = NUMERIC[type]!
  const bytes = new Uint8Array(byteSize(dataType))
  const n = toNumber(value, type)
  if (isIntegerKind(kind)) {
    const { min, max } = INTEGER_LIMITS[kind]
    if (!Number.isInteger(n) || n < Number(min) || n > Number(max)) throw new Error(`${type} takes a whole number from ${min} to ${max}, not ${String(value)}`)
  }
  writeBigEndian(new DataView(bytes.buffer), 0, kind, n)
  return bytes
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (value === 1 || value === 0) return value === 1
  if (value === '1' || value === 'true' || value === 'TRUE') return true
  if (value === '0' || value === 'false' || value === 'FALSE') return false
  throw new Error(`BOOL takes true/false or 1/0, not ${String(value)}`)
}

function toNumber(value: unknown, type: string): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || Number.isNaN(n)) throw new Error(`${type} takes a number, not ${String(value)}`)
  return n
}

function encodeString(text: string, dataType: S7DataType): Uint8Array {
  const max = dataType.length ?? DEFAULT_STRING_LENGTH
  if (text.length > max) throw new Error(`${formatS7DataType(dataType)} holds at most ${max} characters; "${text.slice(0, 20)}…" has ${text.length}`)
  if (dataType.type === 'STRING') {
    const bytes = new Uint8Array(2 + text.length)
    bytes[0] = max
    bytes[1] = text.length
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code > 0xff) throw new Error(`STRING holds Latin-1 characters only; "${text[i]}" is not one — use WSTRING`)
      bytes[2 + i] = code
    }
    return bytes
  }
  const bytes = new Uint8Array(4 + 2 * text.length)
  const view = new DataView(bytes.buffer)
  view.setUint16(0, max)
  view.setUint16(2, text.length)
  for (let i = 0; i < text.length; i++) view.setUint16(4 + 2 * i, text.charCodeAt(i))
  return bytes
}

const bcd = (byte: number) => (byte >> 4) * 10 + (byte & 0x0f)
const toBcd = (n: number) => ((Math.floor(n / 10) % 10) << 4) | (n % 10)
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** DATE_AND_TIME is eight BCD bytes in the PLC's local time; it reads as `YYYY-MM-DDTHH:MM:SS.mmm` without a zone. */
function decodeDateAndTime(bytes: Uint8Array): string {
  const yy = bcd(bytes[0]!)
  const year = yy >= 90 ? 1900 + yy : 2000 + yy
  const ms = bcd(bytes[6]!) * 10 + (bytes[7]! >> 4)
  return `${year}-${pad(bcd(bytes[1]!))}-${pad(bcd(bytes[2]!))}T${pad(bcd(bytes[3]!))}:${pad(bcd(bytes[4]!))}:${pad(bcd(bytes[5]!))}.${pad(ms, 3)}`
}

function encodeDateAndTime(text: string): Uint8Array {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim())
  if (!match) throw new Error(`DATE_AND_TIME takes YYYY-MM-DDTHH:MM:SS[.mmm] (PLC local time), not "${text}"`)
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const ms = Number((match[7] ?? '0').padEnd(3, '0'))
  if (year < 1990 || year > 2089) throw new Error(`DATE_AND_TIME covers the years 1990–2089, not ${year}`)
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1
  return Uint8Array.of(
    toBcd(year % 100),
    toBcd(month),
    toBcd(day),
    toBcd(hour),
    toBcd(minute),
    toBcd(second),
    toBcd(Math.floor(ms / 10)),
    ((ms % 10) << 4) | weekday,
  )
}
