// The demo plant's line as a workbench Modbus connection: what a person adds to deploy "the demo line" to a gateway.
import type { ConnectionConfig } from '../../preload/contract'
import { SIGNALS } from '../simulator/signals'

export function demoLineModbusConnection(endpoint: { host: string; port: number; unitId: number }, options: { scanRateMs?: number } = {}): ConnectionConfig {
  return {
    protocol: 'modbus-tcp',
    name: 'Line1',
    host: endpoint.host,
    port: endpoint.port,
    framing: 'tcp',
    unitId: endpoint.unitId,
    timeoutMs: 1000,
    scanRateMs: options.scanRateMs ?? 1000,
    tags: SIGNALS.map((signal) => ({
      name: signal.id,
      address: `${signal.modbus.table}:${signal.modbus.offset}`,
      dataType: signal.modbus.type,
      byteOrder: signal.modbus.byteOrder,
      access: 'read' as const,
      unit: signal.unit || undefined,
      range: signal.range,
      ...(signal.modbus.scaling ? { scaling: signal.modbus.scaling } : {}),
    })),
  }
}

/** The same line over the demo plant's OPC UA server (security None, anonymous). */
export function demoLineOpcUaConnection(endpointUrl: string, options: { samplingIntervalMs?: number } = {}): ConnectionConfig {
  return {
    protocol: 'opcua',
    name: 'Line1 OPC UA',
    endpointUrl,
    securityPolicy: 'None',
    securityMode: 'None',
    identity: { kind: 'anonymous' },
    tags: SIGNALS.map((signal) => ({
      name: signal.id,
      nodeId: signal.opcua.nodeId,
      dataType: signal.opcua.dataType,
      unit: signal.unit || undefined,
      range: signal.range,
      samplingIntervalMs: options.samplingIntervalMs ?? 1000,
    })),
  }
}
