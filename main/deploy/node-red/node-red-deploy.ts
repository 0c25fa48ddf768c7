// Plan → apply → read back for one Node-RED target: what would change (and what was changed on the device since our
// last deploy), the merged full deploy with the planned rev, and the check that what runs is what was planned.
import { DeployError } from '../deploy-error'
import { diffFlows, isEmptyDiff, mergeTab, nodesOfTab, sameNode, type FlowDiff } from './flow-diff'
import type { NodeRedFlows, NodeRedModule } from './node-red-client'
import type { NodeRedNode } from './node-red-flow'

/** The part of the admin API a deployment needs (NodeRedClient, or a stand-in that says so in its test name). */
export interface NodeRedAdmin {
  readonly label: string
  getFlows(): Promise<NodeRedFlows>
  setFlows(rev: string, flows: NodeRedNode[]): Promise<string>
  getModules(): Promise<NodeRedModule[]>
  installModule(module: string): Promise<void>
}

export interface NodeRedPlan {
  tabId: string
  /** The instance's revision the plan was made against; apply sends it, so a change in between is a 409. */
  rev: string
  /** Every node on the instance when planned (other tabs are deployed back exactly as they were). */
  running: NodeRedNode[]
  /** Our tab as it should be, without credentials (those are added at apply from the sealed target). */
  desired: NodeRedNode[]
  /** What runs now in our tab → the plan. */
  diff: FlowDiff
  /** Last version we deployed → what runs now; null when nothing was changed on the device (or nothing deployed yet). */
  drift: FlowDiff | null
  /** Node modules the flow needs that the gateway does not have. */
  missingModules: string[]
}

/** What to do about changes made on the device since our last deploy. */
export type DriftChoice = 'keep-theirs' | 'overwrite' | 'cancel'

const withoutCredentials = (node: NodeRedNode): NodeRedNode => {
  const { credentials: _credentials, ...rest } = node
  return rest
}

export async function planNodeRedDeploy(
  admin: NodeRedAdmin,
  desired: readonly NodeRedNode[],
  options: { tabId: string; lastDeployed?: readonly NodeRedNode[]; modules?: readonly string[] },
): Promise<NodeRedPlan> {
  const { rev, flows } = await admin.getFlows()
  const ours = nodesOfTab(flows, options.tabId)
  const wanted = desired.map(withoutCredentials)
  const drift = options.lastDeployed ? diffFlows(options.lastDeployed, ours) : null
  let missingModules: string[] = []
  if (options.modules && options.modules.length > 0) {
    const installed = new Set((await admin.getModules()).map((m) => m.module))
    missingModules = options.modules.filter((m) => !installed.has(m))
  }
  return {
    tabId: options.tabId,
    rev,
    running: flows,
    desired: wanted,
    diff: diffFlows(ours, wanted),
    drift: drift && !isEmptyDiff(drift) ? drift : null,
    missingModules,
  }
}

/** Our tab as it will be deployed: with `keep-theirs`, every node edited on the device stays as it runs. */
export function tabToDeploy(plan: NodeRedPlan, choice?: DriftChoice): NodeRedNode[] {
  if (!plan.drift || choice !== 'keep-theirs') return plan.desired
  const running = new Map(nodesOfTab(plan.running, plan.tabId).map((n) => [n.id, n]))
  const editedThere = new Set(plan.drift.nodes.map((n) => n.id))
  const kept = plan.desired.map((node) => (editedThere.has(node.id) ? (running.get(node.id) ?? node) : node))
  // A node they added on our tab stays too.
  const added = plan.drift.nodes.filter((n) => n.change === 'added' && !plan.desired.some((d) => d.id === n.id)).map((n) => running.get(n.id)!)
  return [...kept, ...added.filter(Boolean)]
}

export interface NodeRedApplyResult {
  rev: string
  /** The tab as deployed (without credentials). */
  deployed: NodeRedNode[]
  installedModules: string[]
}

export async function applyNodeRedPlan(
  admin: NodeRedAdmin,
  plan: NodeRedPlan,
  options: {
    driftChoice?: DriftChoice
    /** Installs missing modules first (default); otherwise the plan stops and names them. */
    installModules?: boolean
    /** Credentials per node id, sent with the deploy and never stored in a version. */
    credentials?: Readonly<Record<string, Record<string, unknown>>>
    signal?: AbortSignal
    /** Called when the missing modules are installed, before the deploy. */
    onInstalled?: () => void
  } = {},
): Promise<NodeRedApplyResult> {
  if (plan.drift && options.driftChoice === undefined) {
    throw new DeployError(
      'INVALID_INPUT',
      admin.label,
      'apply',
      `our tab was changed on the device since the last deploy (${describeCounts(plan.drift)})`,
      'choose keep theirs, overwrite or cancel',
      { drift: plan.drift },
    )
  }
  if (options.driftChoice === 'cancel')
    throw new DeployError('CANCELLED', admin.label, 'apply', 'cancelled because of changes made on the device', 'nothing was changed')
  const installed: string[] = []
  if (plan.missingModules.length > 0) {
    if (options.installModules === false) {
      throw new DeployError(
        'UNAVAILABLE',
        admin.label,
        'install module',
        `the gateway lacks ${plan.missingModules.join(', ')}`,
        'install them in Node-RED (Manage palette) or allow the workbench to install them, then plan again',
        { missingModules: plan.missingModules },
      )
    }
    for (const module of plan.missingModules) {
      options.signal?.throwIfAborted()
      await admin.installModule(module)
      installed.push(module)
    }
    options.onInstalled?.()
  }
  options.signal?.throwIfAborted()
  const tab = tabToDeploy(plan, options.driftChoice)
  const credentials = options.credentials ?? {}
  const withCredentials = tab.map((node) => (credentials[node.id] ? { ...node, credentials: credentials[node.id] } : node))
  const rev = await admin.setFlows(plan.rev, mergeTab(plan.running, plan.tabId, withCredentials))
  return { rev, deployed: tab, installedModules: installed }
}

export interface ReadBackResult {
  ok: boolean
  rev: string
  /** Nodes that run differently from what was deployed (ids and what differs), empty when equal. */
  differences: FlowDiff
  /** Nodes outside our tab that changed across the deploy (must be none). */
  othersTouched: string[]
}

/** Reads the flows back: our tab must equal what was deployed, and every other node what ran before. */
export async function readBackNodeRed(admin: NodeRedAdmin, plan: NodeRedPlan, deployed: readonly NodeRedNode[]): Promise<ReadBackResult> {
  const { rev, flows } = await admin.getFlows()
  const differences = diffFlows(deployed, nodesOfTab(flows, plan.tabId))
  const now = new Map(flows.map((n) => [n.id, n]))
  const othersTouched = plan.running
    .filter((n) => n.id !== plan.tabId && n.z !== plan.tabId)
    .filter((n) => {
      const after = now.get(n.id)
      return !after || !sameNode(n, after)
    })
    .map((n) => n.id)
  return { ok: isEmptyDiff(differences) && othersTouched.length === 0, rev, differences, othersTouched }
}

export function describeCounts(diff: FlowDiff): string {
  return `${diff.added} added, ${diff.changed} changed, ${diff.removed} removed`
}
