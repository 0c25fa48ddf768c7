import { parseArgs } from 'node:util'
import { formatBoth, formatModicon, formatOffset, isRegisterTable, parseModbusAddress, type ModbusAddress } from '../../../preload/contract/modbus-address'
import { decodeTagValue, encodeTagValue, registerCount } from '../../tags/modbus-codec'
import { ByteOrder, DATA_TYPES, type DataType, type TagScalar } from '../../tags/tag'
import { describeTransport, parseModbusEndpoint, type ModbusEndpoint } from './modbus-endpoint'
import { ModbusSession } from './modbus-session'
import { describeAddressRange, scanRegisterRange, scanUnitIds, type ScanProgress } from './scan'

// `otw read|write|scan modbus://…`: Modbus Poll on the command line. Exit codes: 0 ok, 1 failed, 2 usage.

export interface CliIo {
  stdout(s: string): void
  stderr(s: string): void
}

class UsageError extends Error {}

const READ_USAGE =
  'usage: otw read modbus://host:port?unit=1 <address> [--type float32] [--order ABCD] [--count n] [--length registers] [--timeout ms] [--json]'
const WRITE_USAGE = 'usage: otw write modbus://host:port?unit=1 <address> <value>[,<value>…] [--type uint16] [--order ABCD] [--length registers] --yes'
const SCAN_USAGE = 'usage: otw scan modbus://host:port[?unit=1] (--units 1-247 | --range 30001-30300) [--timeout ms] [--json]'

interface ValueFormat {
  dataType: DataType
  byteOrder: ByteOrder
  stringLength?: number
}

function formatOptions(values: { type?: string; order?: string; length?: string }, address: ModbusAddress): ValueFormat {
  const bitLike = !isRegisterTable(address.table) || address.bit !== undefined
  const dataType = (values.type ?? (bitLike ? 'bool' : 'uint16')) as DataType
  if (!DATA_TYPES.includes(dataType)) throw new UsageError(`--type ${values.type}: use one of ${DATA_TYPES.join(', ')}`)
  if (bitLike && dataType !== 'bool') throw new UsageError(`${formatBoth(address)} is a single bit, so --type must be bool`)
  const order = ByteOrder.safeParse(values.order ?? 'ABCD')
  if (!order.success) throw new UsageError(`--order ${values.order}: use ABCD, BADC, CDAB or DCBA (64-bit names accepted)`)
  let stringLength: number | undefined
  if (dataType === 'string') {
    stringLength = Number(values.length ?? NaN)
    if (!Number.isInteger(stringLength) || stringLength < 1) throw new UsageError('--type string needs --length <registers> (2 characters each)')
  }
  return { dataType, byteOrder: order.data, stringLength }
}

function parseAddress(text: string | undefined): ModbusAddress {
  if (text === undefined) throw new UsageError('the address is missing (40001, 30001, 00001, 10001, hr:0, 40001.3)')
  try {
    return parseModbusAddress(text)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function parseEndpoint(url: string): ModbusEndpoint {
  try {
    return parseModbusEndpoint(url)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function positiveInteger(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} ${text}: use a whole number of at least 1`)
  return value
}

/** Runs a command body, turning usage errors into exit 2 and everything else into exit 1. */
async function guarded(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(error as Error).message}\n${usage}\n`)
      return 2
    }
    io.stderr(`${(error as Error).message}\n`)
    return 1
  }
}

async function withSession<T>(endpoint: ModbusEndpoint, timeoutMs: number, body: (session: ModbusSession) => Promise<T>): Promise<T> {
  const session = new ModbusSession({ transport: endpoint.transport, timeoutMs })
  await session.open()
  try {
    return await body(session)
  } finally {
    await session.close()
  }
}

interface ReadValue {
  address: string
  offset: string
  dataType: DataType
  byteOrder: ByteOrder
  value: TagScalar
  raw: number[]
}

/** Reads `count` consecutive values of one format starting at `address`, in as few requests as the protocol allows. */
async function readValues(session: ModbusSession, unitId: number, address: ModbusAddress, format: ValueFormat, count: number): Promise<ReadValue[]> {
  const width = isRegisterTable(address.table) ? registerCount(format) : 1
  const perRequest = Math.max(1, Math.floor((isRegisterTable(address.table) ? 125 : 2000) / width))
  const values: ReadValue[] = []
  for (let first = 0; first < count; first += perRequest) {
    const n = Math.min(perRequest, count - first)
    const offset = address.offset + first * width
    const data: (number | boolean)[] = isRegisterTable(address.table)
      ? await session.readRegisters(unitId, address.table, offset, n * width)
      : await session.readBits(unitId, address.table, offset, n)
    for (let i = 0; i < n; i++) {
      const at: ModbusAddress = { ...address, offset: offset + i * width }
      const slice = data.slice(i * width, (i + 1) * width)
      const value = decodeTagValue(slice, { name: formatModicon(at), address: formatOffset(at), ...format })
      values.push({ address: formatModicon(at), offset: formatOffset(at), ...format, value, raw: slice.map(Number) })
    }
  }
  return values
}

