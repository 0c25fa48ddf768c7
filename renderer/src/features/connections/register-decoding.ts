// What a scanned register (or pair) means in the common types, so a register map can be guessed at a glance.

export type ScanValue = number | boolean

const view = new DataView(new ArrayBuffer(4))

function pair(high: number, low: number): DataView {
  view.setUint16(0, high)
  view.setUint16(2, low)
  return view
}

export function hex16(word: number): string {
  return word.toString(16).toUpperCase().padStart(4, '0')
}

export function int16(word: number): number {
  return word >= 0x8000 ? word - 0x10000 : word
}

export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (value !== 0 && (Math.abs(value) >= 1e7 || Math.abs(value) < 1e-4)) return value.toExponential(4)
  return Number(value.toPrecision(7)).toString()
}

export interface DecodedRegister {
  hex: string
  uint16: number
  int16: number
  /** With the next register (ABCD: this one high); undefined when the next one did not answer. */
  float32?: string
  /** Word-swapped (CDAB: the next register high), the other common PLC layout. */
  float32Swapped?: string
  int32?: number
  uint32?: number
}

export function decodeRegister(word: number, next: number | undefined): DecodedRegister {
  const decoded: DecodedRegister = { hex: hex16(word), uint16: word, int16: int16(word) }
  if (next === undefined) return decoded
  decoded.float32 = formatFloat(pair(word, next).getFloat32(0))
  decoded.int32 = pair(word, next).getInt32(0)
  decoded.uint32 = pair(word, next).getUint32(0)
  decoded.float32Swapped = formatFloat(pair(next, word).getFloat32(0))
  return decoded
}

const PREFIX = { co: '0', di: '1', ir: '3', hr: '4' } as const
export type ModbusTableName = keyof typeof PREFIX

/** 1-based Modicon number of a 0-based offset: hr 0 → 40001, hr 9999 → 410000. */
export function modicon(table: ModbusTableName, offset: number): string {
  const n = offset + 1
  return `${PREFIX[table]}${String(n).padStart(n > 9999 ? 5 : 4, '0')}`
}
