import { DataType, type Variant, VariantArrayType } from 'node-opcua'
import type { TagValue } from '../../../preload/contract'

/** The plain value a TagValue carries: numbers, booleans and strings as is, the rest as readable text. */
export function plainValue(variant: Variant | null | undefined): TagValue['value'] {
  if (!variant || variant.dataType === DataType.Null || variant.value === null || variant.value === undefined) return null
  if (variant.arrayType !== VariantArrayType.Scalar) return JSON.stringify(Array.from(variant.value as ArrayLike<unknown>, jsonSafe))
  const value: unknown = variant.value
  switch (variant.dataType) {
    case DataType.Int64:
    case DataType.UInt64:
      return int64ToNumberOrString(value)
    case DataType.DateTime:
      return value instanceof Date ? value.toISOString() : String(value)
    case DataType.LocalizedText:
      return (value as { text?: string | null }).text ?? null
    case DataType.ByteString:
      return Buffer.isBuffer(value) ? value.toString('hex') : String(value)
    default:
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value
      return String(value)
  }
}

/** node-opcua gives 64-bit integers as [high, low] 32-bit words; beyond 2^53 they stay exact as text. */
function int64ToNumberOrString(value: unknown): number | string {
  if (Array.isArray(value) && value.length === 2) {
    const [high, low] = value as [number, number]
    const big = (BigInt.asIntN(32, BigInt(high)) << 32n) | BigInt(low >>> 0)
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString()
  }
  return typeof value === 'number' ? value : String(value)
}

function jsonSafe(item: unknown): unknown {
  if (typeof item === 'bigint') return item.toString()
  if (item instanceof Date) return item.toISOString()
  if (item && typeof item === 'object' && 'text' in item) return (item as { text: unknown }).text
  return item
}
