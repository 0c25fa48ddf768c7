import { engineeringToRaw, rawToEngineering } from './scaling'
import { isRegisterTable, parseModbusAddress } from '../../preload/contract/modbus-address'
import { BYTE_ORDERS, bigintToScalar, type ByteOrder, type DataType, type Tag, type TagScalar } from './tag'
import { INTEGER_LIMITS, isIntegerKind, readBigEndian, writeBigEndian } from './big-endian'

// Register words (uint16[]) ↔ typed values for every data type and byte order; no protocol library.

/** What a register block holds: enough to decode it without the rest of the tag. */
export interface RegisterFormat {
  dataType: DataType
  byteOrder?: ByteOrder
  /** Registers a string occupies (2 characters each). */
  stringLength?: number
  /** For bool in a register: the bit (0 = least significant); absent means "register is non-zero". */
  bit?: number
}

/** Exact decoded value: 64-bit integers stay bigint here; see decodeTagValue for the serialisable form. */
export type RawValue = number | boolean | string | bigint

/** Thrown when a value or a register block cannot be converted; the message says what and how to fix it. */
export class ModbusCodecError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ModbusCodecError'
  }
}

const FIXED_REGISTER_COUNT: Record<Exclude<DataType, 'string'>, number> = {
  bool: 1,
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  int64: 4,
  uint64: 4,
  float64: 4,
}

/** Registers the value occupies on the wire. */
export function registerCount(format: Pick<RegisterFormat, 'dataType' | 'stringLength'>): number {
  if (format.dataType === 'string') {
    if (!format.stringLength || format.stringLength < 1) {
      throw new ModbusCodecError('string needs stringLength (registers, 2 characters each) of at least 1')
    }
    return format.stringLength
  }
  return FIXED_REGISTER_COUNT[format.dataType]
}

function swapsOf(order: ByteOrder = 'ABCD'): { swapBytes: boolean; swapWords: boolean } {
  // Unvalidated input (e.g. a 64-bit name) would otherwise decode silently as ABCD.
  if (!(BYTE_ORDERS as readonly string[]).includes(order)) {
    throw new ModbusCodecError(`byte order "${order}" is not one of ${BYTE_ORDERS.join(', ')} — parse the tag with the Tag schema to map 64-bit names`)
  }
  return { swapBytes: order === 'BADC' || order === 'DCBA', swapWords: order === 'CDAB' || order === 'DCBA' }
}

function checkWords(words: readonly number[], expected: number, what: string): void {
  if (words.length !== expected) {
    throw new ModbusCodecError(`${what} needs ${expected} register(s), got ${words.length} — check the address and data type`)
  }
  words.forEach((word, index) => {
    if (!Number.isInteger(word) || word < 0 || word > 0xffff) {
      throw new ModbusCodecError(`register ${index} of ${what} is ${word}, not a 16-bit word (0..65535)`)
    }
  })
}

/** Register words in device order → big-endian bytes (A first). Both swaps are their own inverse. */
function wordsToBigEndianBytes(words: readonly number[], order: ByteOrder | undefined): Uint8Array {
  const { swapBytes, swapWords } = swapsOf(order)
  const ordered = swapWords ? [...words].reverse() : words
  const bytes = new Uint8Array(ordered.length * 2)
  ordered.forEach((word, i) => {
    const high = word >> 8
    const low = word & 0xff
    bytes[2 * i] = swapBytes ? low : high
    bytes[2 * i + 1] = swapBytes ? high : low
  })
  return bytes
}

function bigEndianBytesToWords(bytes: Uint8Array, order: ByteOrder | undefined): number[] {
  const { swapBytes, swapWords } = swapsOf(order)
  const words: number[] = []
  for (let i = 0; i < bytes.length; i += 2) {
    words.push(swapBytes ? (bytes[i + 1]! << 8) | bytes[i]! : (bytes[i]! << 8) | bytes[i + 1]!)
  }
  return swapWords ? words.reverse() : words
}

