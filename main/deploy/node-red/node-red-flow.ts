// The shape of a Node-RED flow file: every node, tab and config node is one object in a flat list.

/** One entry of a Node-RED flows list; everything beyond id/type is the node's own properties. */
export interface NodeRedNode {
  id: string
  type: string
  /** The tab (or subflow) the node sits on; absent for tabs and global config nodes. */
  z?: string
  wires?: string[][]
  /** Sent on deploy, never returned by GET /flows (Node-RED keeps them apart). */
  credentials?: Record<string, unknown>
  [property: string]: unknown
}

/** Properties that say where a node is drawn, not what it does. */
export const LAYOUT_PROPERTIES = new Set(['x', 'y', 'w', 'h'])
