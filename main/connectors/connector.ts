import type { ConnectionState, ConnectionStatus, Protocol, TagInfo, TagValue } from '../../preload/contract'

/** What every protocol driver (Modbus, OPC UA, MQTT) implements; connectors never import each other. */
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
}
