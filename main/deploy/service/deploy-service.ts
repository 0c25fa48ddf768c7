// Binds the deploy engine to workbench.db (targets, versions), the sealed secrets, the workbench's own connections and
// its direct reads: plan → apply → verify → version, automatic rollback of a failed verification, rollback on request.
import { randomUUID } from 'node:crypto'
import {
  WorkbenchError,
  type BrokerApplyResult,
  type BrokerPlanView,
  type DeploySource,
  type DeployPlanView,
  type DeployTarget,
  type DeployTargetInput,
  type DeployVersion,
  type VerifyReport,
  deployTargetInputSchema,
} from '../../../preload/contract'
import type { WriteAuditLog } from '../../connections/writes/audit-log'
import type { Database } from '../../database/sqlite'
import type { SecretBox } from '../../secrets/secret-box'
import type { DirectSamples } from '../data-check'
import {
  applyBrokerSecurity,
  cloudBridgeConf,
  diffBrokerSecurity,
  gatewaySecurity,
  readBrokerSecurity,
  type BrokerChange,
  type BrokerSecurity,
} from '../mosquitto/broker-security'
import { DynsecClient } from '../mosquitto/dynsec-client'
import { COMMAND_NODE_TYPES, foreignIds, parseFlowFile } from '../node-red/flow-file'
import { generateGatewayFlow, workbenchTabId, type DeployedTag, type GatewaySettings, type SourceConnection } from '../node-red/gateway-flow'
import { NodeRedClient, type NodeRedAuth } from '../node-red/node-red-client'
import { applyNodeRedPlan, planNodeRedDeploy, type DriftChoice, type NodeRedApplyResult, type NodeRedPlan } from '../node-red/node-red-deploy'
import type { NodeRedNode } from '../node-red/node-red-flow'
import { startDataCheck, verifyNodeRedDeploy, type VerifyWindows } from '../node-red/verify-deploy'
import { auditBrokerApply, type BrokerAuditResult } from './broker-audit'
import { DeployVersionsStore, type StoredTarget, type StoredVersion } from './deploy-versions-store'

export interface DeployServiceOptions {
  db: Database
  box: SecretBox
  /** Who the versions name. */
  user: string
  /** A managed connection's stored configuration (with its secrets, for the gateway's own OPC UA login). */
  connection(id: string): SourceConnection | undefined
  /** Whether the workbench reads that connection now (the data check compares with its reads). */
  isConnected(id: string): boolean
  direct: DirectSamples
  /** The app's audit log: every broker security apply is written there, applied, refused or failed (names, never passwords). */
  audit?: Pick<WriteAuditLog, 'append'>
  now?: () => number
}

interface PendingPlan {
  view: DeployPlanView
  plan: NodeRedPlan
  tags: DeployedTag[]
  summary: string
  /** Credentials of the generated nodes, sent with the deploy and never stored. */
  credentials: Record<string, Record<string, unknown>>
  tolerances: Map<string, number>
}

/** The steps of an apply or a rollback, in order, as progress names them. */
export const DEPLOY_STEPS = ['install modules', 'deploy', 'read back', 'health', 'data check', 'restore previous version'] as const
export type DeployStepName = (typeof DEPLOY_STEPS)[number]

export interface ApplyOptions extends VerifyWindows {
  verify?: boolean
  autoRollback?: boolean
  /** Cancels the apply: before the deploy nothing changes; after it the previous version is deployed again. */
  signal?: AbortSignal
  /** Called as each step starts. */
  onStep?: (step: DeployStepName) => void
}

interface PendingBrokerPlan {
  view: BrokerPlanView
  createdAt: number
  admin: { url: string; username: string; password: string }
  desired: BrokerSecurity
}

/** The broker's admin login used for one plan and its apply: kept in memory only, never stored. */
export interface BrokerAdminLogin {
  url: string
  adminUsername: string
  adminPassword: string
}

