// Node-by-node diff of two versions of the workbench's tab: added, removed, changed (with the changed properties,
// code as a line diff, wires), and the merge of our tab into an instance's flows without touching other tabs.
import { lineDiff, type DiffLine } from '../line-diff'
import { LAYOUT_PROPERTIES, type NodeRedNode } from './node-red-flow'

export interface PropertyChange {
  property: string
  before?: unknown
  after?: unknown
  /** For multi-line text (a function's code, a template): the line diff instead of two blobs. */
  lines?: DiffLine[]
}

export interface NodeChange {
  id: string
  type: string
  name: string
  change: 'added' | 'removed' | 'changed'
  properties: PropertyChange[]
}

export interface FlowDiff {
  added: number
  removed: number
  changed: number
  unchanged: number
  nodes: NodeChange[]
}

/** The tab and every node on it (config nodes scoped to it included): what the workbench owns. */
export function nodesOfTab(flows: readonly NodeRedNode[], tabId: string): NodeRedNode[] {
  return flows.filter((n) => n.id === tabId || n.z === tabId)
}

/** Our tab replaced (or added at the end); every other tab, subflow and global node stays exactly as it was. */
export function mergeTab(flows: readonly NodeRedNode[], tabId: string, ours: readonly NodeRedNode[]): NodeRedNode[] {
  const at = flows.findIndex((n) => n.id === tabId)
  const others = flows.filter((n) => n.id !== tabId && n.z !== tabId)
  const [tab, ...rest] = ours
  if (!tab) return others
  // Tabs come first in Node-RED's list and their order is the editor's tab order: keep ours where it was.
  const tabIndex = at < 0 ? others.filter((n) => n.type === 'tab').length : flows.slice(0, at).filter((n) => n.id !== tabId && n.z !== tabId).length
  return [...others.slice(0, tabIndex), tab, ...others.slice(tabIndex), ...rest]
}

const nameOf = (node: NodeRedNode): string => (typeof node.name === 'string' && node.name) || (typeof node.label === 'string' && node.label) || node.id

/** Properties that matter for what the node does: layout and credentials (compared only through has_* flags) left out. */
function comparable(node: NodeRedNode): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'credentials' || LAYOUT_PROPERTIES.has(key)) continue
    out[key] = value
  }
  return out
}

/** JSON with sorted keys, so property order never makes two equal nodes differ. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function sameNode(a: NodeRedNode, b: NodeRedNode): boolean {
  return canonicalJson(comparable(a)) === canonicalJson(comparable(b))
}

export function diffFlows(before: readonly NodeRedNode[], after: readonly NodeRedNode[]): FlowDiff {
  const old = new Map(before.map((n) => [n.id, n]))
  const now = new Map(after.map((n) => [n.id, n]))
  const nodes: NodeChange[] = []
  let unchanged = 0
  for (const node of after) {
    const previous = old.get(node.id)
    if (!previous) {
      nodes.push({ id: node.id, type: node.type, name: nameOf(node), change: 'added', properties: [] })
      continue
    }
    const properties = changedProperties(comparable(previous), comparable(node))
    if (properties.length === 0) unchanged++
    else nodes.push({ id: node.id, type: node.type, name: nameOf(node), change: 'changed', properties })
  }
  for (const node of before) {
    if (!now.has(node.id)) nodes.push({ id: node.id, type: node.type, name: nameOf(node), change: 'removed', properties: [] })
  }
  const count = (change: NodeChange['change']): number => nodes.filter((n) => n.change === change).length
  return { added: count('added'), removed: count('removed'), changed: count('changed'), unchanged, nodes }
}

export const isEmptyDiff = (diff: FlowDiff): boolean => diff.nodes.length === 0

function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): PropertyChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  const changes: PropertyChange[] = []
  for (const property of keys) {
    const a = before[property]
    const b = after[property]
    if (canonicalJson(a) === canonicalJson(b)) continue
    if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) changes.push({ property, lines: lineDiff(a, b) })
    else changes.push({ property, before: a, after: b })
  }
  return changes
}
