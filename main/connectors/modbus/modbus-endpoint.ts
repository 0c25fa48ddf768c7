// Where a Modbus connection goes: TCP, RTU on a serial port, or RTU frames over TCP (serial gateways).

export type ModbusParity = 'none' | 'even' | 'odd' | 'mark' | 'space'

export type ModbusTransport =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'rtu-over-tcp'; host: string; port: number }
  | { kind: 'rtu'; path: string; baudRate: number; parity: ModbusParity; dataBits: 5 | 6 | 7 | 8; stopBits: 1 | 2 }

export interface ModbusEndpoint {
  transport: ModbusTransport
  /** Unit id (slave address) used when a tag does not name its own. */
  unitId: number
}

export class ModbusEndpointError extends Error {
  constructor(input: string, problem: string) {
    super(
      `Modbus endpoint "${input}": ${problem} — use modbus://host:502?unit=1, modbus+rtu-tcp://host:4001?unit=1 ` +
        'or modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even&dataBits=8&stopBits=1&unit=1',
    )
    this.name = 'ModbusEndpointError'
  }
}

const PARITIES: readonly ModbusParity[] = ['none', 'even', 'odd', 'mark', 'space']

/** Parses `modbus://`, `modbus+tcp://`, `modbus+rtu-tcp://` and `modbus+rtu:///dev/ttyUSB0` URLs. */
export function parseModbusEndpoint(text: string): ModbusEndpoint {
  const input = text.trim()
  const match = /^(modbus(?:\+tcp|\+rtu-tcp|\+rtu)?):\/\/([^?]*)(?:\?(.*))?$/i.exec(input)
  if (!match) throw new ModbusEndpointError(text, 'not a Modbus URL')
  const scheme = match[1]!.toLowerCase()
  const params = new URLSearchParams(match[3] ?? '')
  const unitId = integerParam(text, params, 'unit', 1, 0, 255)
  if (scheme === 'modbus+rtu') {
    const path = decodeURIComponent(match[2]!)
    if (!path) throw new ModbusEndpointError(text, 'the serial port path is missing')
    const parity = (params.get('parity') ?? 'none').toLowerCase() as ModbusParity
    if (!PARITIES.includes(parity)) throw new ModbusEndpointError(text, `parity "${parity}" is not one of ${PARITIES.join(', ')}`)
    const dataBits = integerParam(text, params, 'dataBits', 8, 5, 8) as 5 | 6 | 7 | 8
    const stopBits = integerParam(text, params, 'stopBits', 1, 1, 2) as 1 | 2
    const baudRate = integerParam(text, params, 'baud', 9600, 50, 4_000_000)
    return { unitId, transport: { kind: 'rtu', path, baudRate, parity, dataBits, stopBits } }
  }
  const hostPort = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(match[2]!)
  if (!hostPort) throw new ModbusEndpointError(text, 'host (and optional :port) expected after //')
  const host = hostPort[1]!.replace(/^\[|\]$/g, '')
  const port = hostPort[2] === undefined ? 502 : Number(hostPort[2])
  if (port < 1 || port > 65535) throw new ModbusEndpointError(text, `port ${port} is outside 1..65535`)
  return { unitId, transport: { kind: scheme === 'modbus+rtu-tcp' ? 'rtu-over-tcp' : 'tcp', host, port } }
}

function integerParam(input: string, params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name)
  if (raw === null || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new ModbusEndpointError(input, `${name}=${raw} is not a whole number in ${min}..${max}`)
  return value
}

/** How people name the far end in messages: `127.0.0.1:5020` or `/dev/ttyUSB0 19200 8E1`. */
export function describeTransport(transport: ModbusTransport): string {
  if (transport.kind === 'rtu') {
    return `${transport.path} ${transport.baudRate} ${transport.dataBits}${transport.parity[0]!.toUpperCase()}${transport.stopBits}`
  }
  const host = transport.host.includes(':') ? `[${transport.host}]` : transport.host
  return `${host}:${transport.port}`
}

/** The URL form, as parseModbusEndpoint reads it back. */
export function formatModbusEndpoint(endpoint: ModbusEndpoint): string {
  const { transport, unitId } = endpoint
  if (transport.kind === 'rtu') {
    return `modbus+rtu://${transport.path}?baud=${transport.baudRate}&parity=${transport.parity}&dataBits=${transport.dataBits}&stopBits=${transport.stopBits}&unit=${unitId}`
  }
  const scheme = transport.kind === 'tcp' ? 'modbus' : 'modbus+rtu-tcp'
  return `${scheme}://${describeTransport(transport)}?unit=${unitId}`
}
