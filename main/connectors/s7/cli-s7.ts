import { parseArgs } from 'node:util'
import { AREA_CODES, describeS7Item, formatS7Address, parseS7Address, type S7Item } from './s7-address'
import { browseS7 } from './s7-browse'
import { byteSize, decodeS7Value, encodeS7Value, formatS7DataType, type S7Value } from './s7-data-types'
import { describeS7Endpoint, parseS7Url, type S7Endpoint } from './s7-endpoint'
import { RETURN_CODE } from './s7-frames'
import { describeItemFailure, S7RequestError } from './s7-request-error'
import { S7Session } from './s7-session'
import { toHex } from '../traffic-diagnostics'

// `otw read|write|browse s7://…`: the S7 side of the command line. Exit codes as the other protocols: 0 ok, 1 failed, 2 usage.

export interface CliIo {
  stdout(s: string): void
  stderr(s: string): void
}

class UsageError extends Error {}

const READ_USAGE = 'usage: otw read s7://host:102?rack=0&slot=1 <address> [--type REAL|INT|STRING[20]|…] [--timeout ms] [--json]'
const WRITE_USAGE = 'usage: otw write s7://host:102?rack=0&slot=1 <address> <value> [--type REAL|…] [--timeout ms] --yes'
const BROWSE_USAGE = 'usage: otw browse s7://host:102?rack=0&slot=1 [--timeout ms] [--json]'

function usage<T>(body: () => T): T {
  try {
    return body()
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function timeoutOption(text: string | undefined): number {
  if (text === undefined) return 2000
  const value = Number(text)
  if (!Number.isInteger(value) || value < 50) throw new UsageError(`--timeout ${text}: use a whole number of milliseconds, at least 50`)
  return value
}

async function guarded(io: CliIo, usageText: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (error) {
    if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(error as Error).message}\n${usageText}\n`)
      return 2
    }
    io.stderr(`${(error as Error).message}\n`)
    return 1
  }
}

async function withSession<T>(endpoint: S7Endpoint, timeoutMs: number, body: (session: S7Session) => Promise<T>): Promise<T> {
  const session = await S7Session.open(endpoint, { timeoutMs })
  try {
    return await body(session)
  } finally {
    await session.close()
  }
}

interface ReadValue {
  address: string
  dataType: string
  value: S7Value
  raw: string
}

async function readItem(session: S7Session, endpoint: S7Endpoint, item: S7Item): Promise<ReadValue> {
  const size = byteSize(item.dataType)
  const [result] = await session.readItems([{ areaCode: AREA_CODES[item.area], db: item.db, offset: item.offset, length: size }])
  if (result!.returnCode !== RETURN_CODE.ok) {
    const dbSize =
      result!.returnCode === RETURN_CODE.addressOutOfRange && item.area === 'DB'
        ? (await session.dbSize(item.db).catch(() => ({ size: undefined }))).size
        : undefined
    throw new S7RequestError(`S7 ${describeS7Endpoint(endpoint)}: ${describeItemFailure(result!.returnCode, item, dbSize)}`, 'item', result!.returnCode)
  }
  return {
    address: formatS7Address(item),
    dataType: formatS7DataType(item.dataType),
    value: decodeS7Value(result!.data, item.dataType, item.bit),
    raw: toHex(result!.data),
  }
}

const show = (value: S7Value) => (typeof value === 'string' ? JSON.stringify(value) : String(value))

/** `otw read s7://127.0.0.1:102?rack=0&slot=1 DB1.DBD0 --type real [--json]` */
export function runS7Read(url: string, args: string[], io: CliIo): Promise<number> {
  return guarded(io, READ_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: { type: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
    })
    if (positionals.length !== 1) throw new UsageError(`expected one address, got ${positionals.length}`)
    const endpoint = usage(() => parseS7Url(url))
    const item = usage(() => parseS7Address(positionals[0]!, values.type))
    const read = await withSession(endpoint, timeoutOption(values.timeout), (session) => readItem(session, endpoint, item))
    io.stdout(values.json ? `${JSON.stringify(read, null, 2)}\n` : `${read.address}  ${read.dataType}  ${show(read.value)}  [${read.raw}]\n`)
    return 0
  })
}

/** `otw write s7://…?rack=0&slot=1 DB1.DBX6.2 true --yes`: prints the old and the new value, both read from the CPU. */
export function runS7Write(url: string, args: string[], io: CliIo): Promise<number> {
  return guarded(io, WRITE_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: { type: { type: 'string' }, timeout: { type: 'string' }, yes: { type: 'boolean' } },
      allowPositionals: true,
    })
    if (positionals.length !== 2) throw new UsageError(`expected an address and a value, got ${positionals.length} argument(s)`)
    const endpoint = usage(() => parseS7Url(url))
    const item = usage(() => parseS7Address(positionals[0]!, values.type))
    if (item.area === 'I') throw new UsageError(`${formatS7Address(item)}: inputs are written by the I/O, not by a client`)
    const data = usage(() => encodeS7Value(positionals[1]!, item.dataType))
    if (!values.yes)
      throw new UsageError(`writing ${positionals[1]} to ${describeS7Item(item)} on ${describeS7Endpoint(endpoint)} changes the PLC — add --yes to confirm`)
    const { before, after } = await withSession(endpoint, timeoutOption(values.timeout), async (session) => {
      const before = await readItem(session, endpoint, item)
      const [code] = await session.writeItems([{ areaCode: AREA_CODES[item.area], db: item.db, offset: item.offset, bit: item.bit, data }])
      if (code !== RETURN_CODE.ok) throw new S7RequestError(`S7 ${describeS7Endpoint(endpoint)}: writing ${describeItemFailure(code!, item)}`, 'item', code)
      return { before, after: await readItem(session, endpoint, item) }
    })
    io.stdout(`${after.address} ${after.dataType}: ${show(before.value)} -> ${show(after.value)}\n`)
    return 0
  })
}

/** `otw browse s7://…`: the CPU's identity and the DBs it lists, where it answers. */
export function runS7Browse(url: string, args: string[], io: CliIo): Promise<number> {
  return guarded(io, BROWSE_USAGE, async () => {
    const { values, positionals } = parseArgs({ args, options: { timeout: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true })
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
    const endpoint = usage(() => parseS7Url(url))
    const result = await withSession(endpoint, timeoutOption(values.timeout), browseS7)
    if (values.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`)
      return 0
    }
    const { identity } = result
    const lines = [
      ['Order number', identity.orderNumber],
      ['Module', identity.moduleName],
      ['Module type', identity.moduleTypeName],
      ['Firmware', identity.firmware],
      ['Serial number', identity.serialNumber],
      ['Station', identity.systemName],
      ['Plant id', identity.plantId],
      ['PDU size', String(identity.pduSize)],
    ].filter((line): line is [string, string] => line[1] !== undefined)
    for (const [label, value] of lines) io.stdout(`${label.padEnd(14)} ${value}\n`)
    for (const missing of identity.unavailable) io.stdout(`not provided   SZL ${missing}\n`)
    if (result.dbs)
      io.stdout(`DBs            ${result.dbs.map((d) => (d.size === undefined ? `DB${d.db}` : `DB${d.db} (${d.size} bytes)`)).join(', ') || 'none'}\n`)
    else io.stdout(`DBs            ${result.dbListProblem}\n`)
    return 0
  })
}
