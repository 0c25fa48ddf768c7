import { DataType, type Variant, VariantArrayType } from 'node-opcua'
import type { TagValue } from '../../../preload/contract'

type Scalar = number | boolean | string | null

/**
 * The plain value a TagValue carries: numbers, booleans and strings as is, arrays (ValueRank 1) as arrays of their
 * elements, structures (Range, EUInformation, other ExtensionObjects) as readable text, never node-opcua's debug dump.
 */
export function plainValue(variant: Variant | null | undefined): TagValue['value'] {
  if (!variant || variant.dataType === DataType.Null || variant.value === null || variant.value === undefined) return null
  if (variant.arrayType !== VariantArrayType.Scalar) {
    return Array.from(variant.value as ArrayLike<unknown>, (item) => plainScalar(variant.dataType, item))
  }
  return plainScalar(variant.dataType, variant.value)
}

function plainScalar(dataType: DataType, value: unknown): Scalar {
  if (value === null || value === undefined) return null
  switch (dataType) {
    case DataType.Int64:
    case DataType.UInt64:
      return int64ToNumberOrString(value)
    case DataType.DateTime:
      return value instanceof Date ? value.toISOString() : String(value)
    case DataType.LocalizedText:
      return (value as { text?: string | null }).text ?? null
    case DataType.QualifiedName: {
      const name = value as { namespaceIndex?: number; name?: string | null }
      return name.namespaceIndex ? `${name.namespaceIndex}:${name.name ?? ''}` : (name.name ?? '')
    }
    case DataType.ByteString:
      return Buffer.isBuffer(value) ? value.toString('hex') : String(value)
    case DataType.ExtensionObject:
      return structureText(value)
    default:
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value
      if (typeof value === 'bigint') return value.toString()
      return structureText(value)
  }
}

/** Range as `0 … 250`, EUInformation as `bar (UNECE 4342098)`, any other structure as compact JSON of its fields. */
export function structureText(value: unknown): string {
  if (!value || typeof value !== 'object') return String(value)
  const record = value as Record<string, unknown>
  if (typeof record.low === 'number' && typeof record.high === 'number' && Object.keys(plainFields(value) as object).length === 2) {
    return `${record.low} … ${record.high}`
  }
  if ('unitId' in record && 'displayName' in record && 'namespaceUri' in record) {
    const display = (record.displayName as { text?: string | null } | null)?.text ?? ''
    const description = (record.description as { text?: string | null } | null)?.text
    const unitId = typeof record.unitId === 'number' ? ` (UNECE ${record.unitId})` : ''
    return `${display}${description && description !== display ? ` — ${description}` : ''}${unitId}`
  }
  if ('dataType' in record && 'valueRank' in record && 'name' in record) {
    // A method Argument: `start: Int32`, `samples: Double[]`.
    return `${String(record.name ?? '')}: ${builtInTypeName(record.dataType)}${typeof record.valueRank === 'number' && record.valueRank >= 1 ? '[]' : ''}`
  }
  if ('toString' in record && typeof record.toString === 'function' && record.toString !== Object.prototype.toString && !isStructure(value)) {
    // NodeId, QualifiedName, StatusCode and the like print well by themselves.
    return String(value)
  }
  return JSON.stringify(plainFields(value))
}

/** The name of a built-in DataType (Int32, not ns=0;i=6); other types keep their NodeId. */
export function builtInTypeName(typeId: unknown): string {
  const id = typeId as { namespace?: number; value?: unknown } | null
  if (id && id.namespace === 0 && typeof id.value === 'number' && DataType[id.value]) return DataType[id.value]
  return String(typeId)
}

function isStructure(value: object): boolean {
  return typeof (value as { schema?: unknown }).schema === 'object'
}

/** The fields of a structure as JSON-safe values (nested structures, texts and NodeIds made plain). */
function plainFields(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return value.toISOString()
  if (Buffer.isBuffer(value)) return value.toString('hex')
  if (Array.isArray(value)) return value.map(plainFields)
  if (typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  if ('text' in record && 'locale' in record) return record.text ?? null
  if (!isStructure(value) && typeof record.toString === 'function' && record.toString !== Object.prototype.toString) return String(value)
  const schema = (value as { schema?: { fields?: { name: string }[] } }).schema
  const names = schema?.fields?.map((field) => field.name.charAt(0).toLowerCase() + field.name.slice(1)) ?? Object.keys(record)
  return Object.fromEntries(names.filter((name) => name in record).map((name) => [name, plainFields(record[name])]))
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
