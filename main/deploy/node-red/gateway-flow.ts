// Generates the workbench's own Node-RED tab from its Modbus, OPC UA, S7 and MQTT connections: one source node per tag,
// one envelope function per connection, one MQTT out node, config nodes scoped to the tab. Ids derive from workbench ids.
import { createHash } from 'node:crypto'
import type { ConnectionConfig, ModbusTagConfig, OpcUaTagConfig, S7TagConfig } from '../../../preload/contract'
import { parseModbusAddress, type ModbusTable } from '../../../preload/contract/modbus-address'
import { parseJsonPath } from '../../connectors/mqtt/json-path'
import { parseS7Address } from '../../connectors/s7/s7-address'
import { parseTsap } from '../../connectors/s7/s7-endpoint'
import { registerCount } from '../../tags/modbus-codec'
import { envelopeFunctionCode, type EnvelopeTag } from './envelope-function'
import type { NodeRedNode } from './node-red-flow'

export type TopicStyle = 'uns' | 'devices'

export interface GatewaySettings {
  /** The gateway's identity in every envelope and in `devices/<id>/telemetry`. */
  deviceId: string
  topicStyle: TopicStyle
  /** ISA-95 levels of `umh.v1.<enterprise>.<site>.<area>.<line>.<cell>._raw.<tag>`; the cell is the connection's name. */
  namespace: { enterprise: string; site: string; area: string; line: string }
  /** The broker as the gateway reaches it. */
  broker: { host: string; port: number; username?: string; password?: string }
}

export interface SourceConnection {
  id: string
  config: ConnectionConfig
}

/** A tag as deployed: where the gateway publishes it and how often. */
export interface DeployedTag {
  tagId: string
  connectionId: string
  name: string
  topic: string
  /** Modbus scan rate or OPC UA sampling interval. */
  intervalMs: number
  unit?: string
}

export interface GatewayFlow {
  tabId: string
  /** The tab first, then its nodes (config nodes included, scoped to the tab). */
  nodes: NodeRedNode[]
  tags: DeployedTag[]
  /** Node modules the flow needs on the gateway. */
  modules: string[]
  /** Chosen tags the gateway cannot carry, and why (shown with the plan). */
  skipped: Array<{ tagId: string; reason: string }>
}

export const MODBUS_MODULE = 'node-red-contrib-modbus'
export const OPCUA_MODULE = 'node-red-contrib-opcua'
export const S7_MODULE = 'node-red-contrib-s7'

type S7Connection = Extract<ConnectionConfig, { protocol: 's7' }>
type MqttConnection = Extract<ConnectionConfig, { protocol: 'mqtt' }>

/**
 * A workbench S7 tag in node-red-contrib-s7's (nodes7) syntax: `DB1,REAL4`, `DB1,X6.2`, `DB1,S10.20`, `MW20`, `MR24`,
 * `I0.0`. nodes7 has no LREAL, SINT, WSTRING or DATE_AND_TIME as the workbench reads it: those say why not.
 */
export function nodes7Address(tag: Pick<S7TagConfig, 'address' | 'dataType'>): { address: string } | { unsupported: string } {
  let item
  try {
    item = parseS7Address(tag.address, tag.dataType)
  } catch (error) {
    return { unsupported: (error as Error).message }
  }
  const type = item.dataType.type
  const word: Partial<Record<typeof type, string>> = {
    BYTE: 'BYTE',
    USINT: 'BYTE',
    CHAR: 'CHAR',
    WORD: 'WORD',
    UINT: 'WORD',
    INT: 'INT',
    DWORD: 'DWORD',
    UDINT: 'DWORD',
    DINT: 'DINT',
    // TIME is a signed 32-bit count of milliseconds, as the workbench reads it.
    TIME: 'DINT',
    REAL: 'REAL',
  }
  // Outside DBs nodes7 writes the area, then the short type: MB, MC, MW, MI, MD, MDI, MR.
  const short: Record<string, string> = { BYTE: 'B', CHAR: 'C', WORD: 'W', INT: 'I', DWORD: 'D', DINT: 'DI', REAL: 'R' }
  if (type === 'BOOL') return { address: item.area === 'DB' ? `DB${item.db},X${item.offset}.${item.bit}` : `${item.area}${item.offset}.${item.bit}` }
  if (type === 'STRING') {
    if (item.area !== 'DB') return { unsupported: `${tag.address}: node-red-contrib-s7 reads STRINGs only from DBs` }
    return { address: `DB${item.db},S${item.offset}.${item.dataType.length}` }
  }
  const name = word[type]
  if (!name) return { unsupported: `${tag.address}: node-red-contrib-s7 (nodes7) has no ${type}` }
  return { address: item.area === 'DB' ? `DB${item.db},${name}${item.offset}` : `${item.area}${short[name]}${item.offset}` }
}

