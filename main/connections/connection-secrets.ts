import type { ConnectionConfig } from '../../preload/contract'
import type { ConnectionSecrets } from '../connectors/protocol-module'
import { secretFields } from '../connectors/registry'

export type { ConnectionSecrets }

/** The configuration without its secrets (stored and shown) and the secrets (sealed), as the protocol's module declares them. */
export function splitSecrets(config: ConnectionConfig): { config: ConnectionConfig; secrets: ConnectionSecrets } {
  return secretFields(config).split(config)
}

export function joinSecrets(config: ConnectionConfig, secrets: ConnectionSecrets): ConnectionConfig {
  return secretFields(config).join(config, secrets)
}
