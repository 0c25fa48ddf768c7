import { z } from 'zod'
import { workbenchErrorSchema } from './errors'
import { connectionStatusSchema, tagIdSchema, tagInfoSchema, tagValueSchema } from './schemas'

// Connections a person adds by hand (Modbus TCP/RTU, OPC UA, MQTT, Siemens S7), their tags, armed writes and the audit log.

const id = z.string().min(1).max(200)
const name = z.string().trim().min(1).max(120)
const text = (max: number) => z.string().max(max)
/** A secret as typed; `undefined` on update keeps the stored one. It never comes back in an output. */
const secret = z.string().max(4096)

export const MODBUS_DATA_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string'] as const
export const MODBUS_BYTE_ORDERS = ['ABCD', 'BADC', 'CDAB', 'DCBA'] as const
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const
export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const

const range = z.object({ low: z.number(), high: z.number() }).refine((r) => r.low < r.high, { message: 'range low must be below range high' })
const access = z.enum(['read', 'read-write'])
const unitId = z.number().int().min(0).max(255)

export const modbusTagConfigSchema = z
  .object({
    name,
    /** `hr:4`, `40005`, `co:0`, `hr:10.3`: both 0-based and Modicon notations are accepted. */
    address: z.string().trim().min(1).max(40),
    /** Folders below the connection in the Tags tree: the OPC UA browse path, a Kepware tag group, an Ignition folder. */
    path: z.array(z.string().trim().min(1).max(120)).max(16).optional(),
    /** The device (slave address) behind the connection's gateway; the connection's unit id when absent. */
    unitId: unitId.optional(),
    dataType: z.enum(MODBUS_DATA_TYPES),
    byteOrder: z.enum(MODBUS_BYTE_ORDERS).default('ABCD'),
    access: access.default('read'),
    unit: text(40).optional(),
    range: range.optional(),
    stringLength: z.number().int().min(1).max(123).optional(),
    scanRateMs: z.number().int().min(50).max(3_600_000).optional(),
    /** Linear raw → engineering scaling (from a Kepware import, or set by hand). */
    scaling: z
      .object({ rawLow: z.number(), rawHigh: z.number(), engLow: z.number(), engHigh: z.number() })
      .refine((s) => s.rawLow !== s.rawHigh && s.engLow !== s.engHigh, { message: 'scaling needs two different raw and two different engineering values' })
      .optional(),
    description: text(500).optional(),
  })
  .strict()
export type ModbusTagConfig = z.infer<typeof modbusTagConfigSchema>

export const opcuaTagConfigSchema = z
  .object({
    name,
    nodeId: z.string().trim().min(1).max(1000),
    /** Folders below the connection in the Tags tree: the OPC UA browse path, a Kepware tag group, an Ignition folder. */
    path: z.array(z.string().trim().min(1).max(120)).max(16).optional(),
    dataType: text(80).optional(),
    /** Left out when adding from the browse tree: the node's AccessLevel decides. */
    access: access.optional(),
    unit: text(40).optional(),
    range: range.optional(),
    samplingIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
    /** One element of an array node (`2` is the third), so it can be trended and alarmed like a scalar; read-only. */
    indexRange: z
      .string()
      .regex(/^\d{1,9}$/, 'an element index is a whole number like 2')
      .optional(),
    /** A data-change filter on the server: absolute in engineering units, percent of the node's EURange span. */
    deadband: z
      .object({ type: z.enum(['absolute', 'percent']), value: z.number().min(0).max(1e12) })
      .strict()
      .refine((d) => d.type === 'absolute' || d.value <= 100, { message: 'a percent deadband is 0..100' })
      .optional(),
    description: text(500).optional(),
  })
  .strict()
export type OpcUaTagConfig = z.infer<typeof opcuaTagConfigSchema>

export const MQTT_TAG_DATA_TYPES = ['Double', 'Int64', 'Boolean', 'String', 'Json'] as const

