import { Argument, DataType, makeEUInformation, Range, resolveNodeId, Variant, VariantArrayType } from 'node-opcua'
import { describe, expect, it } from 'vitest'
import { plainValue } from './variant-value'
import { toWriteVariant } from './write-variant'

describe('OPC UA values as the workbench carries them', () => {
  it('an array is an array of its elements, not its JSON text', () => {
    const variant = new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [32.2, 0.706, -1, 120] })
    expect(plainValue(variant)).toEqual([32.2, 0.706, -1, 120])
    const texts = new Variant({ dataType: DataType.LocalizedText, arrayType: VariantArrayType.Array, value: [{ text: 'a' }, { text: 'b' }] })
    expect(plainValue(texts)).toEqual(['a', 'b'])
  })

  it('Range, EUInformation and method Arguments print readably, not as node-opcua’s debug dump', () => {
    const range = new Variant({ dataType: DataType.ExtensionObject, value: new Range({ low: 0, high: 250 }) })
    expect(plainValue(range)).toBe('0 … 250')
    const unit = makeEUInformation('BAR', 'bar', 'bar')
    expect(plainValue(new Variant({ dataType: DataType.ExtensionObject, value: unit }))).toBe(`bar (UNECE ${unit.unitId})`)
    const args = new Variant({
      dataType: DataType.ExtensionObject,
      arrayType: VariantArrayType.Array,
      value: [
        new Argument({ name: 'start', dataType: resolveNodeId('ns=0;i=6'), valueRank: -1 }),
        new Argument({ name: 'samples', dataType: resolveNodeId('i=11'), valueRank: 1 }),
      ],
    })
    expect(plainValue(args)).toEqual(['start: Int32', 'samples: Double[]'])
  })

  it('an array write takes a JSON array or comma-separated elements, each converted and checked', () => {
    expect(Array.from(toWriteVariant('n', DataType.Double, '[1, 2.5, 3]', true).value as ArrayLike<number>)).toEqual([1, 2.5, 3])
    expect(Array.from(toWriteVariant('n', DataType.Int16, '1, 2, 3', true).value as ArrayLike<number>)).toEqual([1, 2, 3])
    expect(() => toWriteVariant('n', DataType.Int16, '1, 70000', true)).toThrow(/n\[1\]: cannot write 70000 to a Int16 — outside -32768…32767/)
    expect(() => toWriteVariant('n', DataType.Double, '[1, 2', true)).toThrow(/write a JSON array like \[1, 2.5, 3\]/)
    expect(() => toWriteVariant('n', DataType.Double, [1, 2], false)).toThrow(/cannot write an array to a scalar Double/)
  })
})