const PLAN_LIFETIME_MS = 30 * 60_000
const DEPLOYABLE_PROTOCOLS: readonly string[] = ['modbus-tcp', 'opcua', 's7', 'mqtt']
/** A gateway value may differ from a direct read by this share of the tag's engineering range (noise between two polls). */
const TOLERANCE_SHARE_OF_RANGE = 0.005

export class DeployService {
  private readonly store: DeployVersionsStore
  private readonly pending = new Map<string, PendingPlan>()
  private readonly brokerPlans = new Map<string, PendingBrokerPlan>()
  private readonly now: () => number

  constructor(private readonly options: DeployServiceOptions) {
    this.store = new DeployVersionsStore(options.db, options.box)
    this.now = options.now ?? Date.now
  }

  targets(): DeployTarget[] {
    return this.store.targets().map(targetView)
  }

  saveTarget(input: DeployTargetInput): DeployTarget {
    const parsed = deployTargetInputSchema.parse(input)
    const previous = parsed.id ? this.store.target(parsed.id) : undefined
    if (parsed.id && !previous) throw new WorkbenchError('NOT_FOUND', `No deploy target ${parsed.id} — list the targets and pick one`)
    const keep = previous?.secrets ?? {}
    const auth = parsed.auth
    const stored: StoredTarget = {
      config: {
        id: parsed.id ?? randomUUID(),
        name: parsed.name,
        kind: 'node-red',
        url: parsed.url.replace(/\/+$/, ''),
        auth: { kind: auth.kind, ...(auth.kind === 'password' ? { username: auth.username } : {}) },
        deviceId: parsed.deviceId,
        topicStyle: parsed.topicStyle,
        namespace: parsed.namespace,
        broker: {
          url: parsed.broker.url,
          gatewayAddress: parsed.broker.gatewayAddress,
          gatewayUsername: parsed.broker.gatewayUsername,
          readerUsername: parsed.broker.readerUsername,
        },
      },
      secrets: {
        password: auth.kind === 'password' ? (auth.password ?? keep.password) : undefined,
        token: auth.kind === 'token' ? (auth.token ?? keep.token) : undefined,
        gatewayPassword: parsed.broker.gatewayPassword ?? (parsed.broker.gatewayUsername ? keep.gatewayPassword : undefined),
        readerPassword: parsed.broker.readerPassword ?? (parsed.broker.readerUsername ? keep.readerPassword : undefined),
      },
    }
    if (auth.kind === 'password' && !stored.secrets.password)
      throw new WorkbenchError('INVALID_INPUT', `Target ${parsed.name}: a password is needed with username ${auth.username}`)
    if (auth.kind === 'token' && !stored.secrets.token) throw new WorkbenchError('INVALID_INPUT', `Target ${parsed.name}: the access token is missing`)
    this.store.saveTarget(stored, this.now())
    return targetView(stored)
  }

  removeTarget(id: string): void {
    if (!this.store.removeTarget(id)) throw new WorkbenchError('NOT_FOUND', `No deploy target ${id} — list the targets and pick one`)
  }