/** 16 hex digits like Node-RED's own ids, the same for the same workbench ids on every plan. */
export function stableNodeId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16)
}

export function workbenchTabId(targetId: string): string {
  return stableNodeId('otw-tab', targetId)
}

const MODBUS_DATA_TYPE: Record<ModbusTable, string> = { co: 'Coil', di: 'Input', hr: 'HoldingRegister', ir: 'InputRegister' }

/** Topic segments may not carry MQTT wildcards or separators of the other style. */
const segment = (text: string): string => text.trim().replace(/[\s/+#$]+/g, '_') || '_'

export function tagTopic(settings: GatewaySettings, cell: string, tag: string): string {
  if (settings.topicStyle === 'devices') return `devices/${segment(settings.deviceId)}/telemetry`
  const { enterprise, site, area, line } = settings.namespace
  return ['umh', 'v1', enterprise, site, area, line, cell, '_raw', tag].map(segment).join('.')
}

export function generateGatewayFlow(options: {
  targetId: string
  targetName: string
  settings: GatewaySettings
  connections: readonly SourceConnection[]
  /** Only these tag ids (`<connection id>:<tag name>`); every tag of the connections when absent. */
  tagIds?: ReadonlySet<string>
}): GatewayFlow {
  const { targetId, settings } = options
  const tabId = workbenchTabId(targetId)
  const id = (...parts: string[]): string => stableNodeId(targetId, ...parts)
  const brokerId = id('mqtt-broker')
  const mqttOutId = id('mqtt-out')
  const nodes: NodeRedNode[] = [
    {
      id: tabId,
      type: 'tab',
      label: `OT Workbench: ${options.targetName}`,
      disabled: false,
      info: 'Generated by OT Workbench from its connections and tags. Deploy from the workbench; edits made here show up as drift in its next plan.',
      env: [],
    },
  ]
  const tags: DeployedTag[] = []
  const skipped: GatewayFlow['skipped'] = []
  const modules = new Set<string>()
  let row = 0
  const place = (): { y: number } => ({ y: 40 + 40 * row++ })

  for (const connection of [...options.connections].sort((a, b) => a.id.localeCompare(b.id))) {
    const { config } = connection
    const cell = config.name
    // Every source wires its nodes into one envelope function per connection, which publishes through the one MQTT out.
    const envelopeOf = (connectionId: string) =>
      sourceEnvelope({ settings, cell, connectionId, functionId: id(connectionId, 'envelope'), tabId, mqttOutId, tags })
    const wanted = <T extends { name: string }>(list: readonly T[]): T[] =>
      list.filter((t) => options.tagIds === undefined || options.tagIds.has(`${connection.id}:${t.name}`)).sort((a, b) => a.name.localeCompare(b.name))
    if (config.protocol === 'modbus-tcp') {
      const chosen = wanted(config.tags)
      if (chosen.length === 0) continue
      modules.add(MODBUS_MODULE)
      const clientId = id(connection.id, 'modbus-client')
      const envelope = envelopeOf(connection.id)
      nodes.push(modbusClientNode(clientId, tabId, connection.id, config))
      for (const tag of chosen) {
        const readId = id(connection.id, tag.name, 'read')
        nodes.push(modbusReadNode(readId, tabId, clientId, envelope.functionId, config.unitId, config.scanRateMs, tag, place().y))
        envelope.add(tag.name, tag, tag.scanRateMs ?? config.scanRateMs, { modbus: modbusDecoding(tag) })
      }
      nodes.push(envelope.functionNode())
    } else if (config.protocol === 'opcua') {
      const chosen = wanted(config.tags)
      if (chosen.length === 0) continue
      modules.add(OPCUA_MODULE)
      const endpointId = id(connection.id, 'opcua-endpoint')
      const envelope = envelopeOf(connection.id)
      const startId = id(connection.id, 'subscribe-at-start')
      const itemIds: string[] = []
      nodes.push(opcuaEndpointNode(endpointId, tabId, config))
      for (const tag of chosen) {
        const itemId = id(connection.id, tag.name, 'item')
        const intervalMs = tag.samplingIntervalMs ?? 1000
        // One client (one session) per sampling interval: per-tag sessions raced to connect and lost subscriptions.
        const clientId = id(connection.id, 'subscribe', String(intervalMs))
        itemIds.push(itemId)
        const [item, subscriber] = opcuaSubscribeNodes(itemId, clientId, tabId, endpointId, envelope.functionId, tag, intervalMs, place().y)
        nodes.push(item!)
        if (!nodes.some((n) => n.id === clientId)) nodes.push({ ...subscriber!, name: `subscribe every ${intervalMs} ms` })
        // The OPC UA client node sends each value with the item's node id as msg.topic.
        envelope.add(tag.nodeId, tag, intervalMs)
      }
      nodes.push(envelope.functionNode())
      // An OPC UA client node subscribes when a message names the item: one inject at deploy starts them all.
      nodes.push({
        id: startId,
        type: 'inject',
        z: tabId,
        name: `subscribe ${config.name}`,
        props: [],
        repeat: '',
        crontab: '',
        once: true,
        onceDelay: '2',
        topic: '',
        x: 40,
        y: 40,
        wires: [itemIds],
      })
    } else if (config.protocol === 's7') {
      const chosen = wanted(config.tags)
      const envelope = envelopeOf(connection.id)
      const endpoints = new Map<number, NodeRedNode>()
      for (const tag of chosen) {
        const tagId = `${connection.id}:${tag.name}`
        const translated = nodes7Address(tag)
        if ('unsupported' in translated) {
          skipped.push({ tagId, reason: translated.unsupported })
          continue
        }
        const intervalMs = tag.scanRateMs ?? config.scanRateMs
        // node-red-contrib-s7 reads every variable of an endpoint each cycle: one endpoint (one connection) per scan rate.
        let endpoint = endpoints.get(intervalMs)
        if (!endpoint) {
          endpoint = s7EndpointNode(id(connection.id, 's7-endpoint', String(intervalMs)), tabId, config, intervalMs)
          endpoints.set(intervalMs, endpoint)
        }
        ;(endpoint.vartable as Array<{ name: string; addr: string }>).push({ name: tag.name, addr: translated.address })
        nodes.push({
          id: id(connection.id, tag.name, 's7-in'),
          type: 's7 in',
          z: tabId,
          endpoint: endpoint.id,
          mode: 'single',
          variable: tag.name,
          // Every cycle, not only changes: the data check counts arrivals, and a subscriber sees the tag is alive.
          diff: false,
          name: tag.name,
          x: 160,
          y: place().y,
          wires: [[envelope.functionId]],
        })
        // node-red-contrib-s7 sends the variable's name as msg.topic.
        envelope.add(tag.name, tag, intervalMs)
      }
      if (envelope.empty()) continue
      modules.add(S7_MODULE)
      nodes.push(...endpoints.values(), envelope.functionNode())
    } else if (config.protocol === 'mqtt') {
      const chosen = wanted(config.tags)
      const envelope = envelopeOf(connection.id)
      const sourceBrokerId = id(connection.id, 'source-broker')
      const topics = new Set<string>()
      const url = new URL(config.url)
      for (const tag of chosen) {
        const tagId = `${connection.id}:${tag.name}`
        if (config.sparkplug?.enabled) {
          skipped.push({ tagId, reason: `${config.name} reads Sparkplug B: forward its metrics with a Sparkplug node, not as plain topics` })
          continue
        }
        if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') {
          skipped.push({ tagId, reason: `${config.url}: the gateway forwards from mqtt:// and mqtts:// brokers only` })
          continue
        }
        if (/[+#]/.test(tag.topic)) {
          skipped.push({ tagId, reason: `${tag.topic} has a wildcard: a forwarded tag needs its exact topic` })
          continue
        }
        let steps: Array<string | number> | undefined
        try {
          steps = tag.jsonPath ? parseJsonPath(tag.jsonPath) : undefined
        } catch (error) {
          skipped.push({ tagId, reason: (error as Error).message })
          continue
        }
        topics.add(tag.topic)
        envelope.add(tag.topic, tag, 1000, {
          mqtt: { ...(steps && steps.length > 0 ? { steps } : {}), ...(tag.dataType ? { dataType: tag.dataType } : {}) },
        })
      }
      if (envelope.empty()) continue
      nodes.push(sourceBrokerNode(sourceBrokerId, tabId, connection.id, config, url))
      for (const sourceTopic of [...topics].sort()) {
        nodes.push({
          id: id(connection.id, sourceTopic, 'mqtt-in'),
          type: 'mqtt in',
          z: tabId,
          name: sourceTopic,
          topic: sourceTopic,
          qos: '1',
          datatype: 'utf8',
          broker: sourceBrokerId,
          nl: false,
          rap: true,
          rh: 0,
          inputs: 0,
          x: 160,
          y: place().y,
          wires: [[envelope.functionId]],
        })
      }
      nodes.push(envelope.functionNode())
    }
  }
  nodes.push(mqttBrokerNode(brokerId, tabId, settings), {
    id: mqttOutId,
    type: 'mqtt out',
    z: tabId,
    name: 'to the broker',
    topic: '',
    qos: '1',
    retain: 'false',
    respTopic: '',
    contentType: '',
    userProps: '',
    correl: '',
    expiry: '',
    broker: brokerId,
    x: 820,
    y: 40,
    wires: [],
  })
  return { tabId, nodes, tags, modules: [...modules].sort(), skipped }
}

/**
 * The envelope wiring of one connection, whatever its protocol: each tag goes into the function's table under the key its
 * source node sends as msg.topic, and into the deployed tags with its UNS (or devices/…) topic; then the function node.
 */
function sourceEnvelope(options: {
  settings: GatewaySettings
  cell: string
  connectionId: string
  functionId: string
  tabId: string
  mqttOutId: string
  /** The flow's deployed tags, in order: each added tag is appended. */
  tags: DeployedTag[]
}) {
  const { settings, cell, connectionId, functionId } = options
  const table: EnvelopeTag[] = []
  return {
    functionId,
    add(source: string, tag: { name: string; unit?: string }, intervalMs: number, decoding: Pick<EnvelopeTag, 'modbus' | 'mqtt'> = {}): void {
      const topic = tagTopic(settings, cell, tag.name)
      table.push({ ...envelopeTag(settings, source, topic, tag.name, tag.unit, decoding.modbus), ...(decoding.mqtt ? { mqtt: decoding.mqtt } : {}) })
      options.tags.push({ tagId: `${connectionId}:${tag.name}`, connectionId, name: tag.name, topic, intervalMs, unit: tag.unit })
    },
    empty: (): boolean => table.length === 0,
    functionNode: (): NodeRedNode => functionNode(functionId, options.tabId, options.mqttOutId, cell, table),
  }
}

function envelopeTag(
  settings: GatewaySettings,
  source: string,
  topic: string,
  tag: string,
  unit: string | undefined,
  modbus?: EnvelopeTag['modbus'],
): EnvelopeTag {
  return { source, tag, topic, deviceId: settings.deviceId, ...(unit === undefined ? {} : { unit }), ...(modbus ? { modbus } : {}) }
}

function modbusDecoding(tag: ModbusTagConfig): EnvelopeTag['modbus'] {
  const address = parseModbusAddress(tag.address)
  return {
    dataType: tag.dataType,
    byteOrder: tag.byteOrder,
    ...(address.bit === undefined ? {} : { bit: address.bit }),
    ...(tag.scaling ? { scaling: tag.scaling } : {}),
  }
}

function modbusClientNode(nodeId: string, tabId: string, connectionId: string, config: Extract<ConnectionConfig, { protocol: 'modbus-tcp' }>): NodeRedNode {
  return {
    id: nodeId,
    type: 'modbus-client',
    z: tabId,
    name: `${config.name} (${connectionId})`,
    clienttype: 'tcp',
    bufferCommands: true,
    stateLogEnabled: false,
    queueLogEnabled: false,
    failureLogEnabled: true,
    tcpHost: config.host,
    tcpPort: String(config.port),
    tcpType: config.framing === 'rtu-over-tcp' ? 'TCP-RTU-BUFFERED' : 'DEFAULT',
    serialPort: '',
    serialType: 'RTU-BUFFERD',
    serialBaudrate: '9600',
    serialDatabits: '8',
    serialStopbits: '1',
    serialParity: 'none',
    serialConnectionDelay: '100',
    serialAsciiResponseStartDelimiter: '0x3A',
    unit_id: String(config.unitId),
    commandDelay: '1',
    clientTimeout: String(config.timeoutMs),
    reconnectOnTimeout: true,
    reconnectTimeout: '2000',
    parallelUnitIdsAllowed: true,
    showErrors: true,
    showWarnings: true,
    showLogs: false,
  }
}

function modbusReadNode(
  nodeId: string,
  tabId: string,
  clientId: string,
  functionId: string,
  unitId: number,
  connectionScanMs: number,
  tag: ModbusTagConfig,
  y: number,
): NodeRedNode {
  const address = parseModbusAddress(tag.address)
  const bitTable = address.table === 'co' || address.table === 'di'
  return {
    id: nodeId,
    type: 'modbus-read',
    z: tabId,
    name: tag.name,
    topic: tag.name,
    showStatusActivities: false,
    logIOActivities: false,
    showErrors: true,
    unitid: String(unitId),
    dataType: MODBUS_DATA_TYPE[address.table],
    adr: String(address.offset),
    quantity: String(bitTable ? 1 : registerCount({ dataType: tag.dataType, stringLength: tag.stringLength })),
    rate: String(tag.scanRateMs ?? connectionScanMs),
    rateUnit: 'ms',
    delayOnStart: false,
    startDelayTime: '',
    server: clientId,
    useIOFile: false,
    ioFile: '',
    useIOForPayload: false,
    emptyMsgOnFail: false,
    x: 160,
    y,
    wires: [[functionId], []],
  }
}

function opcuaEndpointNode(nodeId: string, tabId: string, config: Extract<ConnectionConfig, { protocol: 'opcua' }>): NodeRedNode {
  const user = config.identity.kind === 'username'
  return {
    id: nodeId,
    type: 'OpcUa-Endpoint',
    z: tabId,
    name: config.name,
    endpoint: config.endpointUrl,
    secpol: config.securityPolicy,
    secmode: config.securityMode,
    none: !user,
    login: user,
    usercert: false,
    usercertificate: '',
    userprivatekey: '',
    ...(user && config.identity.kind === 'username' ? { credentials: { user: config.identity.username, password: config.identity.password ?? '' } } : {}),
  }
}

function opcuaSubscribeNodes(
  itemId: string,
  clientId: string,
  tabId: string,
  endpointId: string,
  functionId: string,
  tag: OpcUaTagConfig,
  intervalMs: number,
  y: number,
): NodeRedNode[] {
  return [
    {
      id: itemId,
      type: 'OpcUa-Item',
      z: tabId,
      item: tag.nodeId,
      datatype: tag.dataType ?? '',
      value: '',
      name: tag.name,
      x: 120,
      y,
      wires: [[clientId]],
    },
    {
      id: clientId,
      type: 'OpcUa-Client',
      z: tabId,
      endpoint: endpointId,
      action: 'subscribe',
      // No deadband on the gateway: the workbench's data check compares every change.
      deadbandtype: 'a',
      deadbandvalue: 0,
      time: intervalMs,
      timeUnit: 'ms',
      certificate: 'n',
      localfile: '',
      localkeyfile: '',
      securitymode: 'None',
      securitypolicy: 'None',
      useTransport: false,
      maxChunkCount: 1,
      maxMessageSize: 8192,
      receiveBufferSize: 8192,
      sendBufferSize: 8192,
      setstatusandtime: false,
      keepsessionalive: false,
      applicationName: '',
      applicationUri: '',
      name: tag.name,
      x: 300,
      y,
      wires: [[functionId], []],
    },
  ]
}

function functionNode(nodeId: string, tabId: string, mqttOutId: string, connectionName: string, table: readonly EnvelopeTag[]): NodeRedNode {
  return {
    id: nodeId,
    type: 'function',
    z: tabId,
    name: `envelope ${connectionName}`,
    func: envelopeFunctionCode(connectionName, table),
    outputs: 1,
    timeout: 0,
    noerr: 0,
    initialize: '',
    finalize: '',
    libs: [],
    x: 520,
    y: 40,
    wires: [[mqttOutId]],
  }
}

/** Both broker config nodes (the gateway's and a forwarded source's) send no birth, close or will message. */
const NO_BIRTH_CLOSE_OR_WILL = {
  birthTopic: '',
  birthQos: '0',
  birthPayload: '',
  closeTopic: '',
  closeQos: '0',
  closePayload: '',
  willTopic: '',
  willQos: '0',
  willPayload: '',
} as const

function mqttBrokerNode(nodeId: string, tabId: string, settings: GatewaySettings): NodeRedNode {
  const { broker } = settings
  return {
    id: nodeId,
    type: 'mqtt-broker',
    z: tabId,
    name: `broker for ${settings.deviceId}`,
    broker: broker.host,
    port: String(broker.port),
    // Unique per tab: two tabs (targets) on one instance with the same client id throw each other off the broker.
    clientid: `otw-${settings.deviceId}-${tabId.slice(0, 8)}`,
    autoConnect: true,
    usetls: false,
    protocolVersion: '4',
    keepalive: '60',
    cleansession: true,
    autoUnsubscribe: true,
    ...NO_BIRTH_CLOSE_OR_WILL,
    ...(broker.username ? { credentials: { user: broker.username, password: broker.password ?? '' } } : {}),
  }
}

function s7EndpointNode(nodeId: string, tabId: string, config: S7Connection, intervalMs: number): NodeRedNode {
  const tsap = config.localTsap !== undefined && config.remoteTsap !== undefined
  const hex = (value: number): string => value.toString(16).padStart(2, '0').toUpperCase()
  const local = tsap ? parseTsap(config.localTsap!) : 0x0100
  const remote = tsap ? parseTsap(config.remoteTsap!) : 0x0100
  return {
    id: nodeId,
    type: 's7 endpoint',
    z: tabId,
    name: `${config.name} every ${intervalMs} ms`,
    transport: 'iso-on-tcp',
    address: config.host,
    port: String(config.port),
    rack: String(config.rack),
    slot: String(config.slot),
    localtsaphi: hex(local >> 8),
    localtsaplo: hex(local & 0xff),
    remotetsaphi: hex(remote >> 8),
    remotetsaplo: hex(remote & 0xff),
    connmode: tsap ? 'tsap' : 'rack-slot',
    adapter: '',
    busaddr: '2',
    cycletime: String(intervalMs),
    timeout: String(config.timeoutMs),
    verbose: 'default',
    vartable: [],
  }
}

/** The broker an MQTT connection reads, as the gateway reaches it (the same URL as the workbench's). */
function sourceBrokerNode(nodeId: string, tabId: string, connectionId: string, config: MqttConnection, url: URL): NodeRedNode {
  const tls = url.protocol === 'mqtts:'
  return {
    id: nodeId,
    type: 'mqtt-broker',
    z: tabId,
    name: `${config.name} (source)`,
    broker: url.hostname,
    port: url.port || (tls ? '8883' : '1883'),
    clientid: `otw-forward-${stableNodeId(tabId, connectionId).slice(0, 8)}`,
    autoConnect: true,
    usetls: tls,
    protocolVersion: String(config.protocolVersion),
    keepalive: String(config.keepaliveSeconds),
    cleansession: true,
    autoUnsubscribe: true,
    ...NO_BIRTH_CLOSE_OR_WILL,
    ...(config.username ? { credentials: { user: config.username, password: config.password ?? '' } } : {}),
  }
}
