import { z } from 'zod'
import { longTaskProgressSchema } from './schemas'

// The deploy wizard: saved targets (credentials sealed), plan → diff (and drift) → apply → verify → version, rollback.

const id = z.string().min(1).max(200)
const secret = z.string().max(4096)
const segment = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[^\s/+#.$]+$/, 'a namespace level has no spaces, dots, slashes or MQTT wildcards')

export const nodeRedAuthInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** The password is sealed; left out on update, the stored one is kept. */
  z.object({ kind: z.literal('password'), username: z.string().min(1).max(200), password: secret.optional() }).strict(),
  z.object({ kind: z.literal('token'), token: secret.optional() }).strict(),
])

export const deployBrokerInputSchema = z
  .object({
    /** The broker the gateway publishes to, as the workbench reaches it (mqtt://host:port); the data check subscribes here. */
    url: z
      .string()
      .trim()
      .max(1000)
      .regex(/^mqtts?:\/\/[^\s]+$/i, 'a broker URL looks like mqtt://host:1883'),
    /** The same broker as the gateway reaches it, when that differs (another network); host:port. */
    gatewayAddress: z.string().trim().max(300).optional(),
    /** The gateway's own MQTT login (sealed). */
    gatewayUsername: z.string().max(200).optional(),
    gatewayPassword: secret.optional(),
    /** The workbench's reader login for the data check (sealed). */
    readerUsername: z.string().max(200).optional(),
    readerPassword: secret.optional(),
  })
  .strict()

export const deployTargetInputSchema = z
  .object({
    /** Absent: a new target. */
    id: id.optional(),
    name: z.string().trim().min(1).max(120),
    kind: z.literal('node-red').default('node-red'),
    url: z
      .string()
      .trim()
      .max(1000)
      .regex(/^https?:\/\/[^\s]+$/i, 'a Node-RED URL looks like http://gateway:1880'),
    auth: nodeRedAuthInputSchema,
    /** The gateway's identity in every envelope (and in devices/<id>/telemetry). */
    deviceId: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(/^[A-Za-z0-9_-]+$/, 'a device id uses letters, digits, - and _'),
    topicStyle: z.enum(['uns', 'devices']).default('uns'),
    namespace: z.object({ enterprise: segment, site: segment, area: segment, line: segment }).strict(),
    broker: deployBrokerInputSchema,
  })
  .strict()
export type DeployTargetInput = z.input<typeof deployTargetInputSchema>

export const deployTargetSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.literal('node-red'),
  url: z.string(),
  auth: z.object({ kind: z.enum(['none', 'password', 'token']), username: z.string().optional(), hasSecret: z.boolean() }),
  deviceId: z.string(),
  topicStyle: z.enum(['uns', 'devices']),
  namespace: z.object({ enterprise: z.string(), site: z.string(), area: z.string(), line: z.string() }),
  broker: z.object({
    url: z.string(),
    gatewayAddress: z.string().optional(),
    gatewayUsername: z.string().optional(),
    hasGatewayPassword: z.boolean(),
    readerUsername: z.string().optional(),
    hasReaderPassword: z.boolean(),
  }),
})
export type DeployTarget = z.infer<typeof deployTargetSchema>

export const diffLineSchema = z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })
export const propertyChangeSchema = z.object({
  property: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  lines: z.array(diffLineSchema).optional(),
})
export const nodeChangeSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  properties: z.array(propertyChangeSchema),
})
export const flowDiffSchema = z.object({
  added: z.number(),
  removed: z.number(),
  changed: z.number(),
  unchanged: z.number(),
  nodes: z.array(nodeChangeSchema),
})
export type FlowDiffView = z.infer<typeof flowDiffSchema>
export type NodeChangeView = z.infer<typeof nodeChangeSchema>

export const deployedTagSchema = z.object({
  tagId: z.string(),
  connectionId: z.string(),
  name: z.string(),
  topic: z.string(),
  intervalMs: z.number(),
  unit: z.string().optional(),
})

/** What to deploy: tags of the workbench's own connections, or a Node-RED flow file the user brings. */
export const deploySourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('connections'),
      connectionIds: z.array(id).min(1).max(500),
      /** Only these tags (`<connection id>:<tag name>`); every tag of the connections when absent. */
      tagIds: z.array(z.string().min(1).max(400)).max(50_000).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('flow'),
      /** A Node-RED export (JSON text): one tab and its nodes. */
      json: z.string().min(2).max(20_000_000),
    })
    .strict(),
])
export type DeploySource = z.infer<typeof deploySourceSchema>

