// Everything the rest of the app needs about Modbus TCP/RTU: the driver from a stored configuration, its (absent)
// secrets, and the driver itself for the Modbus tools (scans, counters, traffic log).
import { WorkbenchError } from '../../../preload/contract'
import { formatOffset, parseModbusAddress } from '../../../preload/contract/modbus-address'
import { Tag } from '../../tags/tag'
import { tagIdOf, type Connector } from '../connector'
import { noSecrets, type ConfigOf, type ProtocolModule, type ProtocolTools } from '../protocol-module'
import { ModbusConnector } from './modbus-connector'
import type { ModbusEndpoint } from './modbus-endpoint'
import { startRegisterMonitor, writeMonitored, type MonitorWrite, type MonitorWriteResult, type RegisterMonitorOptions } from './register-monitor'

export { ModbusConnector } from './modbus-connector'
export { scanRegisterRange, scanUnitIds, type ScanProgress } from './scan'
export { describeMonitorTarget } from './register-monitor'

type ModbusConfig = ConfigOf<'modbus-tcp' | 'modbus-rtu'>

function modbusEndpoint(config: ModbusConfig): ModbusEndpoint {
  if (config.protocol === 'modbus-tcp') return { unitId: config.unitId, transport: { kind: config.framing, host: config.host, port: config.port } }
  return {
    unitId: config.unitId,
    transport: { kind: 'rtu', path: config.serialPath, baudRate: config.baudRate, parity: config.parity, dataBits: config.dataBits, stopBits: config.stopBits },
  }
}

/** The tools of Modbus connections: the traffic view's log and counters, and register monitors (scans are the tool handlers' own). */
export interface ModbusTools extends ProtocolTools<ModbusConfig> {
  /**
   * Polls a range on the connection's own link until the returned stop() (`driver` is asked again before every poll: a
   * reconfigured connection has a new one); a driver that is gone or not Modbus ends the monitor.
   */
  monitor(driver: () => Connector, options: Omit<RegisterMonitorOptions, 'session'>): () => void
  /** A monitor cell write, checked against what the cell showed; arming and audit are the write guard's. */
  monitorWrite(driver: Connector, write: MonitorWrite): Promise<MonitorWriteResult>
}

const modbusTools: ModbusTools = {
  diagnostics: (driver) => modbusDriverOf(driver).diagnostics(),
  monitor: (driver, options) => startRegisterMonitor({ ...options, session: () => modbusDriverOf(driver()).scanSession() }),
  monitorWrite: (driver, write) => writeMonitored(modbusDriverOf(driver).scanSession(), write),
}

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
} satisfies ProtocolModule<ModbusConfig, ModbusTools>

/** The Modbus driver behind a connection, for scans, counters and the traffic log. */
export function modbusDriverOf(connector: Connector): ModbusConnector {
  if (!(connector instanceof ModbusConnector))
    throw new WorkbenchError('INVALID_INPUT', `Connection ${connector.id} is not Modbus: it has no traffic log or scans`)
  return connector
}
