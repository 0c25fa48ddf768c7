import { describeS7Item, formatS7Address, parseS7Address } from './s7-address'
import { byteSize, formatS7DataType } from './s7-data-types'
import { parseTsap, type S7ConnectionType } from './s7-endpoint'
import { S7Connector, type S7TagConfig } from './s7-connector'
import type { BackoffOptions } from './reconnect-backoff'

// Everything the rest of the app needs about S7, for the protocol registry: build a connector from a stored
// configuration, which fields are secrets, how a tag is described and checked, the CPU presets, and the tools
// (identity, browse, DB source and tag table import, the command line). Nothing here imports another connector or zod.

export const S7_PROTOCOL = 's7' as const

/** A tag of an S7 connection as stored (the contract's zod schema mirrors this). */
export interface S7TagSettings {
  name: string
  address: string
  dataType?: string
  access?: 'read' | 'read-write'
  unit?: string
  range?: { low: number; high: number }
  scanRateMs?: number
  description?: string
}

/** An S7 connection as stored; TSAPs as typed (`01.00`, `0x4D57`) or as numbers. */
export interface S7ConnectionConfig {
  protocol: typeof S7_PROTOCOL
  name: string
  host: string
  port?: number
  rack?: number
  slot?: number
  connectionType?: S7ConnectionType
  localTsap?: string | number
  remoteTsap?: string | number
  pduSize?: number
  timeoutMs?: number
  scanRateMs?: number
  tags: S7TagSettings[]
}

/**
 * S7comm through PUT/GET has no login, so an S7 configuration holds no secret. (The protection-level password of an
 * S7-1200/1500 is not part of this protocol; a connector that adds one lists `password` here.)
 */
export const S7_SECRET_FIELDS = [] as const satisfies readonly (keyof S7ConnectionConfig)[]

export interface BuildS7Options {
  reconnect?: BackoffOptions
  trafficLogSize?: number
}

/** Makes the driver for one stored configuration; throws with the connection and tag named when an address is wrong. */
export function buildS7Connector(id: string, config: S7ConnectionConfig, options: BuildS7Options = {}): S7Connector {
  const tsap = (value: string | number | undefined) => (typeof value === 'string' ? parseTsap(value) : value)
  const tags: S7TagConfig[] = config.tags.map((tag) => ({
    // Tag ids are `<connection id>:<tag name>`, as for every protocol (connections/build-connector.ts tagIdOf).
    id: `${id}:${tag.name}`,
    name: tag.name,
    path: [config.name],
    address: tag.address,
    dataType: tag.dataType,
    access: tag.access,
    unit: tag.unit,
    range: tag.range,
    scanRateMs: tag.scanRateMs,
    description: tag.description,
  }))
  return new S7Connector({
    id,
    name: config.name,
    endpoint: {
      host: config.host,
      port: config.port,
      rack: config.rack,
      slot: config.slot,
      connectionType: config.connectionType,
      localTsap: tsap(config.localTsap),
      remoteTsap: tsap(config.remoteTsap),
      pduSize: config.pduSize,
    },
    timeoutMs: config.timeoutMs,
    defaultScanRateMs: config.scanRateMs,
    tags,
    ...options,
  })
}

export type S7TagCheck = { ok: true; address: string; dataType: string; bytes: number; description: string } | { ok: false; message: string }

/** Checks an address and data type as the engineer types them, for the tag form; never throws. */
export function checkS7Tag(address: string, dataType?: string): S7TagCheck {
  try {
    const item = parseS7Address(address, dataType || undefined)
    return {
      ok: true,
      address: formatS7Address(item),
      dataType: formatS7DataType(item.dataType),
      bytes: byteSize(item.dataType),
      description: describeS7Item(item),
    }
  } catch (error) {
    return { ok: false, message: (error as Error).message }
  }
}

/** One line for a tag in lists and logs: `DB1.DBD0 (REAL)`; the address as typed when it does not parse. */
export function describeS7Tag(tag: Pick<S7TagSettings, 'address' | 'dataType'>): string {
  const check = checkS7Tag(tag.address, tag.dataType)
  return check.ok ? check.description : `${tag.address} (${check.message})`
}

/** The address syntax, for the tag form's help. */
export const S7_ADDRESS_HELP = [
  'DB1.DBX6.2  bit 2 of byte 6 of DB1 (BOOL)',
  'DB1.DBB7 · DB1.DBW4 · DB1.DBD0  byte, word, double word of DB1 (the data type says INT, REAL, …)',
  'M10.0 · MB10 · MW20 · MD24  memory (flags)',
  'I0.0 · IW64 · Q0.1 · QW80  process image inputs and outputs (E/A accepted)',
  'DB1.DBB40 with STRING[20], LREAL, DATE_AND_TIME  longer types by their first byte',
  'DB1,REAL0 · DB1,X6.2 · DB1,S10.20  nodes7 style',
] as const

/** Rack/slot or TSAPs per CPU family, for the connection form's presets. */
export const S7_CPU_PRESETS = [
  { family: 'S7-1500', rack: 0, slot: 1, note: 'enable PUT/GET in the CPU protection settings; DBs non-optimized' },
  { family: 'S7-1200', rack: 0, slot: 1, note: 'enable PUT/GET in the CPU protection settings; DBs non-optimized' },
  { family: 'ET 200SP CPU', rack: 0, slot: 1, note: 'as S7-1500' },
  { family: 'S7-300', rack: 0, slot: 2, note: 'CPU in slot 2 of rack 0' },
  { family: 'S7-400', rack: 0, slot: 3, note: 'check the CPU slot in the hardware configuration (often 2 or 3)' },
  { family: 'WinAC / S7-PLCSIM Advanced', rack: 0, slot: 1, note: '' },
  { family: 'LOGO! 0BA7/0BA8', localTsap: '01.00', remoteTsap: '02.00', note: 'set up a server connection with these TSAPs in LOGO!Soft Comfort' },
  { family: 'S7-200 (CP 243-1)', localTsap: '4D.57', remoteTsap: '4D.57', note: 'the TSAPs configured in the CP wizard' },
] as const

export { S7Connector, type S7ConnectionStatus, type S7ConnectorShape, type S7TagConfig, type S7ConnectorOptions } from './s7-connector'
export { S7_DATA_TYPES, type S7ScalarType } from './s7-data-types'
export type { S7Counters } from './s7-counters'
export type { S7TrafficFrame, S7TrafficLog } from './s7-traffic-log'
export type { S7CpuIdentity } from './s7-identity'
export type { S7BrowseResult, S7DbEntry } from './s7-browse'
export { S7RequestError, type S7FailureKind } from './s7-request-error'
export { parseS7Url, formatS7Endpoint, S7_CONNECTION_TYPES, DEFAULT_S7_PORT, type S7ConnectionType } from './s7-endpoint'
export { parseDbSource, DbSourceError, type DbLayout, type DbSourceTag, type DbSourceSkipped } from './db-source'
export { parseTagTable, TagTableError, type TagTable, type TagTableTag, type TagTableProblem } from './tag-table'
export { runS7Read, runS7Write, runS7Browse } from './cli-s7'