export const deployPlanSchema = z.object({
  planId: z.string(),
  targetId: z.string(),
  createdAt: z.number(),
  diff: flowDiffSchema,
  /** Changes made on the device since our last deploy; applying then needs a choice. */
  drift: flowDiffSchema.nullable(),
  missingModules: z.array(z.string()),
  tags: z.array(deployedTagSchema),
  /** Things a person should know before applying (a gateway anyone can change, a connection without direct reads). */
  warnings: z.array(z.string()),
})
export type DeployPlanView = z.infer<typeof deployPlanSchema>

const nodeProblemSchema = z.object({ id: z.string(), name: z.string().optional(), problem: z.string() })

export const verifyReportSchema = z.object({
  ok: z.boolean(),
  /** The first check that failed. */
  failedStep: z.enum(['read back', 'health', 'data check']).optional(),
  readBack: z.object({ ok: z.boolean(), differences: flowDiffSchema, othersTouched: z.array(z.string()) }).optional(),
  health: z
    .object({
      ok: z.boolean(),
      problems: z.array(nodeProblemSchema),
      /** Nodes that were only waiting for their client to connect: not an error by itself, the data check decides. */
      connecting: z.array(nodeProblemSchema).optional(),
    })
    .optional(),
  data: z
    .object({
      ok: z.boolean(),
      elapsedMs: z.number(),
      tags: z.array(
        z.object({
          tagId: z.string(),
          topic: z.string(),
          messages: z.number(),
          agreed: z.boolean(),
          gatewayValue: z.unknown().optional(),
          directValue: z.unknown().optional(),
          problem: z.string().optional(),
        }),
      ),
    })
    .optional(),
  message: z.string(),
})
export type VerifyReport = z.infer<typeof verifyReportSchema>

export const deployVersionSchema = z.object({
  id: z.number(),
  targetId: z.string(),
  version: z.number(),
  kind: z.enum(['apply', 'rollback']),
  user: z.string(),
  createdAt: z.number(),
  /** What this version deployed, in words (connections, flow file, "rollback to v3"). */
  summary: z.string(),
  status: z.enum(['verified', 'applied', 'failed', 'rolled-back']),
  diff: flowDiffSchema,
  driftChoice: z.enum(['keep-theirs', 'overwrite']).optional(),
  verify: verifyReportSchema.optional(),
  nodeCount: z.number(),
  tags: z.array(deployedTagSchema),
  /** Set on a failed apply that was rolled back by itself: the version that runs now. */
  rolledBackTo: z.number().optional(),
})
export type DeployVersion = z.infer<typeof deployVersionSchema>

const verifyOptions = z
  .object({
    /** Default on: read back, health and the data check after the deploy. */
    verify: z.boolean().default(true),
    /** Default on: a failed verification deploys the previous version again. */
    autoRollback: z.boolean().default(true),
    healthWindowMs: z.number().int().min(0).max(600_000).optional(),
    /** Default: twice the slowest tag's interval plus 5 s. */
    dataWindowMs: z.number().int().min(0).max(3_600_000).optional(),
    skewMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict()

/** Chosen by the UI when it starts an apply or a rollback, so deploy.cancel can stop it while its stream stays open. */
export const deployJobIdSchema = z
  .string()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'a job id uses letters, digits, - and _')

/** The Mosquitto (Dynamic Security) the gateway publishes to, with its admin login (used for this plan only, never stored). */
export const deployBrokerAdminSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(1000)
      .regex(/^mqtts?:\/\/[^\s]+$/i, 'a broker URL looks like mqtt://host:1883'),
    adminUsername: z.string().min(1).max(200),
    adminPassword: secret.min(1),
  })
  .strict()

export const brokerChangeSchema = z.object({
  kind: z.enum(['client', 'role']),
  name: z.string(),
  change: z.enum(['added', 'changed', 'removed']),
  /** Roles: ACLs (`<type> allow|deny <topic>`); clients: role names. */
  added: z.array(z.string()),
  removed: z.array(z.string()),
})
export type BrokerChangeView = z.infer<typeof brokerChangeSchema>

export const brokerPlanSchema = z.object({
  brokerPlanId: z.string(),
  targetId: z.string(),
  brokerUrl: z.string(),
  gatewayId: z.string(),
  /** The gateway's topics the roles are made for (from the flow plan, or the version that runs). */
  topics: z.array(z.string()),
  /** Where the topics come from, in words. */
  source: z.string(),
  bridge: z.boolean(),
  changes: z.array(brokerChangeSchema),
})
export type BrokerPlanView = z.infer<typeof brokerPlanSchema>

