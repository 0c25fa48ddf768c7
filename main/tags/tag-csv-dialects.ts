import { formatOffset, parseModbusAddress } from '../../preload/contract/modbus-address'
import type { ByteOrder, DataType, TagAccess } from './tag'

// How Kepware and Ignition spell data types, access and Modbus addresses, translated to our model.

export type CsvFormat = 'otw' | 'kepware' | 'ignition' | 'unknown'

const OUR_TYPES: Record<string, DataType> = {
  bool: 'bool',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
  string: 'string',
}

const KEPWARE_TYPES: Record<string, DataType> = {
  boolean: 'bool',
  short: 'int16',
  word: 'uint16',
  long: 'int32',
  dword: 'uint32',
  llong: 'int64',
  qword: 'uint64',
  float: 'float32',
  double: 'float64',
  string: 'string',
}

// Ignition 7 (Int2/Int4…) and Ignition 8 (Short/Integer/Long…) names; Ignition 8 "Long" is 64-bit.
const IGNITION_TYPES: Record<string, DataType> = {
  boolean: 'bool',
  int2: 'int16',
  int4: 'int32',
  int8: 'int64',
  float4: 'float32',
  float8: 'float64',
  short: 'int16',
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  string: 'string',
}

/** Names that mean one thing in every dialect, for CSVs of unknown origin. */
const UNAMBIGUOUS_TYPES: Record<string, DataType> = {
  ...OUR_TYPES,
  boolean: 'bool',
  short: 'int16',
  word: 'uint16',
  dword: 'uint32',
  int2: 'int16',
  int4: 'int32',
  int8: 'int64',
  integer: 'int32',
  llong: 'int64',
  qword: 'uint64',
  float: 'float32',
  float4: 'float32',
  double: 'float64',
  float8: 'float64',
}

export function parseDataType(text: string, format: CsvFormat): DataType {
  const key = text.trim().toLowerCase()
  const table = format === 'kepware' ? KEPWARE_TYPES : format === 'ignition' ? IGNITION_TYPES : format === 'otw' ? OUR_TYPES : UNAMBIGUOUS_TYPES
  const type = OUR_TYPES[key] ?? table[key]
  if (type) return type
  if (key === 'long') {
    throw new Error('data type "Long" is int32 in Kepware but int64 in Ignition — choose the source format or write int32/int64')
  }
  throw new Error(
    `data type "${text}" is not supported for ${format === 'unknown' ? 'this file' : format}; use one of ${[
      ...new Set([...Object.keys(OUR_TYPES), ...Object.keys(table)]),
    ].join(', ')}`,
  )
}

export function parseAccess(text: string): TagAccess {
  const key = text.trim().toLowerCase().replace(/\s+/g, '')
  if (['read', 'ro', 'readonly', 'r'].includes(key)) return 'read'
  if (['read-write', 'r/w', 'rw', 'read/write', 'readwrite', 'w'].includes(key)) return 'read-write'
  throw new Error(`access "${text}" is not known; use read or read-write (Kepware RO or R/W)`)
}

export interface ImportedAddress {
  address: string
  /** Set when the address itself fixes the wire type (Ignition HRF, Kepware string suffix). */
  dataType?: DataType
  stringLength?: number
  byteOrder?: ByteOrder
  /** The device named in an Ignition item path (`[PLC1]HR1`), a fallback connection id. */
  device?: string
}

const KEPWARE_STRING = /^(\d{5,6})\.(\d+)([HL])$/i

/**
 * Kepware Modbus addresses are 1-based Modicon numbers (40001 or 400001, `.b` for a bit,
 * `.nnH`/`.nnL` for a string of nn bytes, high or low byte first). Non-numeric addresses
 * belong to other Kepware drivers and are kept as they are.
 */
export function parseKepwareAddress(text: string): ImportedAddress {
  const input = text.trim()
  if (!/^\d/.test(input)) return { address: input }
  const string = KEPWARE_STRING.exec(input)
  if (string) {
    const bytes = Number(string[2])
    if (bytes < 1) throw new Error(`string address "${text}" has length 0; give the length in bytes, e.g. 400001.20H`)
    return {
      address: formatOffset(parseModbusAddress(string[1]!)),
      dataType: 'string',
      stringLength: Math.ceil(bytes / 2),
      byteOrder: string[3]!.toUpperCase() === 'H' ? 'ABCD' : 'BADC',
    }
  }
  return { address: formatOffset(parseModbusAddress(input)) }
}

const IGNITION_ITEM = /^(?:ns=\d+;s=)?\[([^\]]+)\](.*)$/
const IGNITION_MODBUS = /^(HRUI_64|HRI_64|HRUS|HRUI|HRI|HRF|HRD|HRS|HR|IRUI_64|IRI_64|IRUS|IRUI|IRI|IRF|IRD|IRS|IR|C|DI)(\d+)(?:\.(\d+))?(?::(\d+))?$/i
const IGNITION_TYPE_BY_SUFFIX: Record<string, DataType> = {
  '': 'int16',
  US: 'uint16',
  I: 'int32',
  UI: 'uint32',
  I_64: 'int64',
  UI_64: 'uint64',
  F: 'float32',
  D: 'float64',
  S: 'string',
}

/**
 * Ignition OPC item paths such as `ns=1;s=[PLC1]HRF100`. Modbus designators are 1-based unless the
 * device uses zero-based addressing; `HRS10:20` is a 20-character string. Other paths (OPC UA
 * node ids of other drivers) are kept as they are.
 */
export function parseIgnitionAddress(text: string, zeroBased = false): ImportedAddress {
  const input = text.trim()
  const item = IGNITION_ITEM.exec(input)
  if (!item) return { address: input }
  const device = item[1]!
  const modbus = IGNITION_MODBUS.exec(item[2]!.trim())
  if (!modbus) return { address: input, device }
  const designator = modbus[1]!.toUpperCase()
  const number = Number(modbus[2])
  const offset = zeroBased ? number : number - 1
  if (offset < 0 || offset > 65535) {
    throw new Error(`Ignition address "${text}": ${number} is outside ${zeroBased ? '0..65535 (zero-based)' : '1..65536 (one-based)'}`)
  }
  if (designator === 'C' || designator === 'DI') {
    if (modbus[3] !== undefined) throw new Error(`Ignition address "${text}": a ${designator} address is a single bit; drop ".${modbus[3]}"`)
    return { address: `${designator === 'C' ? 'co' : 'di'}:${offset}`, dataType: 'bool', device }
  }
  const table = designator.startsWith('HR') ? 'hr' : 'ir'
  const dataType = IGNITION_TYPE_BY_SUFFIX[designator.slice(2)]!
  const bit = modbus[3]
  if (bit !== undefined) {
    return { address: formatOffset(parseModbusAddress(`${table}:${offset}.${bit}`)), dataType: 'bool', device }
  }
  const address = formatOffset(parseModbusAddress(`${table}:${offset}`))
  if (dataType === 'string') {
    const characters = Number(modbus[4] ?? NaN)
    if (!(characters > 0)) throw new Error(`Ignition string address "${text}" needs a length, e.g. HRS${number}:20`)
    return { address, dataType, stringLength: Math.ceil(characters / 2), device }
  }
  return { address, dataType, device }
}