function showValue(v: ReadValue): string {
  const order = v.dataType === 'bool' ? '' : ` ${v.byteOrder}`
  const bits = /^(co|di):/.test(v.offset)
  const raw = v.raw.map((w) => (bits ? String(w) : `0x${w.toString(16).toUpperCase().padStart(4, '0')}`))
  return `${v.address} (${v.offset})  ${v.dataType}${order}  ${typeof v.value === 'string' ? JSON.stringify(v.value) : String(v.value)}  [${raw.join(' ')}]`
}

const readOptions = {
  type: { type: 'string' },
  order: { type: 'string' },
  count: { type: 'string' },
  length: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const

/** `otw read modbus://127.0.0.1:5020?unit=1 40001 --type float32 --order CDAB [--count n] [--json]` */
export function runModbusRead(url: string, args: string[], io: CliIo): Promise<number> {
  return guarded(io, READ_USAGE, async () => {
    const { values, positionals } = parseArgs({ args, options: readOptions, allowPositionals: true })
    if (positionals.length !== 1) throw new UsageError(`expected one address, got ${positionals.length}`)
    const endpoint = parseEndpoint(url)
    const address = parseAddress(positionals[0])
    const format = formatOptions(values, address)
    const count = positiveInteger(values.count, 1, '--count')
    const timeoutMs = positiveInteger(values.timeout, 1000, '--timeout')
    const read = await withSession(endpoint, timeoutMs, (session) => readValues(session, endpoint.unitId, address, format, count))
    io.stdout(values.json ? `${JSON.stringify(read, null, 2)}\n` : read.map((v) => `${showValue(v)}\n`).join(''))
    return 0
  })
}

function parseValue(text: string, dataType: DataType): TagScalar | bigint {
  if (dataType === 'string') return text
  if (dataType === 'bool') {
    const lower = text.trim().toLowerCase()
    if (['1', 'true', 'on'].includes(lower)) return true
    if (['0', 'false', 'off'].includes(lower)) return false
    throw new UsageError(`value "${text}" is not a bool (true/false, 1/0, on/off)`)
  }
  if (dataType.startsWith('float')) {
    const value = Number(text)
    if (text.trim() === '' || Number.isNaN(value)) throw new UsageError(`value "${text}" is not a number for ${dataType}`)
    return value
  }
  if (!/^\s*-?\d+\s*$/.test(text)) throw new UsageError(`value "${text}" is not a whole number for ${dataType}`)
  return dataType.endsWith('64') ? BigInt(text.trim()) : Number(text)
}

const writeOptions = {
  type: { type: 'string' },
  order: { type: 'string' },
  length: { type: 'string' },
  timeout: { type: 'string' },
  yes: { type: 'boolean' },
} as const

/**
 * `otw write modbus://…?unit=1 40003 300 --type uint16 --yes`; `1,0,1` writes consecutive values (FC15 / FC16).
 * Prints the old and the new value, both read from the device.
 */
export function runModbusWrite(url: string, args: string[], io: CliIo): Promise<number> {
  return guarded(io, WRITE_USAGE, async () => {
    const { values, positionals } = parseArgs({ args, options: writeOptions, allowPositionals: true })
    if (positionals.length !== 2) throw new UsageError(`expected an address and a value, got ${positionals.length} argument(s)`)
    const endpoint = parseEndpoint(url)
    const address = parseAddress(positionals[0])
    if (address.table === 'ir' || address.table === 'di') throw new UsageError(`${formatBoth(address)}: input registers and discrete inputs are read-only`)
    const format = formatOptions(values, address)
    const texts = format.dataType === 'string' ? [positionals[1]!] : positionals[1]!.split(',')
    const parsed = texts.map((t) => parseValue(t, format.dataType))
    if (address.bit !== undefined && parsed.length > 1) throw new UsageError('a bit in a register takes one value')
    if (!values.yes) {
      throw new UsageError(
        `writing ${texts.join(',')} to ${formatBoth(address)} on ${describeTransport(endpoint.transport)} unit ${endpoint.unitId} changes the device — add --yes to confirm`,
      )
    }
    const timeoutMs = positiveInteger(values.timeout, 1000, '--timeout')
    const unitId = endpoint.unitId
    const { before, after } = await withSession(endpoint, timeoutMs, async (session) => {
      const before = await readValues(session, unitId, address, format, parsed.length)
      const tagFor = (offset: number) => ({ name: formatModicon({ ...address, offset }), address: formatOffset({ ...address, offset }), ...format })
      if (address.table === 'co') {
        const bits = parsed.map((v, i) => encodeTagValue(v, tagFor(address.offset + i))[0] === 1)
        if (bits.length === 1) await session.writeCoil(unitId, address.offset, bits[0]!)
        else await session.writeCoils(unitId, address.offset, bits)
      } else if (address.bit !== undefined) {
        const [word] = encodeTagValue(parsed[0]!, tagFor(address.offset), before[0]!.raw[0])
        await session.writeRegister(unitId, address.offset, word!)
      } else {
        const width = registerCount(format)
        const words = parsed.flatMap((v, i) => encodeTagValue(v, tagFor(address.offset + i * width)))
        if (words.length === 1) await session.writeRegister(unitId, address.offset, words[0]!)
        else await session.writeRegisters(unitId, address.offset, words)
      }
      return { before, after: await readValues(session, unitId, address, format, parsed.length) }
    })
    const show = (v: ReadValue) => (typeof v.value === 'string' ? JSON.stringify(v.value) : String(v.value))
    for (let i = 0; i < after.length; i++) {
      io.stdout(`${after[i]!.address} (${after[i]!.offset}) ${format.dataType}: ${show(before[i]!)} -> ${show(after[i]!)}\n`)
    }
    return 0
  })
}

const scanOptions = {
  units: { type: 'string' },
  range: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const

function parseSpan(text: string, what: string): [string, string] {
  const parts = text.split('-')
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`${what} ${text}: expected <first>-<last>`)
  return [parts[0], parts[1]]
}

/** Progress on stderr at most every 10 % so a scan of 247 ids does not flood the terminal. */
function progressPrinter(io: CliIo) {
  let lastDecile = -1
  return (p: ScanProgress) => {
    const decile = Math.floor((p.done / p.total) * 10)
    if (decile === lastDecile) return
    lastDecile = decile
    const eta = Number.isFinite(p.etaMs) ? `, ETA ${(p.etaMs / 1000).toFixed(1)} s` : ''
    io.stderr(`scanned ${p.done}/${p.total} (${p.rate.toFixed(1)}/s${eta})\n`)
  }
}

/** `otw scan modbus://127.0.0.1:5020 --units 1-10` or `--range 30001-30300`; the signal cancels (Ctrl+C). */
export function runModbusScan(url: string, args: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  return guarded(io, SCAN_USAGE, async () => {
    const { values, positionals } = parseArgs({ args, options: scanOptions, allowPositionals: true })
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
    if ((values.units === undefined) === (values.range === undefined)) throw new UsageError('give exactly one of --units or --range')
    const endpoint = parseEndpoint(url)
    const onProgress = progressPrinter(io)
    if (values.units !== undefined) {
      const [first, last] = parseSpan(values.units, '--units').map(Number) as [number, number]
      if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last > 255 || first > last) {
        throw new UsageError(`--units ${values.units}: use whole numbers like 1-247`)
      }
      const timeoutMs = positiveInteger(values.timeout, 300, '--timeout')
      const report = await withSession(endpoint, timeoutMs, (session) => scanUnitIds(session, { from: first, to: last, timeoutMs, signal, onProgress }))
      if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`)
      else {
        for (const r of report.results.filter((r) => r.status !== 'silent')) io.stdout(`unit ${r.unitId}: ${r.detail}\n`)
        io.stdout(`${report.found.length} unit(s) found in ${first}-${last}${report.cancelled ? ' (cancelled)' : ''}\n`)
      }
      return report.cancelled ? 1 : 0
    }
    const [firstText, lastText] = parseSpan(values.range!, '--range')
    const first = parseAddress(firstText)
    const last = parseAddress(lastText)
    if (first.table !== last.table || first.bit !== undefined || last.bit !== undefined || first.offset > last.offset) {
      throw new UsageError(`--range ${values.range}: both ends in the same table, first <= last, no bits (e.g. 30001-30300)`)
    }
    const timeoutMs = positiveInteger(values.timeout, 1000, '--timeout')
    const report = await withSession(endpoint, timeoutMs, (session) =>
      scanRegisterRange(session, { unitId: endpoint.unitId, table: first.table, from: first.offset, to: last.offset, signal, onProgress }),
    )
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`)
    else {
      for (const range of report.ranges) io.stdout(`${describeAddressRange(range)}\n`)
      io.stdout(`${report.answered} answer, ${report.rejected} rejected${report.cancelled ? ' (cancelled)' : ''}\n`)
    }
    return report.cancelled ? 1 : 0
  })
}
