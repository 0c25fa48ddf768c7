// A Node-RED export a person brings: checked, then moved onto the workbench's tab so it is deployed, diffed and rolled
// back like a generated one.
import { DeployError } from '../deploy-error'
import type { NodeRedNode } from './node-red-flow'

export function parseFlowFile(json: string, options: { tabId: string; tabLabel: string; label: string }): NodeRedNode[] {
  const broken = (what: string): DeployError =>
    new DeployError('INVALID_INPUT', options.label, 'plan', `the flow file is broken: ${what}`, 'export the flow again from Node-RED (Export → JSON) and retry')
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw broken(`not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { flows?: unknown } | null)?.flows
  if (!Array.isArray(list) || list.length === 0) throw broken('no list of nodes')
  const ids = new Set<string>()
  for (const [index, node] of list.entries()) {
    if (!node || typeof node !== 'object' || typeof (node as NodeRedNode).id !== 'string' || typeof (node as NodeRedNode).type !== 'string') {
      throw broken(`entry ${index} has no string id and type`)
    }
    if (ids.has((node as NodeRedNode).id)) throw broken(`node id ${(node as NodeRedNode).id} appears twice`)
    ids.add((node as NodeRedNode).id)
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
