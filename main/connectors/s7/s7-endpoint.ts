// Where an S7 connection goes: host and port (ISO-on-TCP, 102), and the TSAPs — from rack, slot and connection type
// for S7-300/400/1200/1500, or given as they are for LOGO! and S7-200 behind a CP.

export const S7_CONNECTION_TYPES = ['pg', 'op', 'basic'] as const
export type S7ConnectionType = (typeof S7_CONNECTION_TYPES)[number]
const CONNECTION_TYPE_CODES: Readonly<Record<S7ConnectionType, number>> = { pg: 1, op: 2, basic: 3 }

export const DEFAULT_S7_PORT = 102
/** 960 is what S7-1500 grants; smaller CPUs answer with less (240 or 480) and the smaller size is used. */
export const DEFAULT_PDU_SIZE = 960

/** A connection's settings as a person enters them (the form, the s7:// URL or the config file). */
export interface S7ConnectionSettings {
  host: string
  port?: number
  rack?: number
  slot?: number
  connectionType?: S7ConnectionType
  /** Explicit TSAPs (LOGO!: local 0x0100 remote 0x0200; S7-200 CP: 0x4D57/0x4D57): these override rack and slot. */
  localTsap?: number
  remoteTsap?: number
  /** PDU size asked for in setup communication; the CPU may grant less. */
  pduSize?: number
}

export interface S7Endpoint {
  host: string
  port: number
  rack: number
  slot: number
  connectionType: S7ConnectionType
  localTsap: number
  remoteTsap: number
  /** Whether the TSAPs were given as they are rather than made from rack and slot. */
  explicitTsaps: boolean
  pduSize: number
}

export class S7EndpointError extends Error {
  constructor(input: string, problem: string) {
    super(`S7 endpoint "${input}": ${problem} — use s7://host:102?rack=0&slot=1[&type=pg|op|basic] or s7://host?localTsap=01.00&remoteTsap=02.00`)
    this.name = 'S7EndpointError'
  }
}

/** Checks the settings and works out the TSAPs. */
export function resolveS7Endpoint(settings: S7ConnectionSettings, input = settings.host): S7Endpoint {
  const host = settings.host.trim()
  if (!host) throw new S7EndpointError(input, 'the host is missing')
  const port = settings.port ?? DEFAULT_S7_PORT
  const rack = settings.rack ?? 0
  const slot = settings.slot ?? 1
  const connectionType = settings.connectionType ?? 'pg'
  const pduSize = settings.pduSize ?? DEFAULT_PDU_SIZE
  const check = (name: string, value: number, low: number, high: number) => {
    if (!Number.isInteger(value) || value < low || value > high) throw new S7EndpointError(input, `${name} ${value} must be a whole number ${low}–${high}`)
  }
  check('port', port, 1, 65535)
  check('rack', rack, 0, 7)
  check('slot', slot, 0, 31)
  check('pduSize', pduSize, 240, 960)
  if (!S7_CONNECTION_TYPES.includes(connectionType)) throw new S7EndpointError(input, `connection type "${connectionType}" is not one of pg, op, basic`)
  if ((settings.localTsap === undefined) !== (settings.remoteTsap === undefined)) {
    throw new S7EndpointError(input, 'give both localTsap and remoteTsap, or neither (then rack and slot decide)')
  }
  const explicitTsaps = settings.localTsap !== undefined
  if (explicitTsaps) {
    check('localTsap', settings.localTsap!, 0, 0xffff)
    check('remoteTsap', settings.remoteTsap!, 0, 0xffff)
  }
  return {
    host,
    port,
    rack,
    slot,
    connectionType,
    localTsap: settings.localTsap ?? 0x0100,
    remoteTsap: settings.remoteTsap ?? (CONNECTION_TYPE_CODES[connectionType] << 8) | (rack * 0x20 + slot),
    explicitTsaps,
    pduSize,
  }
}

/** Parses `s7://host[:port]?rack=0&slot=1&type=op&pdu=480` or `s7://host?localTsap=01.00&remoteTsap=02.00`. */
export function parseS7Url(text: string): S7Endpoint {
  const input = text.trim()
  const match = /^s7:\/\/(\[[^\]]+\]|[^:/?]+)(?::(\d+))?\/?(?:\?(.*))?$/i.exec(input)
  if (!match) throw new S7EndpointError(text, 'not an S7 URL')
  const params = new URLSearchParams(match[3] ?? '')
  const known = new Set(['rack', 'slot', 'type', 'pdu', 'localTsap', 'remoteTsap'])
  for (const key of params.keys()) if (!known.has(key)) throw new S7EndpointError(text, `unknown parameter "${key}" (use ${[...known].join(', ')})`)
  const int = (name: string) => {
    const value = params.get(name)
    if (value === null) return undefined
    if (!/^\d+$/.test(value)) throw new S7EndpointError(text, `${name}=${value} is not a whole number`)
    return Number(value)
  }
  const tsap = (name: string) => {
    const value = params.get(name)
    return value === null ? undefined : parseTsap(value, (problem) => new S7EndpointError(text, `${name}: ${problem}`))
  }
  const type = params.get('type')?.toLowerCase()
  return resolveS7Endpoint(
    {
      host: match[1]!.replace(/^\[|\]$/g, ''),
      port: match[2] === undefined ? undefined : Number(match[2]),
      rack: int('rack'),
      slot: int('slot'),
      connectionType: type as S7ConnectionType | undefined,
      pduSize: int('pdu'),
      localTsap: tsap('localTsap'),
      remoteTsap: tsap('remoteTsap'),
    },
    text,
  )
}

/** A TSAP as LOGO!Soft and STEP 7 show it (`01.00`, `4D.57`), or as hex (`0x0100`, `0100`). */
export function parseTsap(text: string, error: (problem: string) => Error = (p) => new Error(`TSAP "${text}": ${p}`)): number {
  const trimmed = text.trim()
  const dotted = /^([0-9a-f]{1,2})\.([0-9a-f]{1,2})$/i.exec(trimmed)
  if (dotted) return (parseInt(dotted[1]!, 16) << 8) | parseInt(dotted[2]!, 16)
  const hex = /^(?:0x)?([0-9a-f]{1,4})$/i.exec(trimmed)
  if (hex) return parseInt(hex[1]!, 16)
  throw error('write it as two hex bytes, e.g. 01.00, 02.00 or 0x4D57')
}

export function formatTsap(tsap: number): string {
  return `${(tsap >> 8).toString(16).padStart(2, '0')}.${(tsap & 0xff).toString(16).padStart(2, '0')}`.toUpperCase()
}

export function formatS7Endpoint(endpoint: S7Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
  const where = `s7://${host}:${endpoint.port}`
  if (endpoint.explicitTsaps) return `${where}?localTsap=${formatTsap(endpoint.localTsap)}&remoteTsap=${formatTsap(endpoint.remoteTsap)}`
  return `${where}?rack=${endpoint.rack}&slot=${endpoint.slot}${endpoint.connectionType === 'pg' ? '' : `&type=${endpoint.connectionType}`}`
}

/** `192.168.0.1:102 rack 0 slot 1`, the way errors name the PLC. */
export function describeS7Endpoint(endpoint: S7Endpoint): string {
  const tsaps = endpoint.explicitTsaps
    ? `TSAP ${formatTsap(endpoint.localTsap)}→${formatTsap(endpoint.remoteTsap)}`
    : `rack ${endpoint.rack} slot ${endpoint.slot}`
  return `${endpoint.host}:${endpoint.port} ${tsaps}`
}
