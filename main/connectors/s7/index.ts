import { WorkbenchError, type BrowseNodeInfo, type S7Device } from '../../../preload/contract'
import { tagIdOf, type Connector } from '../connector'
import { noSecrets, type ConfigOf, type ProtocolModule, type ProtocolTools } from '../protocol-module'
import { describeS7Item, formatS7Address, parseS7Address } from './s7-address'
import { byteSize, formatS7DataType } from './s7-data-types'
import { parseTsap } from './s7-endpoint'
import { S7Connector, type S7TagConfig } from './s7-connector'
import type { BackoffOptions } from '../reconnect-backoff'

// Everything the rest of the app needs about S7, for the protocol registry: the driver from a stored configuration, its
// (absent) secrets, the tools (the DBs as a browse list), carry-over of diagnostics, how a tag is checked and described,
// the CPU's identity, DB source / tag table import and the command line. Nothing here imports another connector.

/** An S7 connection as stored (the contract's schema, defaults filled in). */
export type S7ConnectionConfig = ConfigOf<'s7'>

export interface BuildS7Options {
  reconnect?: BackoffOptions
  trafficLogSize?: number
}

/** Makes the driver for one stored configuration; throws with the connection and tag named when an address is wrong. */
export function buildS7Connector(id: string, config: S7ConnectionConfig, options: BuildS7Options = {}): S7Connector {
  const tsap = (value: string | undefined) => (value === undefined ? undefined : parseTsap(value))
  const tags: S7TagConfig[] = config.tags.map((tag) => ({
    // Tag ids are `<connection id>:<tag name>`, as for every protocol (connectors/connector.ts tagIdOf).
    id: tagIdOf(id, tag.name),
    name: tag.name,
    path: [config.name, ...(tag.path ?? [])],
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

/** The S7 driver behind a connection, for its identity, DB list and diagnostics. */
export function s7DriverOf(connector: Connector): S7Connector {
  if (!(connector instanceof S7Connector)) {
    throw new WorkbenchError('INVALID_INPUT', `Connection ${connector.id} is ${connector.protocol}, not S7: it has no CPU identity or DB list`)
  }
  return connector
}

/** What the CPU says about itself and the DBs it lists; needs the connection open. */
export async function s7Device(connector: Connector): Promise<S7Device> {
  const driver = s7DriverOf(connector)
  try {
    return await driver.browse()
  } catch (error) {
    const code = (error as { kind?: string }).kind === 'disconnected' ? 'UNAVAILABLE' : 'CONNECTION_FAILED'
    throw new WorkbenchError(code, (error as Error).message)
  }
}

const s7Tools = {
  // The DBs the CPU lists, as a flat list (S7 has no address space to walk).
  async browse(_id, _config, driver, nodeId): Promise<BrowseNodeInfo[]> {
    if (nodeId !== undefined) return []
    const device = await s7Device(driver)
    return (device.dbs ?? []).map(({ db, size }) => ({
      nodeId: `DB${db}`,
      browseName: `DB${db}`,
      displayName: size === undefined ? `DB${db}` : `DB${db} (${size} bytes)`,
      nodeClass: 'DataBlock',
      hasChildren: false,
    }))
  },
  diagnostics: (driver) => s7DriverOf(driver).diagnostics(),
} satisfies ProtocolTools<S7ConnectionConfig>

/** S7 for the protocol registry. S7comm through PUT/GET has no login, so an S7 configuration holds no secret. */
export const s7 = {
  build: (id, config) => buildS7Connector(id, config),
  secrets: noSecrets(),
  carryOver: (previous, next) => {
    if (previous instanceof S7Connector && next instanceof S7Connector) next.adoptDiagnostics(previous)
  },
  createTools: () => s7Tools,
} satisfies ProtocolModule<S7ConnectionConfig>

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
export function describeS7Tag(tag: { address: string; dataType?: string }): string {
  const check = checkS7Tag(tag.address, tag.dataType)
  return check.ok ? check.description : `${tag.address} (${check.message})`
}

export { S7Connector, type S7TagConfig, type S7ConnectorOptions } from './s7-connector'
export { S7_DATA_TYPES, type S7ScalarType } from './s7-data-types'
export type { S7Counters, S7TrafficFrame, S7TrafficLog } from './s7-diagnostics'
export type { S7CpuIdentity } from './s7-identity'
export type { S7BrowseResult, S7DbEntry } from './s7-browse'
export { S7RequestError, type S7FailureKind } from './s7-request-error'
export { parseS7Url, formatS7Endpoint, S7_CONNECTION_TYPES, DEFAULT_S7_PORT, type S7ConnectionType } from './s7-endpoint'
export { parseDbSource, DbSourceError, type DbLayout, type DbSourceTag, type DbSourceSkipped } from './db-source'
export { parseTagTable, TagTableError, type TagTable, type TagTableTag, type TagTableProblem } from './tag-table'
export { runS7Read, runS7Write, runS7Browse } from './cli-s7'
export { readS7TagSource, previewS7TagSource, isDbSource, MAX_TAG_SOURCE_BYTES, type S7TagSourceFile } from './tag-source'
