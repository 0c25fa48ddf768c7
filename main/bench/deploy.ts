// Benchmark, not a test: `npm run bench:deploy`. Progress on stderr; the last line on stdout is one JSON object.
// Real Node-RED 5 (node-red-contrib-modbus), Mosquitto and the demo plant's Modbus server:
//   1. a 2,000-tag gateway flow deployed (Node-RED's own full deploy of it timed as the peer's figure), then 1 % of its
//      tags changed and planned again: diff_ms is the node-by-node diff, plan_ms adds reading the flows from Node-RED;
//   2. a 500-tag flow at 1 Hz applied and verified (read back, health, the data check against direct reads): apply_verified_s.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { ConnectionConfig } from '../../preload/contract'
import { modbus } from '../connectors/modbus'
import { demoLineModbusConnection } from '../deploy/demo-line'
import { directSamplesOf } from '../deploy/direct-samples.fixture'
import { startMosquitto } from '../deploy/mosquitto-peer.fixture'
import { diffFlows, nodesOfTab } from '../deploy/node-red/flow-diff'
import { generateGatewayFlow, type GatewaySettings } from '../deploy/node-red/gateway-flow'
import { NodeRedClient } from '../deploy/node-red/node-red-client'
import { applyNodeRedPlan, planNodeRedDeploy } from '../deploy/node-red/node-red-deploy'
import { startNodeRed } from '../deploy/node-red/node-red-peer.fixture'
import { defaultDataWindowMs, startDataCheck, verifyNodeRedDeploy } from '../deploy/node-red/verify-deploy'
import { startDemoPlant } from '../simulator'

const log = (s: string): void => void process.stderr.write(`${s}\n`)
const BIG = Number(process.env.DEPLOY_BENCH_TAGS ?? 2000)
const VERIFIED = Number(process.env.DEPLOY_BENCH_VERIFIED_TAGS ?? 500)
const CHANGED_SHARE = 0.01

/** `count` tags cycling over the demo line's real registers, so every one reads a value the device really has. */
function lineWithTags(
  endpoint: { host: string; port: number; unitId: number },
  count: number,
  scanRateMs: number,
): Extract<ConnectionConfig, { protocol: 'modbus-tcp' }> {
  const line = demoLineModbusConnection(endpoint, { scanRateMs }) as Extract<ConnectionConfig, { protocol: 'modbus-tcp' }>
  const tags = Array.from({ length: count }, (_, i) => ({
    ...line.tags[i % line.tags.length]!,
    name: `T${String(i).padStart(5, '0')}.${line.tags[i % line.tags.length]!.name}`,
  }))
  return { ...line, tags }
}

const dir = mkdtempSync(join(tmpdir(), 'otw-bench-deploy-'))
const login = { username: 'admin', password: 'bench-pass' }
const plant = await startDemoPlant({ dataDir: dir, opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
const [nodeRed, broker] = await Promise.all([startNodeRed({ login }), startMosquitto()])
const client = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login }, timeoutMs: 120_000 })
const settings: GatewaySettings = {
  deviceId: 'gw-bench',
  topicStyle: 'uns',
  namespace: { enterprise: 'Acme', site: 'Plant1', area: 'Packaging', line: 'Line1' },
  broker: { host: '127.0.0.1', port: broker.port },
}
try {
  // 1. The big flow, slow scans (this part measures the plan, not the polling).
  const big = lineWithTags(plant.endpoints.modbus, BIG, 60_000)
  const bigFlow = generateGatewayFlow({ targetId: 'bench-big', targetName: 'bench', settings, connections: [{ id: 'line', config: big }] })
  log(`${BIG} tags → ${bigFlow.nodes.length} nodes; Node-RED full deploy…`)
  const empty = await client.getFlows()
  let started = performance.now()
  await client.setFlows(empty.rev, bigFlow.nodes)
  const nodeRedFullDeployS = (performance.now() - started) / 1000
  const running = nodesOfTab((await client.getFlows()).flows, bigFlow.tabId)
  const changedCount = Math.round(BIG * CHANGED_SHARE)
  const changed = { ...big, tags: big.tags.map((t, i) => (i % Math.round(1 / CHANGED_SHARE) === 0 ? { ...t, scanRateMs: 30_000 } : t)) }
  const changedFlow = generateGatewayFlow({ targetId: 'bench-big', targetName: 'bench', settings, connections: [{ id: 'line', config: changed }] })
  const diffRuns: number[] = []
  let diffNodes = 0
  for (let run = 0; run < 5; run++) {
    started = performance.now()
    const diff = diffFlows(running, changedFlow.nodes)
    diffRuns.push(performance.now() - started)
    diffNodes = diff.changed
  }
  started = performance.now()
  await planNodeRedDeploy(client, changedFlow.nodes, { tabId: bigFlow.tabId, lastDeployed: running })
  const planMs = performance.now() - started
  log(
    `diff: ${diffNodes} changed node(s) for ${changedCount} changed tag(s); median ${median(diffRuns).toFixed(1)} ms; plan with GET /flows ${planMs.toFixed(0)} ms`,
  )
  await applyNodeRedPlan(client, await planNodeRedDeploy(client, [], { tabId: bigFlow.tabId }))

  // 2. 500 tags at 1 Hz, applied and verified with the data check against the workbench's own Modbus reads.
  const small = lineWithTags(plant.endpoints.modbus, VERIFIED, 1000)
  const direct = modbus.build('line', small)
  const directSamples = directSamplesOf(direct)
  await direct.connect()
  const flow = generateGatewayFlow({ targetId: 'bench-verify', targetName: 'bench', settings, connections: [{ id: 'line', config: small }] })
  log(`${VERIFIED} tags at 1 Hz: apply and verify…`)
  started = performance.now()
  const plan = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId })
  const windows = { healthWindowMs: 1000, skewMs: 2000 }
  const dataCheck = await startDataCheck({
    tags: flow.tags,
    tolerance: (tagId) => {
      const tag = small.tags.find((t) => `line:${t.name}` === tagId)
      return tag?.range ? (tag.range.high - tag.range.low) * 0.005 : 0
    },
    broker: { url: broker.url },
    direct: directSamples,
    windows,
  })
  const applied = await applyNodeRedPlan(client, plan)
  const verify = await verifyNodeRedDeploy({
    admin: client,
    url: nodeRed.url,
    token: await client.accessToken(),
    plan,
    deployed: applied.deployed,
    dataCheck,
    windows,
  })
  const applyVerifiedS = (performance.now() - started) / 1000
  await direct.disconnect()
  log(`${verify.message}; ${applyVerifiedS.toFixed(1)} s (target: ${(defaultDataWindowMs(flow.tags) / 1000).toFixed(0)} s = 2 × slowest scan + 5 s)`)
  process.stdout.write(
    `${JSON.stringify({
      tags: BIG,
      changed_tags: changedCount,
      changed_nodes: diffNodes,
      diff_ms: Number(median(diffRuns).toFixed(2)),
      plan_ms: Number(planMs.toFixed(1)),
      node_red_full_deploy_s: Number(nodeRedFullDeployS.toFixed(2)),
      verified_tags: VERIFIED,
      verified: verify.ok,
      verify_message: verify.message,
      apply_verified_s: Number(applyVerifiedS.toFixed(2)),
      apply_verified_target_s: defaultDataWindowMs(flow.tags) / 1000,
    })}\n`,
  )
} finally {
  await Promise.allSettled([nodeRed.stop(), broker.stop(), plant.stop()])
  rmSync(dir, { recursive: true, force: true })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
