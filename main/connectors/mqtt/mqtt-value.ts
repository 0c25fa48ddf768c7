import type { Quality, TagValue } from '../../../preload/contract'

export type MappedValue = { value: TagValue['value']; quality: Quality }

const bad = (reason: string): MappedValue => ({ value: null, quality: { status: 'bad', reason } })

function scalar(raw: unknown): TagValue['value'] {
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'string') return raw
  if (raw === null || raw === undefined) return null
  return JSON.stringify(raw)
}

function short(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : (JSON.stringify(raw) ?? String(raw))
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

/** Turns what the payload holds at the mapped place into the tag's data type, or a bad quality saying why not. */
export function coerceMqttValue(raw: unknown, dataType: string | undefined): MappedValue {
  switch (dataType) {
    case 'Double':
    case 'Float':
    case 'Int64':
    case 'Int32': {
      let n: number | undefined
      if (typeof raw === 'number') n = raw
      else if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) n = Number(raw)
      else if (typeof raw === 'boolean') n = raw ? 1 : 0
      if (n === undefined || !Number.isFinite(n)) return bad(`not a number: ${short(raw)}`)
      if ((dataType === 'Int64' || dataType === 'Int32') && !Number.isInteger(n)) return bad(`not an integer: ${n}`)
      return { value: n, quality: { status: 'good' } }
    }
    case 'Boolean': {
      if (typeof raw === 'boolean') return { value: raw, quality: { status: 'good' } }
      if (raw === 0 || raw === 1) return { value: raw === 1, quality: { status: 'good' } }
      if (typeof raw === 'string' && /^(true|false|on|off|1|0)$/i.test(raw.trim()))
        return { value: /^(true|on|1)$/i.test(raw.trim()), quality: { status: 'good' } }
      return bad(`not a boolean: ${short(raw)}`)
    }
    case 'String':
      return { value: typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? ''), quality: { status: 'good' } }
    default:
      return { value: scalar(raw), quality: { status: 'good' } }
  }
}

/** A timestamp field: epoch ms, epoch seconds or an ISO 8601 string. */
export function parseSourceTime(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw < 1e11 ? raw * 1000 : raw
  if (typeof raw === 'string') {
    const t = Date.parse(raw)
    return Number.isNaN(t) ? undefined : t
  }
  return undefined
}
