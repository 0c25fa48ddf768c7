import type { TagInfo } from '../../../preload/contract'

export interface WriteCheck {
  name: string
  ok: boolean
  message: string
}

const INTEGER_LIMITS: Record<string, [number, number]> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  // OPC UA names
  sbyte: [-128, 127],
  byte: [0, 255],
  uint16_: [0, 65535],
}
const OPCUA_INTEGERS: Record<string, string> = {
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  sbyte: 'sbyte',
  byte: 'byte',
}
const FLOATS = new Set(['float32', 'float64', 'float', 'double'])

/** Type, then range: what a value must pass before it may be sent to `tag`. */
export function checkWriteValue(tag: TagInfo, value: number | boolean | string): WriteCheck[] {
  const checks: WriteCheck[] = []
  checks.push(
    tag.access === 'read-write'
      ? { name: 'access', ok: true, message: 'tag is read-write' }
      : { name: 'access', ok: false, message: `${tag.name} is read-only — only read-write tags can be written` },
  )
  const type = tag.dataType.toLowerCase()
  const integer = OPCUA_INTEGERS[type]
  if (type === 'bool' || type === 'boolean') {
    checks.push({
      name: 'type',
      ok: typeof value === 'boolean',
      message: typeof value === 'boolean' ? 'boolean' : `${tag.name} is a boolean — send true or false`,
    })
  } else if (integer) {
    const [low, high] = INTEGER_LIMITS[integer]!
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high
    checks.push({
      name: 'type',
      ok,
      message: ok ? `${tag.dataType} ${value}` : `${tag.name} is ${tag.dataType}: a whole number in ${low}..${high} is needed, got ${JSON.stringify(value)}`,
    })
  } else if (FLOATS.has(type)) {
    const ok = typeof value === 'number' && Number.isFinite(value)
    checks.push({
      name: 'type',
      ok,
      message: ok ? `${tag.dataType} ${value}` : `${tag.name} is ${tag.dataType}: a finite number is needed, got ${JSON.stringify(value)}`,
    })
  } else if (type === 'string') {
    checks.push({ name: 'type', ok: typeof value === 'string', message: typeof value === 'string' ? 'string' : `${tag.name} is a string — send text` })
  } else {
    checks.push({ name: 'type', ok: true, message: `${tag.dataType}: the device decides` })
  }
  if (tag.range && typeof value === 'number') {
    const { low, high } = tag.range
    const ok = value >= low && value <= high
    checks.push({
      name: 'range',
      ok,
      message: ok
        ? `${value} is within ${low}..${high}${tag.unit ? ` ${tag.unit}` : ''}`
        : `${value} is outside the range ${low}..${high}${tag.unit ? ` ${tag.unit}` : ''} of ${tag.name}`,
    })
  }
  return checks
}
