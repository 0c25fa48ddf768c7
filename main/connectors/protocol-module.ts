import type { BrowseNodeInfo, ConnectionConfig, ConnectionDetail, ConnectionKind, TagValue } from '../../preload/contract'
import type { Connector, WriteValue } from './connector'
import type { ConnectionDiagnostics } from './traffic-diagnostics'

/** The stored configuration of one protocol (`modbus-tcp`, `opcua`, …). */
export type ConfigOf<K extends ConnectionKind> = Extract<ConnectionConfig, { protocol: K }>
type TagConfigOf<C extends ConnectionConfig> = C['tags'][number]

/** What a device answered to a method call. */
export interface MethodCallResult {
  status: string
  outputs: { name: string; value: TagValue['value'] }[]
}

/** What a connector gets from the app besides its configuration. */
export interface ConnectorContext {
  /** The app's data folder (OPC UA keeps its certificates there). */
  dataDir: string
}

/** The secret fields of a configuration, by name; everything else is stored as plain JSON. */
export interface ConnectionSecrets {
  password?: string
  /** A client certificate's private key (PEM text or a path). */
  privateKey?: string
}

/**
 * Which fields of a protocol's configuration are secrets. Required of every protocol module, so a new protocol cannot
 * store a password in plain text by omission: one without secrets says so with `noSecrets()`.
 */
export interface SecretFields<C extends ConnectionConfig> {
  /** The configuration without its secrets (stored and shown), and the secrets (sealed). */
  split(config: C): { config: C; secrets: ConnectionSecrets }
  /** The configuration with its secrets put back, for the driver. */
  join(config: C, secrets: ConnectionSecrets): C
}

export const noSecrets = <C extends ConnectionConfig>(): SecretFields<C> => ({ split: (config) => ({ config, secrets: {} }), join: (config) => config })

/**
 * Per-protocol work around connections that is not the driver itself (OPC UA: browse sessions, certificates). One
 * instance per app; every hook takes the connection's id and current configuration.
 */
export interface ProtocolTools<C extends ConnectionConfig> {
  /** Children of a node of the device's address space (the root when omitted); `driver` is the connection's own. */
  browse?(id: string, config: C, driver: Connector, nodeId?: string): Promise<BrowseNodeInfo[]>
  /** Tags about to be added, with what the device can say about them (type, unit, range, access) filled in. */
  describeTags?(id: string, config: C, driver: Connector, tags: TagConfigOf<C>[]): Promise<TagConfigOf<C>[]>
  /** Calls a method on an object of the device (arming and audit are the write guard's). */
  callMethod?(
    id: string,
    config: C,
    driver: Connector,
    objectId: string,
    methodId: string,
    inputs: readonly (WriteValue | readonly WriteValue[])[],
  ): Promise<MethodCallResult>
  /** The traffic log and counters of the connection's driver (Modbus, S7), for the shared traffic view. */
  diagnostics?(driver: Connector): ConnectionDiagnostics
  /** A connect failed or succeeded (OPC UA remembers an untrusted server certificate). */
  connectFailed?(id: string, error: unknown): void
  connected?(id: string): void
  /** What the connection's detail shows about its last connect problem. */
  untrustedCertificate?(id: string): ConnectionDetail['untrustedCertificate']
  /** The connection was reconfigured or disconnected: drop what was opened for it. */
  release?(id: string): Promise<void>
  /** The connection was removed: forget it entirely (release when absent). */
  forget?(id: string): Promise<void>
  close?(): Promise<void>
}

/** Everything the rest of the app needs about one protocol; listed in main/connectors/registry.ts. */
export interface ProtocolModule<C extends ConnectionConfig, T extends ProtocolTools<C> = ProtocolTools<C>> {
  /** The driver for one stored configuration (secrets joined); throws on a configuration it cannot use. */
  build(id: string, config: C, context: ConnectorContext): Connector
  secrets: SecretFields<C>
  /** Keeps what outlives a reconfiguration (Modbus: counters and the traffic log) from the driver being replaced. */
  carryOver?(previous: Connector, next: Connector): void
  /**
   * Hands the tag list of `next` (built from a configuration that differs only in its tags) to the running `driver`,
   * so adding or editing a tag keeps the link, counters and traffic log; false when the driver cannot.
   */
  retag?(driver: Connector, next: Connector): boolean
  createTools?(context: ConnectorContext): T
}

/** What the registry demands for every connection kind of the contract: a driver and its secret fields. */
export interface ServesKind<K extends ConnectionKind> {
  build(id: string, config: ConfigOf<K>, context: ConnectorContext): Connector
  secrets: { split(config: ConfigOf<K>): { secrets: ConnectionSecrets }; join(config: ConfigOf<K>, secrets: ConnectionSecrets): ConnectionConfig }
}