export const mqttTagConfigSchema = z
  .object({
    name,
    topic: z.string().trim().min(1).max(1000),
    /** A field of a JSON payload (`$.speed.value`, `$.axes[0].temp`, or the older `a.b`); the whole payload when absent. */
    jsonPath: text(200).optional(),
    /** Where the source time sits in the payload (epoch ms, epoch s or an ISO string); receive time when absent. */
    timePath: text(200).optional(),
    dataType: text(40).optional(),
    unit: text(40).optional(),
    range: range.optional(),
    description: text(500).optional(),
  })
  .strict()
export type MqttTagConfig = z.infer<typeof mqttTagConfigSchema>

export const s7TagConfigSchema = z
  .object({
    name,
    /** `DB1.DBD0`, `DB1.DBX6.2`, `MW20`, `I0.0`, `QW80`, or nodes7 style `DB1,REAL0`; the connector checks it when the connection is built. */
    address: z.string().trim().min(1).max(60),
    /** Where the tag sits in the tag tree below the connection (a DB source import puts the DB and struct names here). */
    path: z.array(z.string().trim().min(1).max(120)).max(16).optional(),
    /** `REAL`, `INT`, `STRING[20]` …; without it the address's width decides (DBX → BOOL, DBW → WORD, DBD → DWORD). */
    dataType: z.string().trim().min(1).max(40).optional(),
    access: access.default('read'),
    unit: text(40).optional(),
    range: range.optional(),
    scanRateMs: z.number().int().min(50).max(3_600_000).optional(),
    description: text(500).optional(),
  })
  .strict()
export type S7TagConfig = z.infer<typeof s7TagConfigSchema>

const tagList = <T extends z.ZodType>(tag: T) => z.array(tag).max(5000).default([])
const host = z.string().trim().min(1).max(253)
const port = z.number().int().min(1).max(65535)
const timeoutMs = z.number().int().min(50).max(60_000).default(1000)

export const modbusTcpConfigSchema = z
  .object({
    protocol: z.literal('modbus-tcp'),
    name,
    host,
    port: port.default(502),
    /** `rtu-over-tcp`: RTU frames with CRC through a serial gateway or a terminal server, instead of Modbus TCP (MBAP). */
    framing: z.enum(['tcp', 'rtu-over-tcp']).default('tcp'),
    unitId: unitId.default(1),
    timeoutMs,
    scanRateMs: z.number().int().min(50).max(3_600_000).default(1000),
    tags: tagList(modbusTagConfigSchema),
  })
  .strict()

export const modbusRtuConfigSchema = z
  .object({
    protocol: z.literal('modbus-rtu'),
    name,
    serialPath: z.string().trim().min(1).max(200),
    baudRate: z.number().int().min(50).max(4_000_000).default(9600),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    unitId: unitId.default(1),
    timeoutMs,
    scanRateMs: z.number().int().min(50).max(3_600_000).default(1000),
    tags: tagList(modbusTagConfigSchema),
  })
  .strict()

export const opcuaIdentitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('anonymous') }).strict(),
  z.object({ kind: z.literal('username'), username: z.string().min(1).max(200), password: secret.optional() }).strict(),
])

const opcuaEndpointUrl = z
  .string()
  .trim()
  .max(1000)
  .regex(/^opc\.tcp:\/\/[^\s]+$/i, 'an OPC UA endpoint looks like opc.tcp://host:4840')

export const opcuaConfigSchema = z
  .object({
    protocol: z.literal('opcua'),
    name,
    endpointUrl: opcuaEndpointUrl,
    securityPolicy: z.enum(OPCUA_SECURITY_POLICIES).default('None'),
    securityMode: z.enum(OPCUA_SECURITY_MODES).default('None'),
    identity: opcuaIdentitySchema.default({ kind: 'anonymous' }),
    tags: tagList(opcuaTagConfigSchema),
  })
  .strict()
  .refine((c) => (c.securityPolicy === 'None') === (c.securityMode === 'None'), {
    message: 'security policy None goes with mode None, and a real policy with Sign or SignAndEncrypt',
    path: ['securityMode'],
  })

