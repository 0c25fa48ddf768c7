// The protocols the workbench speaks, one module each. The contract's ConnectionKind decides the keys: a protocol added
// there without a module here (its driver, its secret fields, its tools) does not compile.
import { WorkbenchError, type ConnectionConfig, type ConnectionKind } from '../../preload/contract'
import type { Connector } from './connector'
import { modbus } from './modbus'
import { mqtt } from './mqtt'
import { opcua } from './opcua'
import { s7 } from './s7'
import type { ConnectorContext, ProtocolModule, ProtocolTools, SecretFields, ServesKind } from './protocol-module'

export const PROTOCOLS = {
  'modbus-tcp': modbus,
  'modbus-rtu': modbus,
  opcua,
  mqtt,
  s7,
} satisfies { [K in ConnectionKind]: ServesKind<K> }

/** The module of a configuration's protocol, typed for any configuration (each module only ever sees its own). */
export function protocolModule(config: ConnectionConfig): ProtocolModule<ConnectionConfig> {
  return PROTOCOLS[config.protocol] as ProtocolModule<ConnectionConfig>
}

export function secretFields(config: ConnectionConfig): SecretFields<ConnectionConfig> {
  return protocolModule(config).secrets
}

/** Makes the protocol driver for one stored configuration; a configuration it cannot use is INVALID_INPUT naming the connection. */
export function buildConnector(id: string, config: ConnectionConfig, context: ConnectorContext): Connector {
  try {
    return protocolModule(config).build(id, config, context)
  } catch (error) {
    if (error instanceof WorkbenchError) throw error
    throw new WorkbenchError('INVALID_INPUT', `Connection "${config.name}": ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** One tools object per protocol module that has tools, made once per app. */
export type ProtocolToolSet = {
  [K in keyof typeof PROTOCOLS]: (typeof PROTOCOLS)[K] extends { createTools(context: ConnectorContext): infer T } ? T : undefined
}

export function createProtocolTools(context: ConnectorContext): {
  byKind: ProtocolToolSet
  of(config: ConnectionConfig): ProtocolTools<ConnectionConfig> | undefined
  all(): ProtocolTools<ConnectionConfig>[]
} {
  const made = new Map<unknown, unknown>()
  const byKind = Object.fromEntries(
    Object.entries(PROTOCOLS).map(([kind, module]) => {
      const create = (module as ProtocolModule<ConnectionConfig>).createTools
      if (!create) return [kind, undefined]
      if (!made.has(module)) made.set(module, create(context))
      return [kind, made.get(module)]
    }),
  ) as ProtocolToolSet
  return {
    byKind,
    of: (config) => byKind[config.protocol] as ProtocolTools<ConnectionConfig> | undefined,
    all: () => [...made.values()] as ProtocolTools<ConnectionConfig>[],
  }
}