/** Decodes the registers of one value. Strings stop at the first NUL; characters are Latin-1. */
export function decodeRegisters(words: readonly number[], format: RegisterFormat): RawValue {
  const { dataType } = format
  checkWords(words, registerCount(format), dataType)
  if (dataType === 'bool') {
    if (format.bit === undefined) return words[0] !== 0
    return ((words[0]! >> format.bit) & 1) === 1
  }
  if (dataType === 'string') return decodeString(words, format.byteOrder)
  return readBigEndian(new DataView(wordsToBigEndianBytes(words, format.byteOrder).buffer), 0, dataType)
}

function stringSwapsBytes(order: ByteOrder | undefined): boolean {
  return swapsOf(order).swapBytes
}

function decodeString(words: readonly number[], order: ByteOrder | undefined): string {
  const lowFirst = stringSwapsBytes(order)
  let text = ''
  for (const word of words) {
    for (const code of lowFirst ? [word & 0xff, word >> 8] : [word >> 8, word & 0xff]) {
      if (code === 0) return text
      text += String.fromCharCode(code)
    }
  }
  return text
}

function encodeString(text: string, registers: number, order: ByteOrder | undefined): number[] {
  if (text.length > registers * 2) {
    throw new ModbusCodecError(
      `text of ${text.length} characters does not fit string of ${registers} registers (${registers * 2} characters) — shorten it or raise stringLength`,
    )
  }
  const lowFirst = stringSwapsBytes(order)
  const words: number[] = []
  for (let i = 0; i < registers; i++) {
    const first = charCode(text, 2 * i)
    const second = charCode(text, 2 * i + 1)
    words.push(lowFirst ? (second << 8) | first : (first << 8) | second)
  }
  return words
}

function charCode(text: string, index: number): number {
  if (index >= text.length) return 0
  const code = text.charCodeAt(index)
  if (code > 0xff) {
    throw new ModbusCodecError(`character "${text[index]}" at position ${index} is not Latin-1; Modbus strings hold one byte per character`)
  }
  return code
}

/** Throws a ModbusCodecError unless the value fits the data type exactly (write range check). */
export function checkFits(value: RawValue, dataType: DataType): void {
  if (dataType === 'bool') {
    if (typeof value !== 'boolean' && value !== 0 && value !== 1) {
      throw new ModbusCodecError(`value ${String(value)} is not a bool (true/false or 1/0)`)
    }
    return
  }
  if (dataType === 'string') {
    if (typeof value !== 'string') throw new ModbusCodecError(`value ${String(value)} is not text for a string tag`)
    return
  }
  if (dataType === 'float32' || dataType === 'float64') {
    if (typeof value !== 'number') {
      throw new ModbusCodecError(`value ${String(value)} is not a number for ${dataType}`)
    }
    if (dataType === 'float32' && Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
      throw new ModbusCodecError(`value ${value} does not fit float32 (±3.4028235e38)`)
    }
    return
  }
  toBigIntInRange(value, dataType)
}

function toBigIntInRange(value: RawValue, dataType: DataType): bigint {
  const limits = INTEGER_LIMITS[dataType as keyof typeof INTEGER_LIMITS]
  const range = `${dataType} (${limits.min}..${limits.max})`
  let integer: bigint
  if (typeof value === 'bigint') {
    integer = value
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new ModbusCodecError(`value ${value} is not a whole number; ${range} holds whole numbers only`)
    }
    integer = BigInt(value)
  } else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    integer = BigInt(value.trim())
  } else {
    throw new ModbusCodecError(`value ${JSON.stringify(value)} is not a whole number for ${range}`)
  }
  if (integer < limits.min || integer > limits.max) {
    throw new ModbusCodecError(`value ${integer} does not fit ${range}`)
  }
  return integer
}

/**
 * Encodes one value into register words in device order, after a range check.
 * A bool with a bit is a read-modify-write: use setBitInRegister on the current word instead.
 */
export function encodeRegisters(value: RawValue, format: RegisterFormat): number[] {
  const { dataType } = format
  checkFits(value, dataType)
  if (dataType === 'bool') {
    if (format.bit !== undefined) {
      throw new ModbusCodecError(`bit ${format.bit} cannot be written alone — read the register and use setBitInRegister, so the other 15 bits are kept`)
    }
    return [value === true || value === 1 ? 1 : 0]
  }
  if (dataType === 'string') return encodeString(value as string, registerCount(format), format.byteOrder)
  const bytes = new Uint8Array(registerCount(format) * 2)
  writeBigEndian(new DataView(bytes.buffer), 0, dataType, isIntegerKind(dataType) ? toBigIntInRange(value, dataType) : (value as number))
  return bigEndianBytesToWords(bytes, format.byteOrder)
}