  async plan(targetId: string, source: DeploySource): Promise<DeployPlanView> {
    this.forgetOldPlans()
    const target = this.target(targetId)
    const client = clientOf(target)
    const tabId = workbenchTabId(target.config.id)
    const warnings: string[] = []
    if (target.config.auth.kind === 'none' && (await client.loginScheme()) === 'none') {
      warnings.push(
        `The admin API of ${target.config.url} needs no login: anyone who reaches it can change the gateway's flows. Set adminAuth in its settings.`,
      )
    }
    let nodes: NodeRedNode[]
    let tags: DeployedTag[] = []
    let modules: string[] = []
    let summary: string
    const tolerances = new Map<string, number>()
    if (source.kind === 'connections') {
      const connections = source.connectionIds.map((id) => {
        const found = this.options.connection(id)
        if (!found) throw new WorkbenchError('NOT_FOUND', `No connection ${id} to deploy — add it under Connections first`)
        if (!DEPLOYABLE_PROTOCOLS.includes(found.config.protocol)) {
          throw new WorkbenchError(
            'INVALID_INPUT',
            `Connection ${found.config.name} is ${found.config.protocol}: the gateway flow polls Modbus TCP and S7, subscribes OPC UA and forwards MQTT topics`,
          )
        }
        if (!this.options.isConnected(id))
          warnings.push(`${found.config.name} is not connected in the workbench: the data check needs its direct reads. Connect it before applying.`)
        for (const tag of found.config.tags) {
          const range = tag.range
          tolerances.set(`${id}:${tag.name}`, range ? (range.high - range.low) * TOLERANCE_SHARE_OF_RANGE : 0)
        }
        return found
      })
      const flow = generateGatewayFlow({
        targetId: target.config.id,
        targetName: target.config.name,
        settings: gatewaySettings(target),
        connections,
        tagIds: source.tagIds ? new Set(source.tagIds) : undefined,
      })
      for (const skipped of flow.skipped) warnings.push(`${skipped.tagId} is left out: ${skipped.reason}`)
      if (flow.tags.length === 0)
        throw new WorkbenchError(
          'INVALID_INPUT',
          `None of the chosen tags can be deployed${flow.skipped.length ? ` (${flow.skipped.map((t) => `${t.tagId}: ${t.reason}`).join('; ')})` : ''}: pick Modbus TCP, OPC UA, S7 or MQTT tags`,
        )
      nodes = flow.nodes
      tags = flow.tags
      modules = flow.modules
      summary = `${tags.length} tag(s) of ${connections.map((c) => c.config.name).join(', ')}`
    } else {
      nodes = parseFlowFile(source.json, { tabId, tabLabel: `OT Workbench: ${target.config.name}`, label: client.label })
      summary = `flow file (${nodes.length - 1} node(s))`
      const commands = nodes.filter((n) => COMMAND_NODE_TYPES.has(n.type))
      if (commands.length > 0)
        warnings.push(
          `The flow file runs commands or touches files on the gateway: ${commands.map((n) => `${n.type} "${typeof n.name === 'string' && n.name ? n.name : n.id}"`).join(', ')} — read them before applying.`,
        )
    }
    const credentials: Record<string, Record<string, unknown>> = {}
    for (const node of nodes) if (node.credentials) credentials[node.id] = node.credentials
    const last = this.store.latest(target.config.id)
    const plan = await planNodeRedDeploy(client, nodes, { tabId, lastDeployed: last?.tab, modules })
    if (source.kind === 'flow') {
      const taken = foreignIds(plan.desired, plan.running, tabId)
      if (taken.length > 0) {
        const tabs = new Map(plan.running.filter((n) => n.type === 'tab').map((n) => [n.id, typeof n.label === 'string' ? n.label : n.id]))
        const named = taken
          .slice(0, 5)
          .map((n) => `${n.type} ${n.id}${n.z ? ` on "${tabs.get(n.z) ?? n.z}"` : ''}`)
          .join(', ')
        throw new WorkbenchError(
          'INVALID_INPUT',
          `${client.label} (plan): the flow file reuses ${taken.length} node id(s) of other flows on the gateway (${named}${taken.length > 5 ? ', …' : ''}); deploying it would take them over — import it in Node-RED as a copy (new ids) and export that, then plan again`,
          { takenIds: taken.map((n) => n.id) },
        )
      }
      await this.checkNodeTypes(client, plan)
    }
    const view: DeployPlanView = {
      planId: randomUUID(),
      targetId: target.config.id,
      createdAt: this.now(),
      diff: plan.diff,
      drift: plan.drift,
      missingModules: plan.missingModules,
      tags,
      warnings,
    }
    this.pending.set(view.planId, { view, plan, tags, summary, credentials, tolerances })
    return view
  }