/** TLS for mqtts:// and wss://: each PEM is pasted text or a file path on this machine. */
export const mqttTlsSchema = z
  .object({
    /** CA certificate(s) that signed the broker certificate; the system CAs when empty. */
    ca: z.string().max(65_536).optional(),
    /** Client certificate for brokers that require one. */
    cert: z.string().max(65_536).optional(),
    /** Its private key: a secret, sealed in storage and never sent back to the UI. */
    key: z.string().max(65_536).optional(),
    /** Off only for a test broker: anyone in the middle could then read and change the traffic. */
    rejectUnauthorized: z.boolean().default(true),
    /** Name the broker certificate must carry when it differs from the URL host. */
    servername: z.string().max(253).optional(),
  })
  .strict()
export type MqttTlsConfig = z.infer<typeof mqttTlsSchema>

export const mqttSparkplugSchema = z
  .object({
    /** Subscribes to spBv1.0/<group>/# and turns every NBIRTH/DBIRTH metric into a tag. */
    enabled: z.boolean().default(false),
    /** One Sparkplug group, or every group when empty. */
    groupId: z.string().max(200).optional(),
    /** On a sequence gap, publish NCMD "Node Control/Rebirth" so the edge node births again. */
    rebirthOnGap: z.boolean().default(false),
  })
  .strict()
export type MqttSparkplugConfig = z.infer<typeof mqttSparkplugSchema>

export const mqttConfigSchema = z
  .object({
    protocol: z.literal('mqtt'),
    name,
    url: z
      .string()
      .trim()
      .max(1000)
      .regex(/^(mqtts?|wss?):\/\/[^\s]+$/i, 'an MQTT broker URL looks like mqtt://host:1883 (or mqtts://host:8883 with TLS)'),
    /** 4 is MQTT 3.1.1, 5 is MQTT 5. */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    username: z.string().max(200).optional(),
    password: secret.optional(),
    clientId: z.string().max(200).optional(),
    /** Clean session (3.1.1) / clean start (5): the broker forgets subscriptions and queued messages of this client id. */
    cleanStart: z.boolean().default(true),
    keepaliveSeconds: z.number().int().min(0).max(65_535).default(60),
    tls: mqttTlsSchema.optional(),
    sparkplug: mqttSparkplugSchema.optional(),
    tags: tagList(mqttTagConfigSchema),
  })
  .strict()

/** A TSAP as typed in TIA Portal or LOGO!Soft (`01.00`, `4D.57`) or as a hexadecimal number (`0x0301`). */
const s7Tsap = z
  .string()
  .trim()
  .regex(/^([0-9a-f]{1,2}\.[0-9a-f]{1,2}|0x[0-9a-f]{1,4})$/i, 'a TSAP looks like 01.00 or 0x0100')

export const S7_CONNECTION_TYPES = ['pg', 'op', 'basic'] as const

export const s7ConfigSchema = z
  .object({
    protocol: z.literal('s7'),
    name,
    host,
    port: port.default(102),
    rack: z.number().int().min(0).max(7).default(0),
    slot: z.number().int().min(0).max(31).default(1),
    /** PG (programming device), OP (operator panel) or S7 basic: the CPU keeps separate connection resources per type. */
    connectionType: z.enum(S7_CONNECTION_TYPES).default('pg'),
    /** For devices without rack and slot (LOGO!, S7-200 via CP): both TSAPs, which then replace rack and slot. */
    localTsap: s7Tsap.optional(),
    remoteTsap: s7Tsap.optional(),
    /** The PDU size asked for; the CPU may grant less (S7-300/1200: 240). */
    pduSize: z.number().int().min(240).max(960).default(960),
    timeoutMs: z.number().int().min(50).max(60_000).default(2000),
    scanRateMs: z.number().int().min(50).max(3_600_000).default(1000),
    tags: tagList(s7TagConfigSchema),
  })
  .strict()
  .refine((c) => (c.localTsap === undefined) === (c.remoteTsap === undefined), {
    message: 'give both the local and the remote TSAP, or neither (then rack and slot decide)',
    path: ['remoteTsap'],
  })

export const connectionConfigSchema = z.union([modbusTcpConfigSchema, modbusRtuConfigSchema, opcuaConfigSchema, mqttConfigSchema, s7ConfigSchema])
export type ConnectionConfig = z.infer<typeof connectionConfigSchema>
export type ConnectionConfigInput = z.input<typeof connectionConfigSchema>
export type ConnectionKind = ConnectionConfig['protocol']

