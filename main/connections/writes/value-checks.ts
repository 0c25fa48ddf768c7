import type { TagInfo } from '../../../preload/contract'
import { engineeringToRaw, rawToEngineering } from '../../tags/scaling'

export interface WriteCheck {
  name: string
  ok: boolean
  message: string
}

/** Whole-number types (Modbus and OPC UA names) and the raw values they hold. */
const INTEGER_LIMITS: Record<string, [number, number]> = {
  sbyte: [-128, 127],
  byte: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
}
/** The largest finite float32 (OPC UA calls the type Float). */
const FLOAT32_MAX = 3.4028234663852886e38
const FLOAT_LIMITS: Record<string, number> = { float32: FLOAT32_MAX, float: FLOAT32_MAX, float64: Number.MAX_VALUE, double: Number.MAX_VALUE }

const unitOf = (tag: TagInfo): string => (tag.unit ? ` ${tag.unit}` : '')

/**
 * Type, then range: what a value must pass before it may be sent to `tag`. Values are in engineering units; for a
 * scaled tag the raw value the device will hold (rounded for whole-number types, as the encoder does) must fit the
 * raw type.
 */
export function checkWriteValue(tag: TagInfo, value: number | boolean | string): WriteCheck[] {
  const checks: WriteCheck[] = [
    tag.access === 'read-write'
      ? { name: 'access', ok: true, message: 'tag is read-write' }
      : { name: 'access', ok: false, message: `${tag.name} is read-only — only read-write tags can be written` },
  ]
  const type = tag.dataType.toLowerCase()
  if (type.endsWith('[]')) {
    checks.push(checkArray(tag, value))
    return checks
  }
  if (type === 'bool' || type === 'boolean') {
    const ok = typeof value === 'boolean'
    checks.push({ name: 'type', ok, message: ok ? 'boolean' : `${tag.name} is a boolean — send true or false` })
  } else if (type === 'string') {
    const ok = typeof value === 'string'
    checks.push({ name: 'type', ok, message: ok ? 'string' : `${tag.name} is a string — send text` })
  } else if (INTEGER_LIMITS[type] || FLOAT_LIMITS[type]) {
    checks.push(checkNumber(tag, type, value))
  } else {
    checks.push({ name: 'type', ok: true, message: `${tag.dataType}: the device decides` })
  }
  if (tag.range && typeof value === 'number') {
    const { low, high } = tag.range
    const ok = value >= low && value <= high
    checks.push({
      name: 'range',
      ok,
      message: ok ? `${value} is within ${low}..${high}${unitOf(tag)}` : `${value} is outside the range ${low}..${high}${unitOf(tag)} of ${tag.name}`,
    })
  }
  return checks
}

/** An array tag (OPC UA `Double[]`) takes a JSON array or comma-separated elements, each checked as its element type. */
function checkArray(tag: TagInfo, value: number | boolean | string): WriteCheck {
  const elementType = tag.dataType.slice(0, -2)
  let elements: unknown[]
  const text = String(value).trim()
  try {
    const parsed: unknown = text.startsWith('[') ? JSON.parse(text) : text === '' ? [] : text.split(',').map((item) => item.trim())
    if (!Array.isArray(parsed)) throw new Error('not an array')
    elements = parsed
  } catch {
    return { name: 'type', ok: false, message: `${tag.name} is an array of ${elementType} — write [1, 2.5, 3] or 1, 2.5, 3` }
  }
  const element: TagInfo = { ...tag, dataType: elementType, range: undefined }
  for (const [index, item] of elements.entries()) {
    const coerced =
      typeof item === 'string' && /^(double|float|u?int\d+|s?byte)$/i.test(elementType) && item !== '' && Number.isFinite(Number(item))
        ? Number(item)
        : (item as number | boolean | string)
    const failed = checkWriteValue({ ...element, access: 'read-write' }, coerced).find((check) => !check.ok)
    if (failed) return { name: 'type', ok: false, message: `element [${index}]: ${failed.message}` }
  }
  return { name: 'type', ok: true, message: `${elementType}[${elements.length}]: ${elements.join(', ')}` }
}

function checkNumber(tag: TagInfo, type: string, value: number | boolean | string): WriteCheck {
  const fail = (message: string): WriteCheck => ({ name: 'type', ok: false, message })
  if (typeof value !== 'number' || !Number.isFinite(value))
    return fail(`${tag.name} is ${tag.dataType}: a finite number is needed, got ${JSON.stringify(value)}`)
  const { scaling } = tag
  const integer = INTEGER_LIMITS[type]
  if (integer) {
    const [low, high] = integer
    if (!scaling) {
      if (!Number.isInteger(value)) return fail(`${tag.name} is ${tag.dataType}: a whole number in ${low}..${high} is needed, got ${value}`)
      if (value < low || value > high) return fail(`${value} does not fit ${tag.dataType} (${low}..${high}) of ${tag.name}`)
      return { name: 'type', ok: true, message: `${tag.dataType} ${value}` }
    }
    const raw = Math.round(engineeringToRaw(value, scaling))
    if (raw < low || raw > high) {
      const [engA, engB] = [rawToEngineering(low, scaling), rawToEngineering(high, scaling)]
      return fail(
        `${value}${unitOf(tag)} is raw ${raw} after scaling, outside ${tag.dataType} (${low}..${high}) — ${tag.name} holds ${Math.min(engA, engB)} … ${Math.max(engA, engB)}${unitOf(tag)}`,
      )
    }
    return { name: 'type', ok: true, message: `${value}${unitOf(tag)} is raw ${raw} (${tag.dataType})` }
  }
  const limit = FLOAT_LIMITS[type]!
  const raw = scaling ? engineeringToRaw(value, scaling) : value
  if (!Number.isFinite(raw) || Math.abs(raw) > limit) {
    return fail(`${value}${scaling ? ` (raw ${raw} after scaling)` : ''} is outside the range of ${tag.dataType} (±${limit.toPrecision(8)}) of ${tag.name}`)
  }
  return { name: 'type', ok: true, message: scaling ? `${value}${unitOf(tag)} is raw ${raw} (${tag.dataType})` : `${tag.dataType} ${value}` }
}