/** Coils and discrete inputs arrive as bits (boolean or 0/1). */
export function decodeBit(bit: boolean | number): boolean {
  return bit === true || bit === 1
}

/** Sets or clears one bit of a register word, keeping the other 15. */
export function setBitInRegister(word: number, bit: number, on: boolean): number {
  if (!Number.isInteger(bit) || bit < 0 || bit > 15) {
    throw new ModbusCodecError(`bit ${bit} is outside 0..15`)
  }
  checkWords([word], 1, `register for bit ${bit}`)
  return on ? (word | (1 << bit)) & 0xffff : word & ~(1 << bit) & 0xffff
}

type CodecTag = Pick<Tag, 'name' | 'address' | 'dataType' | 'byteOrder' | 'stringLength' | 'scaling' | 'range'>

function formatOf(tag: CodecTag): RegisterFormat & { bitTable: boolean } {
  const address = parseModbusAddress(tag.address)
  return {
    dataType: tag.dataType,
    byteOrder: tag.byteOrder,
    stringLength: tag.stringLength,
    bit: address.bit,
    bitTable: !isRegisterTable(address.table),
  }
}

/**
 * Decodes a tag's slice of a response into the value that travels (engineering units when scaled,
 * 64-bit integers as decimal strings when unsafe as numbers). Coils and inputs pass their bit(s).
 */
export function decodeTagValue(data: readonly (number | boolean)[], tag: CodecTag): TagScalar {
  const format = formatOf(tag)
  if (format.bitTable) {
    if (tag.dataType !== 'bool') {
      throw new ModbusCodecError(`tag "${tag.name}": ${tag.address} is a single bit, so its data type must be bool, not ${tag.dataType}`)
    }
    if (data.length !== 1) {
      throw new ModbusCodecError(`tag "${tag.name}": ${tag.address} needs exactly 1 bit, got ${data.length} — check the poll slice`)
    }
    return decodeBit(data[0]!)
  }
  const raw = decodeRegisters(data as number[], format)
  if (tag.scaling && typeof raw !== 'boolean' && typeof raw !== 'string') {
    return rawToEngineering(Number(raw), tag.scaling)
  }
  return typeof raw === 'bigint' ? bigintToScalar(raw) : raw
}

/**
 * Encodes a value for writing to a tag: checks the engineering range, applies scaling (rounding to
 * whole raw counts for integer types), range-checks the raw value. For a bit in a register pass the
 * register's current word; for coils the result is [0] or [1].
 */
export function encodeTagValue(value: TagScalar | bigint, tag: CodecTag, currentWord?: number): number[] {
  const format = formatOf(tag)
  const where = `tag "${tag.name}" (${tag.address})`
  try {
    if (format.bitTable || (tag.dataType === 'bool' && format.bit !== undefined)) {
      checkFits(value, 'bool')
      const on = value === true || value === 1
      if (format.bitTable) return [on ? 1 : 0]
      if (currentWord === undefined) {
        throw new ModbusCodecError(`bit ${format.bit} needs the register's current value to write without changing the other bits`)
      }
      return [setBitInRegister(currentWord, format.bit!, on)]
    }
    if (typeof value === 'number' && tag.range && (value < tag.range.low || value > tag.range.high)) {
      throw new ModbusCodecError(`value ${value} is outside the engineering range ${tag.range.low}..${tag.range.high}`)
    }
    if (typeof value === 'number' && tag.scaling && tag.dataType !== 'bool' && tag.dataType !== 'string') {
      const scaled = engineeringToRaw(value, tag.scaling)
      const raw = tag.dataType.startsWith('float') ? scaled : Math.round(scaled)
      try {
        return encodeRegisters(raw, format)
      } catch (error) {
        throw new ModbusCodecError(`value ${value} is raw ${raw} after scaling: ${(error as Error).message}`)
      }
    }
    return encodeRegisters(value, format)
  } catch (error) {
    if (error instanceof ModbusCodecError) throw new ModbusCodecError(`${where}: ${error.message}`)
    throw error
  }
}