const tagConfigSchema = z.union([modbusTagConfigSchema, opcuaTagConfigSchema, mqttTagConfigSchema, s7TagConfigSchema])

/** A stored connection as it goes back to the UI: secrets are replaced by `has…` flags. */
export const connectionDetailSchema = z.object({
  id: z.string(),
  /** The configuration without secrets (passwords are blank). */
  config: z.record(z.string(), z.unknown()),
  kind: z.enum(['modbus-tcp', 'modbus-rtu', 'opcua', 'mqtt', 's7']),
  hasSecrets: z.boolean(),
  status: connectionStatusSchema,
  tags: z.array(tagInfoSchema),
  armedUntil: z.number().nullable(),
  /** Set when the last connect failed on an untrusted OPC UA server certificate. */
  untrustedCertificate: z
    .object({ subject: z.string(), thumbprint: z.string(), notBefore: z.string(), notAfter: z.string(), applicationUri: z.string().optional() })
    .optional(),
})
export type ConnectionDetail = z.infer<typeof connectionDetailSchema>

/** The reply of connections.add: the connection is saved even when the first connect (`connect: true`) fails. */
export const addedConnectionSchema = connectionDetailSchema.extend({
  /** Why the first connect failed; the status says whether it keeps retrying (MQTT) or waits for Connect. */
  connectError: workbenchErrorSchema.optional(),
})
export type AddedConnection = z.infer<typeof addedConnectionSchema>

export const discoveredEndpointSchema = z.object({
  endpointUrl: z.string(),
  securityPolicy: z.string(),
  securityMode: z.string(),
  securityLevel: z.number(),
  userTokens: z.array(z.object({ type: z.string(), policyId: z.string() })),
  serverName: z.string(),
  certificate: z.object({ subject: z.string(), thumbprint: z.string(), notBefore: z.string(), notAfter: z.string() }).optional(),
})
export type DiscoveredEndpointInfo = z.infer<typeof discoveredEndpointSchema>

export const browseNodeSchema = z.object({
  nodeId: z.string(),
  browseName: z.string(),
  displayName: z.string(),
  nodeClass: z.string(),
  dataType: z.string().optional(),
  hasChildren: z.boolean(),
})
export type BrowseNodeInfo = z.infer<typeof browseNodeSchema>

export const methodArgumentSchema = z.object({
  name: z.string(),
  /** By name: Int32, Double, a structure's browse name. */
  dataType: z.string(),
  description: z.string().optional(),
  /** -1 scalar, 1 one-dimensional array. */
  valueRank: z.number(),
})
export type MethodArgumentInfo = z.infer<typeof methodArgumentSchema>

/** What the attributes pane shows of the node selected in the browse tree. */
export const nodeDetailsSchema = z.object({
  nodeId: z.string(),
  nodeClass: z.string(),
  browseName: z.string(),
  displayName: z.string(),
  description: z.string().optional(),
  value: tagValueSchema.shape.value.optional(),
  /** The value's StatusCode name (Good, BadNotReadable …). */
  valueStatus: z.string().optional(),
  sourceTime: z.number().optional(),
  dataType: z.string().optional(),
  /** -1 scalar, 1 array, 0 one or more dimensions, -2 any, -3 scalar or one dimension. */
  valueRank: z.number().optional(),
  arrayDimensions: z.array(z.number()).optional(),
  /** CurrentRead, CurrentWrite, HistoryRead … as the server grants them to this user. */
  accessLevel: z.array(z.string()).optional(),
  minimumSamplingIntervalMs: z.number().optional(),
  historizing: z.boolean().optional(),
  executable: z.boolean().optional(),
  /** For a method: its arguments with their types; `objectId` is the object it is called on (its parent in the tree). */
  method: z.object({ inputArguments: z.array(methodArgumentSchema), outputArguments: z.array(methodArgumentSchema) }).optional(),
})
export type NodeDetails = z.infer<typeof nodeDetailsSchema>

export const armStatusSchema = z.object({ connectionId: z.string(), armedUntil: z.number().nullable() })
export type ArmStatus = z.infer<typeof armStatusSchema>

