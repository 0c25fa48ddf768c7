import { DataType, Variant, VariantArrayType } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import type { WriteValue } from '../connector'

const INTEGER_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
}

/**
 * Converts what a person typed or the write guard passed to the node's own DataType, refusing what would not fit. An
 * array node (ValueRank 1) takes a JSON array (`[1, 2.5, 3]`) or comma-separated elements, each converted alike.
 */
export function toWriteVariant(nodeId: string, dataType: DataType, value: WriteValue | readonly WriteValue[], isArray = false): Variant {
  if (isArray) {
    const elements = arrayElements(nodeId, dataType, value)
    const scalars = elements.map((element, index) => toScalarVariant(`${nodeId}[${index}]`, dataType, element))
    return new Variant({ dataType, arrayType: VariantArrayType.Array, value: scalars.map((variant) => variant.value as unknown) })
  }
  if (Array.isArray(value)) {
    throw new WorkbenchError('WRITE_REFUSED', `OPC UA ${nodeId}: cannot write an array to a scalar ${DataType[dataType]} — give one value`, {
      nodeId,
      dataType: DataType[dataType],
    })
  }
  return toScalarVariant(nodeId, dataType, value as WriteValue)
}

/** The elements of an array write: a JSON array, or elements separated by commas. */
export function arrayElements(nodeId: string, dataType: DataType, value: WriteValue | readonly WriteValue[]): WriteValue[] {
  if (Array.isArray(value)) return [...(value as WriteValue[])]
  const text = String(value).trim()
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => ['number', 'boolean', 'string'].includes(typeof item))) {
      throw new WorkbenchError(
        'WRITE_REFUSED',
        `OPC UA ${nodeId}: cannot write ${text} to a ${DataType[dataType]} array — write a JSON array like [1, 2.5, 3] or 1, 2.5, 3`,
        { nodeId, dataType: DataType[dataType] },
      )
    }
    return parsed as WriteValue[]
  }
  return text === '' ? [] : text.split(',').map((item) => item.trim())
}

function toScalarVariant(nodeId: string, dataType: DataType, value: WriteValue): Variant {
  const refuse = (why: string) =>
    new WorkbenchError('WRITE_REFUSED', `OPC UA ${nodeId}: cannot write ${String(value)} to a ${DataType[dataType]} — ${why}`, {
      nodeId,
      dataType: DataType[dataType],
    })
  switch (dataType) {
    case DataType.Boolean: {
      if (typeof value === 'boolean') return new Variant({ dataType, value })
      const text = String(value).trim().toLowerCase()
      if (['true', '1', 'on'].includes(text)) return new Variant({ dataType, value: true })
      if (['false', '0', 'off'].includes(text)) return new Variant({ dataType, value: false })
      throw refuse('use true/false or 1/0')
    }
    case DataType.Float:
    case DataType.Double: {
      const number = typeof value === 'boolean' ? Number(value) : Number(value)
      if (!Number.isFinite(number)) throw refuse('not a number')
      return new Variant({ dataType, value: number })
    }
    case DataType.Int64:
    case DataType.UInt64: {
      let big: bigint
      try {
        big = typeof value === 'bigint' ? value : BigInt(typeof value === 'boolean' ? Number(value) : String(value).trim())
      } catch {
        throw refuse('not an integer')
      }
      if (dataType === DataType.UInt64 && big < 0n) throw refuse('negative value for an unsigned type')
      const word = BigInt.asUintN(64, big)
      return new Variant({ dataType, value: [Number(word >> 32n), Number(word & 0xffffffffn)] })
    }
    case DataType.String:
      return new Variant({ dataType, value: String(value) })
    default: {
      const range = INTEGER_RANGES[dataType]
      if (!range) throw refuse('this data type is not writable from the workbench')
      const number = typeof value === 'bigint' ? Number(value) : Number(value)
      if (!Number.isInteger(number)) throw refuse('not an integer')
      if (number < range[0] || number > range[1]) throw refuse(`outside ${range[0]}…${range[1]}`)
      return new Variant({ dataType, value: number })
    }
  }
}
