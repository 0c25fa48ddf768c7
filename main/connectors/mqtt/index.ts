// Everything the rest of the app needs about MQTT connections: the driver from a stored configuration and its secrets
// (the password and a client certificate's private key).
import type { TagInfo } from '../../../preload/contract'
import { tagIdOf } from '../connector'
import type { ConfigOf, ConnectionSecrets, ProtocolModule } from '../protocol-module'
import { MqttConnector } from './mqtt-connector'

type MqttConfig = ConfigOf<'mqtt'>

export const mqtt = {
  build: (id, config) =>
    new MqttConnector({
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
    }),
  secrets: {
    split: (config) => {
      const { password, tls, ...rest } = config
      const secrets: ConnectionSecrets = {}
      if (password !== undefined) secrets.password = password
      if (tls?.key !== undefined) secrets.privateKey = tls.key
      if (!tls) return { config: rest, secrets }
      const { key: _key, ...publicTls } = tls
      return { config: { ...rest, tls: publicTls }, secrets }
    },
    join: (config, secrets) => {
      let joined = config
      if (secrets.password !== undefined) joined = { ...joined, password: secrets.password }
      if (secrets.privateKey !== undefined && config.tls) joined = { ...joined, tls: { ...config.tls, key: secrets.privateKey } }
      return joined
    },
  },
} satisfies ProtocolModule<MqttConfig>