/** What a write may send; `writes.prepare` checks it in the write service, so a refused value is audited too. */
export const writeValueSchema = z.union([z.number(), z.boolean(), z.string().max(1000)])
const writeValue = writeValueSchema

export const methodCallResultSchema = z.object({
  /** The call's StatusCode name (Good, or a Good/Uncertain subcode). */
  status: z.string(),
  outputs: z.array(z.object({ name: z.string(), value: tagValueSchema.shape.value })),
  auditId: z.number(),
})
export type MethodCallResultInfo = z.infer<typeof methodCallResultSchema>

export const writeCheckSchema = z.object({ name: z.string(), ok: z.boolean(), message: z.string() })
export const preparedWriteSchema = z.object({
  id: z.string(),
  connectionId: z.string(),
  tag: tagInfoSchema,
  /** Where the write lands (`unit 1 hr:4 (40005)`); commit refuses when the tag has moved since. */
  address: z.string(),
  oldValue: tagValueSchema.shape.value,
  newValue: writeValue,
  checks: z.array(writeCheckSchema),
  /** All checks passed: commit will send it (if the connection is still armed). */
  ok: z.boolean(),
  expiresAt: z.number(),
})
export type PreparedWrite = z.infer<typeof preparedWriteSchema>

export const writeResultSchema = z.object({
  tagId: z.string(),
  oldValue: tagValueSchema.shape.value,
  newValue: writeValue,
  /** Read back from the device after the write. */
  readBack: tagValueSchema.shape.value,
  /** `mismatch`: the device holds something other than what was written (clamped, overwritten by its program). */
  result: z.enum(['ok', 'mismatch']),
  message: z.string(),
  auditId: z.number(),
})
export type WriteResult = z.infer<typeof writeResultSchema>

export const auditEntrySchema = z.object({
  id: z.number(),
  time: z.number(),
  user: z.string(),
  connectionId: z.string(),
  connectionName: z.string(),
  tagId: z.string(),
  /** Where the write would land (`unit 1 hr:4 (40005)`, a NodeId); null when the tag was unknown. */
  address: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  /** mismatch: written, but the read-back differs; cancelled: prepared, then voided by a change before the confirmation. */
  result: z.enum(['ok', 'mismatch', 'refused', 'cancelled', 'failed']),
  /** The reason, in words. */
  message: z.string(),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

export const certificateSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  thumbprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  applicationUri: z.string().optional(),
  trust: z.enum(['trusted', 'rejected']),
})
export type CertificateEntry = z.infer<typeof certificateSchema>

/** One frame of a connection's traffic log; `fields` are the protocol's own columns (Modbus: unit, FC; S7: PDU ref, service). */
export const trafficFrameSchema = z.object({
  seq: z.number(),
  time: z.number(),
  direction: z.enum(['tx', 'rx']),
  hex: z.string(),
  result: z.string(),
  rttMs: z.number().optional(),
  fields: z.record(z.string(), z.union([z.string(), z.number()])),
})
/** The traffic log and counters of a connection whose protocol keeps them (Modbus, S7), in one shape for one view. */
export const connectionTrafficSchema = z.object({
  /** The protocol's frame columns, in order: `key` into each frame's `fields`. */
  columns: z.array(z.object({ key: z.string(), label: z.string() })),
  frames: z.array(trafficFrameSchema),
  /** Requests, responses, timeouts, then the protocol's error kinds; `problem` marks counts that are bad news when not 0. */
  counters: z.array(z.object({ key: z.string(), label: z.string(), value: z.number(), problem: z.boolean() })),
  rtt: z.object({ min: z.number().nullable(), avg: z.number().nullable(), max: z.number().nullable(), last: z.number().nullable() }),
})
export type ConnectionTraffic = z.infer<typeof connectionTrafficSchema>
export type TrafficFrameInfo = z.infer<typeof trafficFrameSchema>

const byId = z.object({ id }).strict()
const thumbprint = z.object({ thumbprint: z.string().min(1).max(200) }).strict()
const ok = z.object({ ok: z.literal(true) })

