import type { ConnectionState, ConnectionStatus, Protocol, TagInfo, TagValue } from '../../preload/contract'

/** A value as a connector writes it (64-bit integers travel as bigint). */
export type WriteValue = number | boolean | string | bigint

/** A message a person publishes by hand (MQTT); retained with an empty payload clears the topic's retained message. */
export interface PublishMessage {
  topic: string
  payload: string
  qos: 0 | 1 | 2
  retain: boolean
}

/** Where a write to a tag lands, as the person confirming it is shown it. */
export interface WriteTarget {
  /** For people: `unit 2 hr:4 (40005)`, a NodeId. */
  address: string
  /** Every setting that decides which bits change on which device (endpoint, unit id, address, type, byte order, scaling). */
  fingerprint: string
}

/** What one device on a connection says about itself, for the inventory of an assessment report. */
export interface DeviceIdentity {
  /** Unique within the connection: `server`, `unit 1`, `broker`, `spBv1.0/<group>/<node>[/<device>]`. */
  key: string
  kind: 'opcua-server' | 'modbus-unit' | 'mqtt-broker' | 'sparkplug-node' | 'sparkplug-device' | 's7-cpu'
  /** Field → value as the device reported it (manufacturer, product, softwareVersion, …); only what it answered. */
  facts: Record<string, string>
  /** Why something is missing, e.g. `function 43/14 not supported (exception 1: illegal function)`. */
  note?: string
  /** When the device itself was last heard from, where the protocol says (Sparkplug); else the time of asking. */
  seenAt?: number
}

/**
 * What every protocol driver (Modbus, OPC UA, MQTT) implements; connectors never import each other.
 * The optional members are capabilities: a connector that lacks one says so by not having it.
 */
export interface Connector {
  readonly id: string
  readonly protocol: Protocol
  readonly endpoint: string
  state(): ConnectionState
  status(): ConnectionStatus
  connect(): Promise<void>
  disconnect(): Promise<void>
  /** The tags this connection serves (configured or discovered). */
  tags(): TagInfo[]
  onValues(listener: (values: TagValue[]) => void): () => void
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** Reads the current values from the device itself (not the last polled/subscribed value). */
  read?(tagIds: readonly string[]): Promise<TagValue[]>
  /**
   * Writes one value to the device. Arming, confirmation, range checks and the audit log are the
   * write guard's job (main/writes); a connector only encodes and sends, and throws on failure.
   */
  write?(tagId: string, value: WriteValue): Promise<void>
  /**
   * Publishes one message (MQTT). Like write, arming, confirmation and the audit log are the write guard's job; the
   * connector only sends it and throws on failure (a refused or unacknowledged publish).
   */
  publish?(message: PublishMessage): Promise<void>
  /** Where a write to the tag lands; the write guard compares it between prepare and commit. */
  writeTarget?(tagId: string): WriteTarget
  /** What reading the tag returns after `value` was written (scaled, rounded and encoded as the device stores it). */
  readBackOf?(tagId: string, value: WriteValue): TagValue['value']
  /** Asks the devices what they are (OPC UA BuildInfo, Modbus 43/14, MQTT $SYS, Sparkplug ids); read-only, never a write. */
  identify?(): Promise<DeviceIdentity[]>
}

/** Tag ids are `<connection id>:<tag name>`, unique across the workbench because connection ids are. */
export const tagIdOf = (connectionId: string, tagName: string): string => `${connectionId}:${tagName}`