  async apply(planId: string, options: { driftChoice?: DriftChoice; installModules?: boolean } & ApplyOptions = {}): Promise<DeployVersion> {
    const pending = this.pending.get(planId)
    if (!pending) throw new WorkbenchError('NOT_FOUND', `Plan ${planId} is unknown or older than 30 min (or already applied) — plan again`)
    const target = this.target(pending.view.targetId)
    const client = clientOf(target)
    const previous = this.store.latest(target.config.id)
    this.pending.delete(planId)
    const { applied, verify, cancelledAt, restoredRev } = await this.deployAndVerify(client, target, pending.plan, pending.tags, pending.tolerances, options, {
      driftChoice: options.driftChoice,
      installModules: options.installModules,
      credentials: { ...this.brokerCredentials(target, pending.plan.desired), ...pending.credentials },
    })
    const version = this.store.addVersion({
      targetId: target.config.id,
      kind: 'apply',
      user: this.options.user,
      createdAt: this.now(),
      summary: pending.summary,
      status: verify === undefined ? 'applied' : verify.ok ? 'verified' : 'failed',
      diff: pending.plan.diff,
      driftChoice: options.driftChoice === 'keep-theirs' || options.driftChoice === 'overwrite' ? options.driftChoice : undefined,
      verify,
      nodeCount: applied.deployed.length,
      tags: pending.tags,
      tab: applied.deployed,
      rev: applied.rev,
    })
    if (cancelledAt !== undefined) this.cancelled(target, version, previous, cancelledAt, restoredRev!)
    if (verify && !verify.ok && options.autoRollback !== false) {
      const back = await this.deployVersion(
        target,
        previous,
        `automatic rollback: v${version.version} failed its verification (${verify.message})`,
        'overwrite',
        options,
      )
      this.store.markRolledBack(version.id, back.version)
      return publicVersion(this.store.version(target.config.id, version.version)!)
    }
    return publicVersion(version)
  }

  /**
   * Broker security for this target's gateway: read what the broker has (only otw-…-<device id> clients and roles are
   * ours), diff with what the gateway's topics need. The topics are the flow plan's, or the version that runs.
   */
  async brokerPlan(targetId: string, admin: BrokerAdminLogin, options: { bridge?: boolean; planId?: string } = {}): Promise<BrokerPlanView> {
    this.forgetOldPlans()
    const target = this.target(targetId)
    let topics: string[]
    let source: string
    if (options.planId) {
      const pending = this.pending.get(options.planId)
      if (!pending || pending.view.targetId !== target.config.id)
        throw new WorkbenchError('NOT_FOUND', `Plan ${options.planId} is unknown or older than 30 min (or already applied) — plan again`)
      topics = pending.tags.map((t) => t.topic)
      source = `the plan (${pending.summary})`
    } else {
      const latest = this.store.latest(target.config.id)
      topics = latest?.tags.map((t) => t.topic) ?? []
      source = latest ? `v${latest.version} (${latest.summary})` : ''
    }
    if (topics.length === 0)
      throw new WorkbenchError(
        'INVALID_INPUT',
        `${target.config.name} (broker): no gateway topics to secure — plan a deploy of connections first (a flow file's topics are its own)`,
      )
    const gatewayId = target.config.deviceId
    const desired = gatewaySecurity({ gatewayId, topics, bridge: options.bridge === true })
    const changes = await this.withDynsec(admin, async (dynsec) => diffBrokerSecurity(await readBrokerSecurity(dynsec), desired, ownedBy(gatewayId)))
    const view: BrokerPlanView = {
      brokerPlanId: randomUUID(),
      targetId: target.config.id,
      brokerUrl: admin.url,
      gatewayId,
      topics: [...new Set(topics)].sort(),
      source,
      bridge: options.bridge === true,
      changes,
    }
    this.brokerPlans.set(view.brokerPlanId, {
      view,
      admin: { url: admin.url, username: admin.adminUsername, password: admin.adminPassword },
      desired,
      createdAt: this.now(),
    })
    return view
  }

