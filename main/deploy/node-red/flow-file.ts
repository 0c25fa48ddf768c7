// A Node-RED export a person brings: checked, then moved onto the workbench's tab so it is deployed, diffed and rolled
// back like a generated one.
import { DeployError } from '../deploy-error'
import type { NodeRedNode } from './node-red-flow'

/** Far above a real gateway's flow; a bigger file is an export of something else (or made to exhaust the planner). */
const MAX_NODES = 20_000
/** Node-RED ids (16 hex) and type names: visible characters only, never control characters or an empty string. */
const PLAIN_NAME = /^[\x21-\x7e\u00a0-\uffff][\x20-\x7e\u00a0-\uffff]{0,99}$/

/** Node types that run commands or code outside Node-RED's sandbox of nodes: the plan names them before anyone applies. */
export const COMMAND_NODE_TYPES: ReadonlySet<string> = new Set(['exec', 'daemon', 'file', 'file in'])

/** Ids of the file that belong to other flows on the gateway: deploying it would take those nodes over. */
export function foreignIds(desired: readonly NodeRedNode[], running: readonly NodeRedNode[], tabId: string): NodeRedNode[] {
  const wanted = new Set(desired.filter((n) => n.id !== tabId).map((n) => n.id))
  return running.filter((n) => n.id !== tabId && n.z !== tabId && wanted.has(n.id))
}

export function parseFlowFile(json: string, options: { tabId: string; tabLabel: string; label: string }): NodeRedNode[] {
  const broken = (what: string, whatToDo = 'export the flow again from Node-RED (Export → JSON) and retry'): DeployError =>
    new DeployError('INVALID_INPUT', options.label, 'plan', `the flow file is broken: ${what}`, whatToDo)
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw broken(`not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { flows?: unknown } | null)?.flows
  if (!Array.isArray(list) || list.length === 0) throw broken('no list of nodes')
  if (list.length > MAX_NODES) throw broken(`it has ${list.length} entries; a flow file may have at most ${MAX_NODES} nodes`)
  const ids = new Set<string>()
  for (const [index, node] of list.entries()) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) throw broken(`entry ${index} is not a node object`)
    const { id, type, z, wires } = node as Record<string, unknown>
    if (typeof id !== 'string' || typeof type !== 'string') throw broken(`entry ${index} has no string id and type`)
    if (!PLAIN_NAME.test(id)) throw broken(`entry ${index} has the id ${JSON.stringify(id.slice(0, 60))}: an id is 1–100 visible characters`)
    if (!PLAIN_NAME.test(type)) throw broken(`node ${id} has the type ${JSON.stringify(type.slice(0, 60))}: a type is 1–100 visible characters`)
    if (id === options.tabId) throw broken(`node ${id} takes the id of the workbench's own tab`)
    if (z !== undefined && typeof z !== 'string') throw broken(`node ${id} has a z (its tab) that is not a string`)
    if (wires !== undefined && !(Array.isArray(wires) && wires.every((port) => Array.isArray(port) && port.every((t) => typeof t === 'string')))) {
      throw broken(`node ${id} has wires that are not a list of outputs, each a list of node ids`)
    }
    // global-config holds the whole instance's environment: it belongs to the gateway, never to one deployed tab.
    if (type === 'global-config')
      throw broken(
        `node ${id} is the instance's global-config (its environment variables), which a deploy must not replace`,
        'export only the flow you deploy (Export → current flow), not all flows, and retry',
      )
    if (ids.has(id)) throw broken(`node id ${id} appears twice`)
    ids.add(id)
  }
  const nodes = list as NodeRedNode[]
  const tabs = nodes.filter((n) => n.type === 'tab')
  if (tabs.length > 1) throw broken(`it has ${tabs.length} tabs; the workbench deploys one tab per target`)
  const tabOfFile = tabs[0]?.id
  // A subflow lives outside every tab: it could not be owned, diffed or rolled back with ours.
  if (nodes.some((n) => n.type === 'subflow' || n.type.startsWith('subflow:'))) throw broken('it uses subflows; the workbench deploys plain nodes on one tab')
  for (const node of nodes) {
    if (node.z !== undefined && node.z !== tabOfFile && !ids.has(node.z)) throw broken(`node ${node.id} sits on ${node.z}, which is not in the file`)
    for (const target of (node.wires ?? []).flat()) if (!ids.has(target)) throw broken(`node ${node.id} is wired to ${target}, which is not in the file`)
  }
  // Ids are kept (they are the file's own, stable across imports); only the tab becomes ours.
  const tab: NodeRedNode = {
    ...(tabs[0] ?? {}),
    id: options.tabId,
    type: 'tab',
    label: options.tabLabel,
    disabled: false,
    info: 'Deployed by OT Workbench from a flow file.',
  }
  // Global config nodes move onto our tab too (scoped there), so everything the file brings is ours to diff and roll back.
  return [tab, ...nodes.filter((n) => n.type !== 'tab').map((n) => ({ ...n, z: options.tabId }))]
}
