import { describe, expect, it } from 'vitest'
import { formatJsonPath, parseJsonPath, readJsonPath } from './json-path'

describe('MQTT JSON paths', () => {
  const doc = { speed: { value: 12.5 }, axes: [{ temp: 40 }, { temp: 41 }], 'odd key': 'x', ts: 1 }
  it('reads $-paths, indexes, quoted keys and the older dotted form', () => {
    expect(readJsonPath(doc, '$.speed.value')).toBe(12.5)
    expect(readJsonPath(doc, '$.axes[1].temp')).toBe(41)
    expect(readJsonPath(doc, "$['odd key']")).toBe('x')
    expect(readJsonPath(doc, 'axes.0.temp')).toBe(40)
    expect(readJsonPath(doc, '$')).toBe(doc)
    expect(readJsonPath(doc, '$.speed.missing')).toBeUndefined()
    expect(readJsonPath(doc, '$.axes.temp')).toBeUndefined()
  })
  it('formats what it parses, and says where a path is wrong', () => {
    for (const path of ['$.speed.value', '$.axes[0].temp', "$['odd key'].x"]) expect(formatJsonPath(parseJsonPath(path))).toBe(path)
    expect(() => parseJsonPath('$.speed[x]')).toThrow(/position 7/)
    expect(() => parseJsonPath('$speed')).toThrow(/unexpected "s"/)
  })
})