  /**
   * Applies exactly the changes the broker plan showed: the broker is read again first and a difference is a CONFLICT.
   * New passwords come back once; the gateway's and the reader's are sealed into the target for the deploy and the data check.
   */
  async brokerApply(brokerPlanId: string): Promise<BrokerApplyResult> {
    const pending = this.brokerPlans.get(brokerPlanId)
    if (!pending) throw new WorkbenchError('NOT_FOUND', `Broker plan ${brokerPlanId} is unknown, older than 30 min or already applied — plan again`)
    this.brokerPlans.delete(brokerPlanId)
    const { view, desired } = pending
    const target = this.target(view.targetId)
    const scope = ownedBy(view.gatewayId)
    const admin = { url: pending.admin.url, adminUsername: pending.admin.username, adminPassword: pending.admin.password }
    const audit = (result: BrokerAuditResult, message: string, changes = view.changes): void =>
      auditBrokerApply(this.options.audit, {
        time: this.now(),
        user: this.options.user,
        targetId: target.config.id,
        targetName: target.config.name,
        brokerUrl: view.brokerUrl,
        changes,
        result,
        message,
      })
    let outcome: Awaited<ReturnType<DeployService['brokerApplyChanges']>>
    try {
      outcome = await this.brokerApplyChanges(admin, view, desired, scope, target.config.name)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      audit(error instanceof WorkbenchError && error.code === 'CONFLICT' ? 'refused' : 'failed', message)
      throw error
    }
    const { applied, readBack } = outcome
    audit(
      'ok',
      `${applied.changes.length} change(s) applied by admin ${pending.admin.username}; read back ${readBack.length === 0 ? 'equal to the plan' : `${readBack.length} difference(s)`}`,
      applied.changes,
    )

    const gatewayUser = desired.clients[0]!.username
    const readerUser = desired.clients[1]!.username
    const sealed = new Set<string>()
    if (applied.passwords[gatewayUser] !== undefined || applied.passwords[readerUser] !== undefined) {
      const latest = this.target(view.targetId)
      const broker = { ...latest.config.broker }
      const secrets = { ...latest.secrets }
      if (applied.passwords[gatewayUser] !== undefined) {
        broker.gatewayUsername = gatewayUser
        secrets.gatewayPassword = applied.passwords[gatewayUser]
        sealed.add(gatewayUser)
      }
      if (applied.passwords[readerUser] !== undefined) {
        broker.readerUsername = readerUser
        secrets.readerPassword = applied.passwords[readerUser]
        sealed.add(readerUser)
      }
      this.store.saveTarget({ config: { ...latest.config, broker }, secrets }, this.now())
    }
    return {
      changes: applied.changes,
      passwords: Object.entries(applied.passwords).map(([username, password]) => ({ username, password, sealed: sealed.has(username) })),
      readBack,
      ...(view.bridge ? { bridgeConf: cloudBridgeConf({ gatewayId: view.gatewayId, topics: view.topics, edgeAddress: new URL(view.brokerUrl).host }) } : {}),
    }
  }

  /** Reads the broker again (a difference from the plan is a CONFLICT), applies the planned changes and reads back. */
  private brokerApplyChanges(admin: BrokerAdminLogin, view: BrokerPlanView, desired: BrokerSecurity, scope: (name: string) => boolean, targetName: string) {
    return this.withDynsec(admin, async (dynsec) => {
      const now = diffBrokerSecurity(await readBrokerSecurity(dynsec), desired, scope)
      if (changeKeys(now) !== changeKeys(view.changes)) {
        throw new WorkbenchError(
          'CONFLICT',
          `${targetName} (broker): ${view.brokerUrl} changed since the plan (${now.length} change(s) now, ${view.changes.length} planned) — plan the broker again and check the diff`,
        )
      }
      const applied = await applyBrokerSecurity(dynsec, desired, view.changes)
      return { applied, readBack: diffBrokerSecurity(await readBrokerSecurity(dynsec), desired, scope) }
    })
  }

