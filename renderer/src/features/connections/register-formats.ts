// How a register monitor cell shows its word(s) and turns typed text back into words: Modbus Poll's display formats,
// in the byte orders the tag model knows (ABCD, CDAB, BADC, DCBA as main/tags/modbus-codec.ts lays them out).
import { MODBUS_BYTE_ORDERS } from '../../../../preload/contract'
import { formatFloat, hex16, int16 } from './register-decoding'

export type ByteOrder = (typeof MODBUS_BYTE_ORDERS)[number]
type Wide = 'int32' | 'uint32' | 'float32' | 'float64'
export type CellFormat = 'signed' | 'unsigned' | 'hex' | 'binary' | 'ascii' | `${Wide} ${ByteOrder}`

const WIDE: { kind: Wide; group: string; words: number }[] = [
  { kind: 'int32', group: '32-bit signed (long)', words: 2 },
  { kind: 'uint32', group: '32-bit unsigned (long)', words: 2 },
  { kind: 'float32', group: '32-bit float', words: 2 },
  { kind: 'float64', group: '64-bit float (double)', words: 4 },
]

/** The formats as a select offers them: the one-register ones, then the wide ones per byte order. */
export const FORMAT_GROUPS: { label: string; formats: { value: CellFormat; label: string }[] }[] = [
  {
    label: '16-bit',
    formats: [
      { value: 'signed', label: 'Signed' },
      { value: 'unsigned', label: 'Unsigned' },
      { value: 'hex', label: 'Hex' },
      { value: 'binary', label: 'Binary' },
      { value: 'ascii', label: 'ASCII' },
    ],
  },
  ...WIDE.map(({ kind, group }) => ({
    label: group,
    formats: MODBUS_BYTE_ORDERS.map((order) => ({ value: `${kind} ${order}` as CellFormat, label: `${kind} ${order}` })),
  })),
]

export const CELL_FORMATS: readonly CellFormat[] = FORMAT_GROUPS.flatMap((g) => g.formats.map((f) => f.value))

export function isCellFormat(text: string): text is CellFormat {
  return (CELL_FORMATS as readonly string[]).includes(text)
}

function wideOf(format: CellFormat): { kind: Wide; order: ByteOrder; words: number } | undefined {
  const [kind, order] = format.split(' ') as [Wide, ByteOrder | undefined]
  const wide = WIDE.find((w) => w.kind === kind)
  return wide && order ? { kind, order, words: wide.words } : undefined
}

/** Registers a value in this format takes: 1, 2 or 4. */
export function wordsOf(format: CellFormat): number {
  return wideOf(format)?.words ?? 1
}

/** Device-order words → big-endian bytes (A first): CDAB and DCBA reverse the words, BADC and DCBA swap each word's bytes. */
function toBytes(words: readonly number[], order: ByteOrder): DataView {
  const swapBytes = order === 'BADC' || order === 'DCBA'
  const ordered = order === 'CDAB' || order === 'DCBA' ? [...words].reverse() : words
  const view = new DataView(new ArrayBuffer(ordered.length * 2))
  ordered.forEach((word, i) => view.setUint16(2 * i, swapBytes ? ((word & 0xff) << 8) | (word >> 8) : word))
  return view
}

function fromBytes(view: DataView, order: ByteOrder): number[] {
  const swapBytes = order === 'BADC' || order === 'DCBA'
  const words: number[] = []
  for (let i = 0; i < view.byteLength; i += 2) {
    const word = view.getUint16(i)
    words.push(swapBytes ? ((word & 0xff) << 8) | (word >> 8) : word)
  }
  return order === 'CDAB' || order === 'DCBA' ? words.reverse() : words
}

const printable = (code: number): string => (code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '·')

/**
 * The text of a cell from its word and the ones after it; undefined when a wide format runs past the words read (the
 * last register of the range).
 */
export function formatCell(format: CellFormat, words: readonly number[]): string | undefined {
  const word = words[0]
  if (word === undefined) return undefined
  switch (format) {
    case 'signed':
      return String(int16(word))
    case 'unsigned':
      return String(word)
    case 'hex':
      return `0x${hex16(word)}`
    case 'binary':
      return word
        .toString(2)
        .padStart(16, '0')
        .replace(/(\d{4})(?=\d)/g, '$1 ')
    case 'ascii':
      return printable(word >> 8) + printable(word & 0xff)
  }
  const wide = wideOf(format)!
  if (words.length < wide.words) return undefined
  const view = toBytes(words.slice(0, wide.words), wide.order)
  switch (wide.kind) {
    case 'int32':
      return String(view.getInt32(0))
    case 'uint32':
      return String(view.getUint32(0))
    case 'float32':
      return formatFloat(view.getFloat32(0))
    case 'float64': {
      const value = view.getFloat64(0)
      return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : String(value)
    }
  }
}

function wholeNumber(text: string, min: number, max: number, what: string): number {
  const value = text.trim()
  if (!/^[-+]?\d+$/.test(value)) throw new Error(`${what} is a whole number from ${min} to ${max}`)
  const n = Number(value)
  if (n < min || n > max) throw new Error(`${value} is outside ${what} (${min} … ${max})`)
  return n
}

/** The words to write for what the person typed in this format; the error says what the format takes. */
export function parseCell(format: CellFormat, text: string): number[] {
  const value = text.trim()
  switch (format) {
    case 'signed':
      return [wholeNumber(value, -32768, 32767, 'a signed 16-bit value') & 0xffff]
    case 'unsigned':
      return [wholeNumber(value, 0, 65535, 'an unsigned 16-bit value')]
    case 'hex': {
      const digits = value.replace(/^0x/i, '')
      if (!/^[0-9a-f]{1,4}$/i.test(digits)) throw new Error('Hex takes 1 to 4 hex digits, with or without 0x (0x01F4)')
      return [parseInt(digits, 16)]
    }
    case 'binary': {
      const bits = value.replace(/[\s_]/g, '')
      if (!/^[01]{1,16}$/.test(bits)) throw new Error('Binary takes up to 16 digits 0 or 1 (spaces allowed)')
      return [parseInt(bits, 2)]
    }
    case 'ascii': {
      if (text.length < 1 || text.length > 2 || [...text].some((c) => c.charCodeAt(0) > 0xff))
        throw new Error('ASCII takes one or two characters (the first in the high byte)')
      return [(text.charCodeAt(0) << 8) | (text.length > 1 ? text.charCodeAt(1) : 0)]
    }
  }
  const wide = wideOf(format)!
  const view = new DataView(new ArrayBuffer(wide.words * 2))
  switch (wide.kind) {
    case 'int32':
      view.setInt32(0, wholeNumber(value, -(2 ** 31), 2 ** 31 - 1, 'a signed 32-bit value'))
      break
    case 'uint32':
      view.setUint32(0, wholeNumber(value, 0, 2 ** 32 - 1, 'an unsigned 32-bit value'))
      break
    case 'float32':
    case 'float64': {
      const n = Number(value)
      if (value === '' || !Number.isFinite(n)) throw new Error(`${wide.kind} takes a number (12.5, -1e3)`)
      if (wide.kind === 'float32') {
        if (Math.abs(n) > 3.4028234663852886e38) throw new Error(`${value} is outside float32 (±3.4e38)`)
        view.setFloat32(0, n)
      } else view.setFloat64(0, n)
      break
    }
  }
  return fromBytes(view, wide.order)
}
