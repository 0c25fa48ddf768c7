import type { ConnectionConfig } from '../../preload/contract'

/** The secret fields of a configuration, by name; everything else is stored as plain JSON. */
export interface ConnectionSecrets {
  password?: string
}

export function splitSecrets(config: ConnectionConfig): { config: ConnectionConfig; secrets: ConnectionSecrets } {
  if (config.protocol === 'opcua' && config.identity.kind === 'username') {
    const { password, ...identity } = config.identity
    return { config: { ...config, identity }, secrets: password === undefined ? {} : { password } }
  }
  if (config.protocol === 'mqtt') {
    const { password, ...rest } = config
    return { config: rest, secrets: password === undefined ? {} : { password } }
  }
  return { config, secrets: {} }
}

export function joinSecrets(config: ConnectionConfig, secrets: ConnectionSecrets): ConnectionConfig {
  if (secrets.password === undefined) return config
  if (config.protocol === 'opcua' && config.identity.kind === 'username') return { ...config, identity: { ...config.identity, password: secrets.password } }
  if (config.protocol === 'mqtt') return { ...config, password: secrets.password }
  return config
}
