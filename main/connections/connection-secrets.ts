import type { ConnectionConfig } from '../../preload/contract'

/** The secret fields of a configuration, by name; everything else is stored as plain JSON. */
export interface ConnectionSecrets {
  password?: string
  /** An MQTT client certificate's private key (PEM text or a path). */
  privateKey?: string
}

export function splitSecrets(config: ConnectionConfig): { config: ConnectionConfig; secrets: ConnectionSecrets } {
  if (config.protocol === 'opcua' && config.identity.kind === 'username') {
    const { password, ...identity } = config.identity
    return { config: { ...config, identity }, secrets: password === undefined ? {} : { password } }
  }
  if (config.protocol === 'mqtt') {
    const { password, tls, ...rest } = config
    const secrets: ConnectionSecrets = {}
    if (password !== undefined) secrets.password = password
    if (tls?.key !== undefined) secrets.privateKey = tls.key
    if (!tls) return { config: rest, secrets }
    const { key: _key, ...publicTls } = tls
    return { config: { ...rest, tls: publicTls }, secrets }
  }
  return { config, secrets: {} }
}

export function joinSecrets(config: ConnectionConfig, secrets: ConnectionSecrets): ConnectionConfig {
  if (config.protocol === 'opcua' && config.identity.kind === 'username' && secrets.password !== undefined) {
    return { ...config, identity: { ...config.identity, password: secrets.password } }
  }
  if (config.protocol === 'mqtt') {
    let joined: ConnectionConfig = config
    if (secrets.password !== undefined) joined = { ...joined, password: secrets.password }
    if (secrets.privateKey !== undefined && config.tls) joined = { ...joined, tls: { ...config.tls, key: secrets.privateKey } }
    return joined
  }
  return config
}
