// Everything the rest of the app needs about OPC UA: the driver from a stored configuration, its secret (the user
// password), and the tools beside it (browse, tag descriptions, certificates).
import { tagIdOf } from '../connector'
import type { ConfigOf, ProtocolModule } from '../protocol-module'
import { OpcUaConnector } from './opcua-connector'
import { OpcUaTools, opcuaIdentity } from './opcua-tools'
import { quietOpcUaLogs } from './quiet-logs'

export { OpcUaTools } from './opcua-tools'

type OpcUaConfig = ConfigOf<'opcua'>

export const opcua = {
  build: (id, config, { dataDir }) =>
    new OpcUaConnector({
      id,
      name: config.name,
      endpointUrl: config.endpointUrl,
      dataDir,
      // Live views want changes within a frame or two; the server batches whatever changed per interval (node-opcua servers revise anything below 50 ms up to 50).
      publishingIntervalMs: 50,
      securityPolicy: config.securityPolicy,
      securityMode: config.securityMode,
      identity: opcuaIdentity(config),
      tags: config.tags.map((tag) => ({
        id: tagIdOf(id, tag.name),
        nodeId: tag.nodeId,
        name: tag.name,
        path: [config.name, ...(tag.path ?? [])],
        unit: tag.unit,
        range: tag.range,
        dataType: tag.dataType,
        access: tag.access,
        description: tag.description,
        samplingIntervalMs: tag.samplingIntervalMs,
        deadband: tag.deadband,
        indexRange: tag.indexRange,
      })),
    }),
  secrets: {
    split: (config) => {
      if (config.identity.kind !== 'username') return { config, secrets: {} }
      const { password, ...identity } = config.identity
      return { config: { ...config, identity }, secrets: password === undefined ? {} : { password } }
    },
    join: (config, secrets) =>
      config.identity.kind === 'username' && secrets.password !== undefined
        ? { ...config, identity: { ...config.identity, password: secrets.password } }
        : config,
  },
  createTools: (context) => {
    quietOpcUaLogs()
    return new OpcUaTools(context)
  },
} satisfies ProtocolModule<OpcUaConfig, OpcUaTools>