  private async withDynsec<T>(admin: BrokerAdminLogin, work: (dynsec: DynsecClient) => Promise<T>): Promise<T> {
    const dynsec = await DynsecClient.connect({ url: admin.url, username: admin.adminUsername, password: admin.adminPassword })
    try {
      return await work(dynsec)
    } finally {
      await dynsec.close()
    }
  }

  history(targetId: string, limit?: number): DeployVersion[] {
    return this.store.versions(this.target(targetId).config.id, limit).map(publicVersion)
  }

  /** Deploys version `version` again as a new version; 0 means before the first deploy (our tab removed). */
  async rollback(targetId: string, version: number, options: { driftChoice?: 'overwrite' | 'cancel' } & ApplyOptions = {}): Promise<DeployVersion> {
    const target = this.target(targetId)
    const earlier = version === 0 ? undefined : this.store.version(target.config.id, version)
    if (version !== 0 && !earlier) throw new WorkbenchError('NOT_FOUND', `Target ${target.config.name} has no version ${version} — see its history`)
    return publicVersion(
      await this.deployVersion(
        target,
        earlier,
        version === 0 ? 'rollback to before the first deploy' : `rollback to v${version}`,
        options.driftChoice,
        options,
      ),
    )
  }

  private async deployVersion(
    target: StoredTarget,
    earlier: StoredVersion | undefined,
    summary: string,
    driftChoice: DriftChoice | undefined,
    options: ApplyOptions,
  ): Promise<StoredVersion> {
    const client = clientOf(target)
    const tabId = workbenchTabId(target.config.id)
    const tab = earlier?.tab ?? []
    const plan = await planNodeRedDeploy(client, tab, { tabId, lastDeployed: this.store.latest(target.config.id)?.tab })
    const tags = earlier?.tags ?? []
    const tolerances = new Map<string, number>()
    for (const tag of tags) tolerances.set(tag.tagId, this.toleranceOf(tag))
    const previous = this.store.latest(target.config.id)
    const { applied, verify, cancelledAt, restoredRev } = await this.deployAndVerify(
      client,
      target,
      plan,
      tags,
      tolerances,
      tab.length === 0 ? { ...options, verify: false } : options,
      { driftChoice, credentials: this.brokerCredentials(target, tab) },
    )
    const version = this.store.addVersion({
      targetId: target.config.id,
      kind: 'rollback',
      user: this.options.user,
      createdAt: this.now(),
      summary,
      status: verify === undefined ? 'applied' : verify.ok ? 'verified' : 'failed',
      diff: plan.diff,
      driftChoice: driftChoice === 'overwrite' ? 'overwrite' : undefined,
      verify,
      nodeCount: applied.deployed.length,
      tags,
      tab: applied.deployed,
      rev: applied.rev,
    })
    if (cancelledAt !== undefined) this.cancelled(target, version, previous, cancelledAt, restoredRev!)
    return version
  }

  /** A cancel after the deploy: the previous version was deployed again (deployAndVerify); record it and say so. */
  private cancelled(target: StoredTarget, version: StoredVersion, previous: StoredVersion | undefined, step: DeployStepName, rev: string): never {
    // What runs now is recorded as a version of its own, so the next plan compares with it (no false drift).
    const restored = this.store.addVersion({
      targetId: target.config.id,
      kind: 'rollback',
      user: this.options.user,
      createdAt: this.now(),
      summary: `cancelled v${version.version} during ${step}: ${previous ? `v${previous.version}` : 'the flows before the first deploy'} deployed again`,
      status: 'applied',
      diff: { added: 0, removed: 0, changed: 0, unchanged: 0, nodes: [] },
      nodeCount: previous?.tab.length ?? 0,
      tags: previous?.tags ?? [],
      tab: previous?.tab ?? [],
      rev,
    })
    this.store.markRolledBack(version.id, restored.version)
    throw new WorkbenchError(
      'CANCELLED',
      `${target.config.name} (${step}): cancelled — v${version.version} was replaced by ${previous ? `v${previous.version}` : 'the flows before the first deploy'} again, the gateway runs what it ran before`,
      { version: version.version, restored: previous?.version ?? 0 },
    )
  }

