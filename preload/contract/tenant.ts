import { z } from 'zod'

/** TLS to the tenant: off, encrypted without checking the server, or the server's chain and name checked against a CA. */
export const tenantTlsSchema = z
  .object({
    mode: z.enum(['disable', 'require', 'verify-full']),
    /** PEM of the CA the server's certificate must chain to (verify-full); the system's CAs when absent. */
    ca: z.string().max(100_000).optional(),
    /** PEM client certificate and key for mutual TLS. */
    cert: z.string().max(100_000).optional(),
    key: z.string().max(100_000).optional(),
  })
  .strict()
export type TenantTls = z.infer<typeof tenantTlsSchema>

export const tenantTargetSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65_535),
    database: z.string().min(1).max(63),
    user: z.string().min(1).max(63),
    password: z.string().max(1000).optional(),
    tls: tenantTlsSchema,
  })
  .strict()
export type TenantTarget = z.infer<typeof tenantTargetSchema>

/** A stored target as the UI sees it: secrets only as "is one stored". */
export const tenantTargetViewSchema = z.object({
  host: z.string(),
  port: z.number(),
  database: z.string(),
  user: z.string(),
  hasPassword: z.boolean(),
  tls: z.object({ mode: tenantTlsSchema.shape.mode, hasCa: z.boolean(), hasClientCertificate: z.boolean() }),
})
export type TenantTargetView = z.infer<typeof tenantTargetViewSchema>

/** What failed when talking to the tenant, in the words a person acts on. */
export const tenantFailureKinds = [
  'unreachable',
  'wrong-password',
  'database-missing',
  'permission-denied',
  'certificate-not-trusted',
  'tls-refused',
  'other',
] as const
export const tenantFailureKindSchema = z.enum(tenantFailureKinds)
export type TenantFailureKind = z.infer<typeof tenantFailureKindSchema>

export const tenantFlavorSchema = z.object({
  kind: z.enum(['timescaledb', 'plain']),
  /** Why this flavour: e.g. the error CREATE EXTENSION timescaledb gave. */
  reason: z.string(),
})
export type TenantFlavor = z.infer<typeof tenantFlavorSchema>

export const schemaChangeSchema = z.object({
  action: z.enum(['create', 'drop', 'alter']),
  kind: z.enum(['table', 'index', 'view', 'role', 'policy', 'function', 'extension', 'grant']),
  name: z.string(),
})
export type SchemaChange = z.infer<typeof schemaChangeSchema>

export const plannedMigrationSchema = z.object({
  version: z.number(),
  name: z.string(),
  direction: z.enum(['up', 'down']),
  changes: z.array(schemaChangeSchema),
  sql: z.array(z.string()),
})
export type PlannedMigration = z.infer<typeof plannedMigrationSchema>

export const driftItemSchema = z.object({
  kind: z.enum(['table', 'index', 'view', 'role', 'policy']),
  name: z.string(),
  change: z.enum(['missing', 'added', 'changed']),
  expected: z.string().nullable(),
  actual: z.string().nullable(),
})
export type DriftItem = z.infer<typeof driftItemSchema>

export const tenantPlanSchema = z.object({
  target: z.string(),
  flavor: tenantFlavorSchema,
  currentVersion: z.number(),
  targetVersion: z.number(),
  migrations: z.array(plannedMigrationSchema),
  drift: z.array(driftItemSchema),
})
export type TenantPlan = z.infer<typeof tenantPlanSchema>

export const tenantStatusSchema = z.object({
  target: z.string(),
  reachable: z.boolean(),
  version: z.number().nullable(),
  latestVersion: z.number(),
  flavor: tenantFlavorSchema.nullable(),
  serverVersion: z.string().nullable(),
  rows: z.number().nullable(),
  error: z.object({ kind: tenantFailureKindSchema, message: z.string() }).nullable(),
})
export type TenantStatus = z.infer<typeof tenantStatusSchema>

export const syncStateSchema = z.enum(['idle', 'syncing', 'caught-up', 'offline', 'paused', 'stopped', 'not-configured'])
export type SyncState = z.infer<typeof syncStateSchema>

