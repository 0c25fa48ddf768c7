import { describe, it, expect, expectTypeOf } from 'vitest'
import { tagInfoSchema, type TagValue as ContractTagValue } from '../../preload/contract'
import { Tag, TagValue, bigintToScalar, byteOrderName64, tagFullPath, toTagInfo } from './tag'

const base = { id: 't1', name: 'Speed', connectionId: 'plc1', address: 'hr:0', dataType: 'uint16' }

describe('tag model', () => {
  it('fills defaults so stored tags are complete', () => {
    expect(Tag.parse(base)).toEqual({ ...base, path: [], byteOrder: 'ABCD', access: 'read', description: '' })
  })

  it('stores 64-bit byte order names as their family and names them back', () => {
    expect(Tag.parse({ ...base, dataType: 'int64', byteOrder: 'GHEFCDAB' }).byteOrder).toBe('CDAB')
    expect(Tag.parse({ ...base, byteOrder: 'badcfehg' }).byteOrder).toBe('BADC')
    expect(byteOrderName64('CDAB')).toBe('GHEFCDAB')
    expect(byteOrderName64('DCBA')).toBe('HGFEDCBA')
    expect(Tag.safeParse({ ...base, byteOrder: 'ACBD' }).success).toBe(false)
  })

  it('rejects inconsistent tags with messages that say what to fix', () => {
    const issues = (input: object) => {
      const result = Tag.safeParse({ ...base, ...input })
      return result.success ? [] : result.error.issues.map((i) => i.message)
    }
    expect(issues({ dataType: 'string' })).toContain('string tags need stringLength (number of registers, 2 characters each)')
    expect(issues({ stringLength: 4 })).toContain('stringLength only applies to string tags')
    expect(issues({ range: { low: 5, high: 5 } })).toContain('range low must be below range high')
    expect(issues({ scaling: { rawLow: 0, rawHigh: 0, engLow: 0, engHigh: 1 } })).toContain('scaling rawLow and rawHigh must differ')
    expect(issues({ deadband: { mode: 'percent', value: 1 } })).toContain('a percent deadband needs a range (or scaling) to take the percent of')
    expect(issues({ path: ['Site', 'Area/Line'] })).toContain("path folders cannot contain '/'")
    expect(issues({ dataType: 'int8' })).not.toEqual([])
  })

  it('carries values with quality and both timestamps, stale false by default', () => {
    const value = TagValue.parse({ tagId: 't1', value: 12.5, quality: { status: 'good' }, sourceTime: 1, receiveTime: 2 })
    expect(value.stale).toBe(false)
    expect(TagValue.parse({ ...value, value: null, quality: { status: 'bad', reason: 'timeout' } }).quality.reason).toBe('timeout')
  })

  it('is what the contract carries', () => {
    expectTypeOf<TagValue>().toExtend<ContractTagValue>()
    const tag = Tag.parse({ ...base, engineeringUnit: 'rpm', range: { low: 0, high: 10 }, path: ['A'] })
    expect(tagInfoSchema.parse(toTagInfo(tag))).toEqual({
      id: 't1',
      name: 'Speed',
      path: ['A'],
      connectionId: 'plc1',
      address: 'hr:0',
      dataType: 'uint16',
      unit: 'rpm',
      range: { low: 0, high: 10 },
      access: 'read',
    })
  })

  it('serialises bigints as numbers while exact, else as decimal strings', () => {
    expect(bigintToScalar(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER)
    expect(bigintToScalar(2n ** 53n)).toBe('9007199254740992')
    expect(bigintToScalar(-(2n ** 63n))).toBe('-9223372036854775808')
  })

  it('joins folders and name into the full path', () => {
    expect(tagFullPath({ path: ['Acme', 'Leeds'], name: 'Speed' })).toBe('Acme/Leeds/Speed')
  })
})