  /** The data check subscribes before the deploy, so nothing the gateway sends right after it is missed. */
  private async deployAndVerify(
    client: NodeRedClient,
    target: StoredTarget,
    plan: NodeRedPlan,
    tags: DeployedTag[],
    tolerances: Map<string, number>,
    options: ApplyOptions,
    applyOptions: Parameters<typeof applyNodeRedPlan>[2],
  ): Promise<{ applied: NodeRedApplyResult; verify?: VerifyReport; cancelledAt?: DeployStepName; restoredRev?: string }> {
    const { signal, onStep } = options
    const cancelledError = (step: DeployStepName): WorkbenchError =>
      new WorkbenchError('CANCELLED', `${target.config.name} (${step}): cancelled before the deploy — nothing was changed on the gateway`)
    if (signal?.aborted) throw cancelledError('deploy')
    const verifying = options.verify !== false
    const dataCheck = verifying
      ? await startDataCheck({
          tags,
          tolerance: (tagId) => tolerances.get(tagId) ?? 0,
          broker: { url: target.config.broker.url, username: target.config.broker.readerUsername, password: target.secrets.readerPassword },
          direct: this.options.direct,
          windows: options,
          signal,
        })
      : undefined
    let applied: NodeRedApplyResult
    let step: DeployStepName = plan.missingModules.length > 0 && applyOptions?.installModules !== false ? 'install modules' : 'deploy'
    try {
      onStep?.(step)
      applied = await applyNodeRedPlan(client, plan, {
        ...applyOptions,
        signal,
        onInstalled: () => {
          step = 'deploy'
          onStep?.('deploy')
        },
      })
    } catch (error) {
      await dataCheck?.close()
      if (signal?.aborted) throw cancelledError(step)
      throw error
    }
    let verify: VerifyReport | undefined
    if (verifying) {
      verify = await verifyNodeRedDeploy({
        admin: client,
        url: target.config.url,
        token: await client.accessToken(),
        plan,
        deployed: applied.deployed,
        dataCheck,
        windows: options,
        signal,
        onStep: (check) => {
          step = check
          onStep?.(check)
        },
      })
    }
    if (!signal?.aborted) return { applied, verify }
    // Cancelled after the deploy: what ran before goes back, unverified (the person asked to stop), never cancelled itself.
    onStep?.('restore previous version')
    const back = await planNodeRedDeploy(
      client,
      plan.running.filter((n) => n.id === plan.tabId || n.z === plan.tabId),
      {
        tabId: plan.tabId,
        lastDeployed: applied.deployed,
      },
    )
    const restored = await applyNodeRedPlan(client, back, { driftChoice: 'overwrite', credentials: this.brokerCredentials(target, back.desired) })
    return {
      restoredRev: restored.rev,
      applied,
      verify: { ...(verify ?? {}), ok: false, message: `Cancelled during ${step}: the previous flows were deployed again` },
      cancelledAt: step,
    }
  }

  private toleranceOf(tag: DeployedTag): number {
    const config = this.options.connection(tag.connectionId)?.config
    const range = config && 'tags' in config ? config.tags.find((t) => t.name === tag.name)?.range : undefined
    return range ? (range.high - range.low) * TOLERANCE_SHARE_OF_RANGE : 0
  }