export const connectionRequests = {
  /** Saves a new connection; with `connect` it then connects, and a failure comes back as `connectError`, the connection saved. */
  'connections.add': { input: z.object({ config: connectionConfigSchema, connect: z.boolean().optional() }).strict(), output: addedConnectionSchema },
  /** Replaces the configuration; omitted secrets keep their stored value. Reconnects when it was connected. */
  'connections.update': { input: z.object({ id, config: connectionConfigSchema }).strict(), output: connectionDetailSchema },
  'connections.remove': { input: byId, output: ok },
  'connections.connect': { input: byId, output: connectionDetailSchema },
  'connections.disconnect': { input: byId, output: connectionDetailSchema },
  'connections.get': { input: byId, output: connectionDetailSchema },
  /** Every connection added by hand (the demo plant's own feed is not one). */
  'connections.managed': { input: z.object({}).strict().optional(), output: z.array(connectionDetailSchema) },
  /** OPC UA GetEndpoints: policies, modes, user tokens and the server certificate. */
  'connections.discover': { input: z.object({ endpointUrl: opcuaEndpointUrl }).strict(), output: z.array(discoveredEndpointSchema) },
  /** OPC UA: the children of a node (Objects when omitted). Other protocols have nothing to browse. */
  'connections.browse': { input: z.object({ id, nodeId: z.string().max(1000).optional() }).strict(), output: z.array(browseNodeSchema) },
  /** OPC UA: the attributes of one node (value, data type with array dimensions, access level, minimum sampling, description; a method's arguments). */
  'connections.nodeDetails': { input: z.object({ id, nodeId: z.string().trim().min(1).max(1000) }).strict(), output: nodeDetailsSchema },
  /** OPC UA: calls a method on its object, inputs converted to the declared argument types; only while armed, audited like a write. */
  'connections.callMethod': {
    input: z
      .object({
        id,
        objectId: z.string().trim().min(1).max(1000),
        methodId: z.string().trim().min(1).max(1000),
        /** One value per input argument; an array argument takes an array (or its JSON text). */
        inputs: z
          .array(z.union([writeValue, z.array(writeValue).max(10_000)]))
          .max(100)
          .default([]),
      })
      .strict(),
    output: methodCallResultSchema,
  },
  'connections.addTags': { input: z.object({ id, tags: z.array(tagConfigSchema).min(1).max(1000) }).strict(), output: connectionDetailSchema },
  'connections.removeTags': { input: z.object({ id, names: z.array(name).min(1).max(5000) }).strict(), output: connectionDetailSchema },
  /** Replaces the configuration of the tag called `name` (it may be renamed); its pending writes are cancelled. */
  'connections.updateTag': { input: z.object({ id, name, tag: tagConfigSchema }).strict(), output: connectionDetailSchema },
  /** Allows writes for `minutes` (default 5); disarms by itself afterwards. */
  'connections.arm': { input: z.object({ id, minutes: z.number().min(0.05).max(240).optional() }).strict(), output: armStatusSchema },
  'connections.disarm': { input: byId, output: armStatusSchema },
  'writes.armed': { input: z.object({}).strict().optional(), output: z.array(armStatusSchema) },
  /** Step 1: reads the current value, checks type and range; nothing is sent. */
  'writes.prepare': { input: z.object({ tagId: tagIdSchema, value: z.unknown() }).strict(), output: preparedWriteSchema },
  /** Step 2: the person confirmed; sends the prepared value and reads it back. */
  'writes.commit': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: writeResultSchema },
  'audit.list': {
    input: z
      .object({ connectionId: id.optional(), limit: z.number().int().min(1).max(10_000).optional() })
      .strict()
      .optional(),
    output: z.array(auditEntrySchema),
  },
  'certificates.list': { input: z.object({}).strict().optional(), output: z.array(certificateSchema) },
  'certificates.trust': { input: thumbprint, output: certificateSchema },
  'certificates.reject': { input: thumbprint, output: certificateSchema },
  /** Modbus and S7: the newest `limit` frames of the traffic log (default 200) and the counters; other protocols keep none. */
  'connections.traffic': { input: z.object({ id, limit: z.number().int().min(1).max(2000).optional() }).strict(), output: connectionTrafficSchema },
} as const
