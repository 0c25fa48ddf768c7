// Everything the rest of the app needs about Modbus TCP/RTU: the driver from a stored configuration, its (absent)
// secrets, and the driver itself for the Modbus tools (scans, counters, traffic log).
import { WorkbenchError } from '../../../preload/contract'
import { formatOffset, parseModbusAddress } from '../../../preload/contract/modbus-address'
import { Tag } from '../../tags/tag'
import { tagIdOf, type Connector } from '../connector'
import { noSecrets, type ConfigOf, type ProtocolModule, type ProtocolTools } from '../protocol-module'
import { ModbusConnector } from './modbus-connector'
import type { ModbusEndpoint } from './modbus-endpoint'

export { ModbusConnector } from './modbus-connector'
export { scanRegisterRange, scanUnitIds, type ScanProgress } from './scan'
export { describeMonitorTarget, startRegisterMonitor, writeMonitored } from './register-monitor'

type ModbusConfig = ConfigOf<'modbus-tcp' | 'modbus-rtu'>

function modbusEndpoint(config: ModbusConfig): ModbusEndpoint {
  if (config.protocol === 'modbus-tcp') return { unitId: config.unitId, transport: { kind: config.framing, host: config.host, port: config.port } }
  return {
    unitId: config.unitId,
    transport: { kind: 'rtu', path: config.serialPath, baudRate: config.baudRate, parity: config.parity, dataBits: config.dataBits, stopBits: config.stopBits },
  }
}

/** The traffic log and counters behind the shared traffic view (scans are the Modbus tool handlers' own). */
const modbusTools = {
  diagnostics: (driver) => modbusDriverOf(driver).diagnostics(),
} satisfies ProtocolTools<ModbusConfig>

export const modbus = {
  build: (id, config) =>
    new ModbusConnector({
      id,
      name: config.name,
      endpoint: modbusEndpoint(config),
      timeoutMs: config.timeoutMs,
      defaultScanRateMs: config.scanRateMs,
      tags: config.tags.map((tag) => ({
        unitId: tag.unitId,
        tag: Tag.parse({
          id: tagIdOf(id, tag.name),
          name: tag.name,
          path: [config.name, ...(tag.path ?? [])],
          connectionId: id,
          address: formatOffset(parseModbusAddress(tag.address)),
          dataType: tag.dataType,
          byteOrder: tag.byteOrder,
          engineeringUnit: tag.unit,
          range: tag.range,
          access: tag.access,
          description: tag.description ?? '',
          stringLength: tag.stringLength,
          scanRateMs: tag.scanRateMs,
          scaling: tag.scaling,
        }),
      })),
    }),
  secrets: noSecrets(),
  carryOver: (previous, next) => {
    if (previous instanceof ModbusConnector && next instanceof ModbusConnector) next.adoptDiagnostics(previous)
  },
  createTools: () => modbusTools,
  retag: (driver, next) => {
    if (!(driver instanceof ModbusConnector) || !(next instanceof ModbusConnector)) return false
    driver.adoptTags(next)
    return true
  },
} satisfies ProtocolModule<ModbusConfig>

/** The Modbus driver behind a connection, for scans, counters and the traffic log. */
export function modbusDriverOf(connector: Connector): ModbusConnector {
  if (!(connector instanceof ModbusConnector))
    throw new WorkbenchError('INVALID_INPUT', `Connection ${connector.id} is not Modbus: it has no traffic log or scans`)
  return connector
}
