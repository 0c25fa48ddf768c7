import { WorkbenchError, type ConnectionConfig, type TagInfo } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import { ModbusConnector } from '../connectors/modbus/modbus-connector'
import type { ModbusEndpoint } from '../connectors/modbus/modbus-endpoint'
import { MqttConnector } from '../connectors/mqtt/mqtt-connector'
import { OpcUaConnector } from '../connectors/opcua/opcua-connector'
import { formatOffset, parseModbusAddress } from '../tags/modbus-address'
import { Tag } from '../tags/tag'

/** Tag ids are `<connection id>:<tag name>`, unique across the workbench because connection ids are. */
export const tagIdOf = (connectionId: string, tagName: string): string => `${connectionId}:${tagName}`

function modbusEndpoint(config: Extract<ConnectionConfig, { protocol: 'modbus-tcp' | 'modbus-rtu' }>): ModbusEndpoint {
  if (config.protocol === 'modbus-tcp') return { unitId: config.unitId, transport: { kind: config.framing, host: config.host, port: config.port } }
  return {
    unitId: config.unitId,
    transport: { kind: 'rtu', path: config.serialPath, baudRate: config.baudRate, parity: config.parity, dataBits: config.dataBits, stopBits: config.stopBits },
  }
}

function invalid(config: ConnectionConfig, error: unknown): WorkbenchError {
  const message = error instanceof Error ? error.message : String(error)
  return new WorkbenchError('INVALID_INPUT', `Connection "${config.name}": ${message}`)
}

/** Makes the protocol driver for one stored configuration. */
export function buildConnector(id: string, config: ConnectionConfig, dataDir: string): Connector {
  try {
    switch (config.protocol) {
      case 'modbus-tcp':
      case 'modbus-rtu':
        return new ModbusConnector({
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
              path: [config.name],
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
        })
      case 'opcua':
        return new OpcUaConnector({
          id,
          name: config.name,
          endpointUrl: config.endpointUrl,
          dataDir,
          // Live views want changes within a frame or two; the server batches whatever changed per interval (node-opcua servers revise anything below 50 ms up to 50).
          publishingIntervalMs: 50,
          securityPolicy: config.securityPolicy,
          securityMode: config.securityMode,
          identity:
            config.identity.kind === 'username'
              ? { kind: 'username', username: config.identity.username, password: config.identity.password ?? '' }
              : { kind: 'anonymous' },
          tags: config.tags.map((tag) => ({
            id: tagIdOf(id, tag.name),
            nodeId: tag.nodeId,
            name: tag.name,
            path: [config.name],
            unit: tag.unit,
            range: tag.range,
            dataType: tag.dataType,
            access: tag.access,
            description: tag.description,
            samplingIntervalMs: tag.samplingIntervalMs,
          })),
        })
      case 'mqtt':
        return new MqttConnector({
          id,
          name: config.name,
          url: config.url,
          protocolVersion: config.protocolVersion,
          username: config.username,
          password: config.password,
          clientId: config.clientId,
          cleanStart: config.cleanStart,
          keepaliveSeconds: config.keepaliveSeconds,
          tls: config.tls,
          sparkplug: config.sparkplug,
          mappings: config.tags.map((tag) => {
            const info: TagInfo = {
              id: tagIdOf(id, tag.name),
              name: tag.name,
              path: [config.name],
              connectionId: id,
              address: tag.jsonPath ? `${tag.topic}#${tag.jsonPath}` : tag.topic,
              dataType: tag.dataType ?? 'Variant',
              unit: tag.unit,
              range: tag.range,
              access: 'read',
              description: tag.description,
            }
            return { tag: info, topic: tag.topic, jsonPath: tag.jsonPath, timePath: tag.timePath }
          }),
        })
    }
  } catch (error) {
    throw error instanceof WorkbenchError ? error : invalid(config, error)
  }
}