/** Samples the historian's retention keeps because the tenant has not got them (most held first). */
export const retentionHeldSchema = z.object({
  holder: z.string(),
  /** The retention pass's time: force with it to delete exactly what was shown. */
  at: z.number(),
  points: z.number(),
  tagCount: z.number(),
  tags: z.array(z.object({ tagId: z.string(), points: z.number(), from: z.number(), to: z.number() })),
  from: z.number().nullable(),
  to: z.number().nullable(),
  overSizeCapBytes: z.number(),
})
export type RetentionHeldView = z.infer<typeof retentionHeldSchema>

export const syncStatusSchema = z.object({
  state: syncStateSchema,
  target: z.string().nullable(),
  /** How far behind the oldest tag is (ms), and the points recorded but not yet in the tenant. */
  lagMs: z.number().nullable(),
  lagPoints: z.number().nullable(),
  rowsPerSecond: z.number(),
  rowsSent: z.number(),
  /** Rows the tenant already had (re-sent after a crash or by a backfill). */
  rowsSkipped: z.number(),
  tags: z.number(),
  lastSyncAt: z.number().nullable(),
  lastError: z.object({ kind: tenantFailureKindSchema, message: z.string(), at: z.number() }).nullable(),
  rateLimitRowsPerSecond: z.number().nullable(),
  backfill: z.object({ from: z.number(), to: z.number(), done: z.number(), total: z.number() }).nullable(),
  /** What retention holds back for the tenant (at most 20 tags listed); null: nothing held. */
  retentionHeld: retentionHeldSchema.nullable().optional(),
})
export type SyncStatus = z.infer<typeof syncStatusSchema>

export const reconcileRowSchema = z.object({
  tagId: z.string(),
  hour: z.number(),
  local: z.number(),
  tenant: z.number(),
})
export type ReconcileRow = z.infer<typeof reconcileRowSchema>

const timeRange = z
  .object({ from: z.number().int().min(0), to: z.number().int().min(0) })
  .strict()
  .refine((r) => r.to >= r.from, { message: 'to must not be before from' })

export const tenantRequests = {
  'tenant.getTarget': { input: z.object({}).strict().optional(), output: tenantTargetViewSchema.nullable() },
  'tenant.setTarget': { input: tenantTargetSchema, output: tenantTargetViewSchema },
  /** Stops syncing and forgets the tenant (what it got stays there); the historian's retention no longer waits for it. */
  'tenant.removeTarget': { input: z.object({}).strict().optional(), output: z.object({ removed: z.boolean() }) },
  'tenant.test': { input: z.object({}).strict().optional(), output: tenantStatusSchema },
  'tenant.plan': { input: z.object({}).strict().optional(), output: tenantPlanSchema },
  'tenant.provision': {
    input: z
      .object({ targetVersion: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    output: z.object({ plan: tenantPlanSchema, version: z.number() }),
  },
  'sync.status': { input: z.object({}).strict().optional(), output: syncStatusSchema },
  'sync.start': { input: z.object({}).strict().optional(), output: syncStatusSchema },
  'sync.pause': { input: z.object({}).strict().optional(), output: syncStatusSchema },
  'sync.resume': { input: z.object({}).strict().optional(), output: syncStatusSchema },
  'sync.setRateLimit': { input: z.object({ rowsPerSecond: z.number().int().min(1).max(100_000_000).nullable() }).strict(), output: syncStatusSchema },
  'sync.backfill': {
    input: z.object({ range: timeRange, tagIds: z.array(z.string().max(500)).max(100_000).optional() }).strict(),
    output: z.object({ rowsSent: z.number(), rowsSkipped: z.number() }),
  },
  /** Every held tag, assessed now. */
  'sync.retentionHeld': { input: z.object({}).strict().optional(), output: retentionHeldSchema.nullable() },
  /** Deletes the held samples anyway: `at` and `points` are what the person saw and confirmed (more held now is refused); audited. */
  'sync.forceRetention': {
    input: z.object({ at: z.number().int().min(0), points: z.number().int().min(0) }).strict(),
    output: z.object({
      points: z.number(),
      tags: z.number(),
      from: z.number().nullable(),
      to: z.number().nullable(),
      auditId: z.number(),
      message: z.string(),
    }),
  },
  'sync.reconcile': {
    input: z.object({ range: timeRange, tagIds: z.array(z.string().max(500)).max(100_000).optional(), resend: z.boolean().optional() }).strict(),
    output: z.object({ hours: z.number(), mismatches: z.array(reconcileRowSchema), resent: z.number() }),
  },
}