  /** The gateway's MQTT login goes to every broker config node of the tab. */
  private brokerCredentials(target: StoredTarget, tab: readonly NodeRedNode[]): Record<string, Record<string, unknown>> {
    const user = target.config.broker.gatewayUsername
    if (!user) return {}
    return Object.fromEntries(tab.filter((n) => n.type === 'mqtt-broker').map((n) => [n.id, { user, password: target.secrets.gatewayPassword ?? '' }]))
  }

  private async checkNodeTypes(client: NodeRedClient, plan: NodeRedPlan): Promise<void> {
    const installed = new Set((await client.getModules()).flatMap((m) => m.types))
    const missing = [...new Set(plan.desired.filter((n) => n.type !== 'tab' && !installed.has(n.type)).map((n) => n.type))]
    if (missing.length > 0) {
      throw new WorkbenchError(
        'UNAVAILABLE',
        `${client.label} (plan): the flow file uses node types the gateway does not have: ${missing.join(', ')} — install their modules in Node-RED (Manage palette), then plan again`,
        { missingTypes: missing },
      )
    }
  }

  private target(id: string): StoredTarget {
    const target = this.store.target(id)
    if (!target) throw new WorkbenchError('NOT_FOUND', `No deploy target ${id} — list the targets and pick one`)
    return target
  }

  private forgetOldPlans(): void {
    const oldest = this.now() - PLAN_LIFETIME_MS
    for (const [id, entry] of this.pending) if (entry.view.createdAt < oldest) this.pending.delete(id)
    for (const [id, entry] of this.brokerPlans) if (entry.createdAt < oldest) this.brokerPlans.delete(id)
  }
}

/** Only this gateway's clients and roles may be removed by its plan (another gateway's otw-… entries stay). */
const ownedBy = (gatewayId: string) => {
  const names = new Set(['gateway', 'reader', 'bridge'].map((role) => `otw-${role}-${gatewayId}`))
  return (name: string): boolean => names.has(name)
}

const changeKeys = (changes: readonly BrokerChange[]): string =>
  JSON.stringify(changes.map((c) => [c.kind, c.name, c.change, [...c.added].sort(), [...c.removed].sort()]).sort())

function clientOf(target: StoredTarget): NodeRedClient {
  const { auth } = target.config
  const credentials: NodeRedAuth =
    auth.kind === 'password'
      ? { kind: 'password', username: auth.username ?? '', password: target.secrets.password ?? '' }
      : auth.kind === 'token'
        ? { kind: 'token', token: target.secrets.token ?? '' }
        : { kind: 'none' }
  return new NodeRedClient({ url: target.config.url, auth: credentials })
}

function gatewaySettings(target: StoredTarget): GatewaySettings {
  const { broker } = target.config
  const address = broker.gatewayAddress ?? new URL(broker.url).host
  const [host, port] = address.includes(':')
    ? [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))]
    : [address, 1883]
  return {
    deviceId: target.config.deviceId,
    topicStyle: target.config.topicStyle,
    namespace: target.config.namespace,
    // The login itself is sent at apply (sealed here, never in the plan or a version).
    broker: { host: host!, port: port || 1883 },
  }
}

function targetView(target: StoredTarget): DeployTarget {
  const { config, secrets } = target
  return {
    ...config,
    auth: { kind: config.auth.kind, username: config.auth.username, hasSecret: Boolean(secrets.password ?? secrets.token) },
    broker: {
      url: config.broker.url,
      gatewayAddress: config.broker.gatewayAddress,
      gatewayUsername: config.broker.gatewayUsername,
      hasGatewayPassword: Boolean(secrets.gatewayPassword),
      readerUsername: config.broker.readerUsername,
      hasReaderPassword: Boolean(secrets.readerPassword),
    },
  }
}

function publicVersion(version: StoredVersion): DeployVersion {
  const { tab: _tab, rev: _rev, ...rest } = version
  return rest
}