export const brokerApplyResultSchema = z.object({
  changes: z.array(brokerChangeSchema),
  /** New clients and their generated passwords: shown this once; the gateway's and the reader's are sealed into the target. */
  passwords: z.array(z.object({ username: z.string(), password: z.string(), sealed: z.boolean() })),
  /** The broker read back after the apply: what still differs from the plan (empty: equal). */
  readBack: z.array(brokerChangeSchema),
  /** With a cloud bridge: the tenant broker's mosquitto.conf section (the password goes in by hand). */
  bridgeConf: z.string().optional(),
})
export type BrokerApplyResult = z.infer<typeof brokerApplyResultSchema>

export const deployRequests = {
  'deploy.targets': { input: z.object({}).strict().optional(), output: z.array(deployTargetSchema) },
  /** Saves a target (new or updated); secrets are sealed and never come back. */
  'deploy.saveTarget': { input: deployTargetInputSchema, output: deployTargetSchema },
  'deploy.removeTarget': { input: z.object({ id }).strict(), output: z.object({ ok: z.literal(true) }) },
  /** Reads the gateway and computes the diff; nothing is changed. */
  'deploy.plan': { input: z.object({ targetId: id, source: deploySourceSchema }).strict(), output: deployPlanSchema },
  /** Applies a plan with its rev (a change since the plan is a CONFLICT: plan again), then verifies and records a version. */
  'deploy.apply': {
    input: z
      .object({
        planId: z.string().min(1).max(100),
        /** Needed when the plan shows drift. */
        driftChoice: z.enum(['keep-theirs', 'overwrite', 'cancel']).optional(),
        installModules: z.boolean().default(true),
        options: verifyOptions.optional(),
      })
      .strict(),
    output: deployVersionSchema,
  },
  /** Adds (or finds) the demo plant's line as a saved Modbus TCP connection with every signal as a tag: something to deploy. */
  'deploy.addDemoLine': { input: z.object({}).strict().optional(), output: z.object({ connectionId: z.string(), tagCount: z.number() }) },
  'deploy.history': { input: z.object({ targetId: id, limit: z.number().int().min(1).max(1000).optional() }).strict(), output: z.array(deployVersionSchema) },
  /** Deploys an earlier version again (as a new version), verified the same way. */
  'deploy.rollback': {
    input: z
      .object({ targetId: id, version: z.number().int().min(0), driftChoice: z.enum(['overwrite', 'cancel']).optional(), options: verifyOptions.optional() })
      .strict(),
    output: deployVersionSchema,
  },
  /** Cancels an apply or rollback started with this job id; its stream then ends with what the gateway was left running. */
  'deploy.cancel': { input: z.object({ jobId: deployJobIdSchema }).strict(), output: z.object({ cancelled: z.boolean() }) },
  /**
   * Broker security for the target's gateway (Mosquitto Dynamic Security): a gateway client and role (publish its topics
   * only), a reader (subscribe), optionally a cloud bridge. Reads the broker and returns the changes; nothing is changed.
   * The topics are the flow plan's (planId) or the running version's.
   */
  'deploy.brokerPlan': {
    input: z
      .object({ targetId: id, broker: deployBrokerAdminSchema, bridge: z.boolean().default(false), planId: z.string().min(1).max(100).optional() })
      .strict(),
    output: brokerPlanSchema,
  },
  /** Applies exactly the broker plan's changes (the broker changed since: CONFLICT, plan again), reads back, seals the new passwords. */
  'deploy.brokerApply': { input: z.object({ brokerPlanId: z.string().min(1).max(100) }).strict(), output: brokerApplyResultSchema },
} as const

/** The steps of an apply or a rollback, in order. */
export const DEPLOY_STEP_NAMES = ['install modules', 'deploy', 'read back', 'health', 'data check', 'restore previous version'] as const

/** Progress of an apply or a rollback: the step that runs now (done = steps finished of the total), then the version. */
export const deployProgressEventSchema = z.discriminatedUnion('kind', [
  longTaskProgressSchema.extend({ step: z.enum(DEPLOY_STEP_NAMES) }),
  z.object({ kind: z.literal('done'), version: deployVersionSchema }),
])
export type DeployProgressEvent = z.infer<typeof deployProgressEventSchema>

/**
 * deploy.apply and deploy.rollback as streams: each step as it starts, then the version. Closing the stream cancels:
 * before the deploy nothing changes; after it the previous flows are deployed again (the gateway runs what it ran).
 */
export const deployStreams = {
  'deploy.applyWithProgress': {
    kind: 'stream' as const,
    input: deployRequests['deploy.apply'].input.extend({ jobId: deployJobIdSchema.optional() }),
    event: deployProgressEventSchema,
  },
  'deploy.rollbackWithProgress': {
    kind: 'stream' as const,
    input: deployRequests['deploy.rollback'].input.extend({ jobId: deployJobIdSchema.optional() }),
    event: deployProgressEventSchema,
  },
}
