// Fixed-width numbers in big-endian bytes, the one layout both register protocols end in: Modbus after its byte order
// is undone (modbus-codec.ts), S7 as the CPU stores them (connectors/s7/s7-data-types.ts). Integer limits live here too.

export type NumericKind = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64'
export type IntegerKind = Exclude<NumericKind, 'float32' | 'float64'>

export const NUMERIC_BYTES: Readonly<Record<NumericKind, number>> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
}

export const INTEGER_LIMITS: Readonly<Record<IntegerKind, { min: bigint; max: bigint }>> = {
  int8: { min: -(2n ** 7n), max: 2n ** 7n - 1n },
  uint8: { min: 0n, max: 2n ** 8n - 1n },
  int16: { min: -(2n ** 15n), max: 2n ** 15n - 1n },
  uint16: { min: 0n, max: 2n ** 16n - 1n },
  int32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  uint32: { min: 0n, max: 2n ** 32n - 1n },
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  uint64: { min: 0n, max: 2n ** 64n - 1n },
}

export const isIntegerKind = (kind: string): kind is IntegerKind => kind in INTEGER_LIMITS

/** The number at `offset`; 64-bit integers come back as bigint, everything else as number. */
export function readBigEndian(view: DataView, offset: number, kind: NumericKind): number | bigint {
  switch (kind) {
    case 'int8':
      return view.getInt8(offset)
    case 'uint8':
      return view.getUint8(offset)
    case 'int16':
      return view.getInt16(offset)
    case 'uint16':
      return view.getUint16(offset)
    case 'int32':
      return view.getInt32(offset)
    case 'uint32':
      return view.getUint32(offset)
    case 'int64':
      return view.getBigInt64(offset)
    case 'uint64':
      return view.getBigUint64(offset)
    case 'float32':
      return view.getFloat32(offset)
    case 'float64':
      return view.getFloat64(offset)
  }
}

/** Writes `value` at `offset`; the caller has checked that it fits (INTEGER_LIMITS). */
export function writeBigEndian(view: DataView, offset: number, kind: NumericKind, value: number | bigint): void {
  switch (kind) {
    case 'int8':
      return view.setInt8(offset, Number(value))
    case 'uint8':
      return view.setUint8(offset, Number(value))
    case 'int16':
      return view.setInt16(offset, Number(value))
    case 'uint16':
      return view.setUint16(offset, Number(value))
    case 'int32':
      return view.setInt32(offset, Number(value))
    case 'uint32':
      return view.setUint32(offset, Number(value))
    case 'int64':
      return view.setBigInt64(offset, BigInt(value))
    case 'uint64':
      return view.setBigUint64(offset, BigInt(value))
    case 'float32':
      return view.setFloat32(offset, Number(value))
    case 'float64':
      return view.setFloat64(offset, Number(value))
  }
}
