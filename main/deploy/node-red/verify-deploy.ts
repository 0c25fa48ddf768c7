// Verification after a deploy, three ways and in this order: read back, health within a window, and the data itself.
import type { VerifyReport } from '../../../preload/contract'
import { openDataCheck, type BrokerEndpoint, type DirectSamples, type OpenDataCheck } from '../data-check'
import type { DeployedTag } from './gateway-flow'
import { describeCounts, readBackNodeRed, type NodeRedAdmin, type NodeRedPlan } from './node-red-deploy'
import type { NodeRedNode } from './node-red-flow'
import { watchNodeRedHealth } from './node-red-health'

export interface VerifyWindows {
  healthWindowMs?: number
  /** Default: twice the slowest tag's interval plus 5 s. */
  dataWindowMs?: number
  skewMs?: number
}

export const DEFAULT_HEALTH_WINDOW_MS = 3000

export function defaultDataWindowMs(tags: readonly DeployedTag[]): number {
  return 2 * Math.max(0, ...tags.map((t) => t.intervalMs)) + 5000
}

/** Subscribes to the tags' topics before the deploy, so a value sent once right after it (OPC UA, on change) is seen. */
export async function startDataCheck(options: {
  tags: readonly DeployedTag[]
  tolerance: (tagId: string) => number
  broker: BrokerEndpoint
  direct: DirectSamples
  windows?: VerifyWindows
  signal?: AbortSignal
}): Promise<OpenDataCheck | undefined> {
  if (options.tags.length === 0) return undefined
  const windows = options.windows ?? {}
  return openDataCheck({
    broker: options.broker,
    tags: options.tags.map((t) => ({ tagId: t.tagId, topic: t.topic, tolerance: options.tolerance(t.tagId) })),
    direct: options.direct,
    windowMs: windows.dataWindowMs ?? defaultDataWindowMs(options.tags),
    skewMs: windows.skewMs ?? 2000,
    signal: options.signal,
  })
}

export async function verifyNodeRedDeploy(options: {
  admin: NodeRedAdmin
  url: string
  token?: string
  plan: NodeRedPlan
  deployed: readonly NodeRedNode[]
  /** Opened with startDataCheck before the deploy; undefined when the flow publishes no workbench tags. */
  dataCheck: OpenDataCheck | undefined
  windows?: VerifyWindows
  signal?: AbortSignal
  /** Called as each check starts (progress in the UI and the command line). */
  onStep?: (step: 'read back' | 'health' | 'data check') => void
}): Promise<VerifyReport> {
  const windows = options.windows ?? {}
  options.onStep?.('read back')
  const readBack = await readBackNodeRed(options.admin, options.plan, options.deployed)
  if (!readBack.ok) {
    await options.dataCheck?.close()
    const what = readBack.othersTouched.length > 0 ? `${readBack.othersTouched.length} node(s) outside our tab changed` : describeCounts(readBack.differences)
    return { ok: false, failedStep: 'read back', readBack, message: `Read back: what runs differs from the plan (${what})` }
  }
  options.onStep?.('health')
  const health = await watchNodeRedHealth({
    url: options.url,
    token: options.token,
    nodeIds: new Set(options.deployed.map((n) => n.id)),
    windowMs: windows.healthWindowMs ?? DEFAULT_HEALTH_WINDOW_MS,
    label: options.admin.label,
    signal: options.signal,
  })
  if (!health.ok) {
    await options.dataCheck?.close()
    const first = health.problems[0]!
    return {
      ok: false,
      failedStep: 'health',
      readBack,
      health,
      message: `Health: ${health.problems.length} node(s) in error, first ${first.name ?? first.id}: ${first.problem}`,
    }
  }
  if (!options.dataCheck) return { ok: true, readBack, health, message: 'Read back and health passed; the flow publishes no workbench tags to check' }
  options.onStep?.('data check')
  const data = await options.dataCheck.finish()
  if (!data.ok) {
    const failed = data.tags.filter((t) => !t.agreed)
    const never = failed.filter((t) => t.messages === 0).map((t) => t.topic)
    const stillConnecting = health.connecting[0]
    const detail =
      (never.length > 0 ? `never came: ${never.slice(0, 5).join(', ')}${never.length > 5 ? ` and ${never.length - 5} more` : ''}` : failed[0]!.problem) +
      (never.length > 0 && stillConnecting
        ? `; ${health.connecting.length} node(s) were still waiting for their client, first ${stillConnecting.name ?? stillConnecting.id}: ${stillConnecting.problem}`
        : '')
    return {
      ok: false,
      failedStep: 'data check',
      readBack,
      health,
      data,
      message: `Data check: ${failed.length} of ${data.tags.length} tag(s) failed (${detail})`,
    }
  }
  return {
    ok: true,
    readBack,
    health,
    data,
    message: `Verified: read back equal, no node in error, ${data.tags.length} tag(s) arrived and agree (${(data.elapsedMs / 1000).toFixed(1)} s)`,
  }
}
