import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { BrowseNodeInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { NodeAttributesPane } from './NodeAttributesPane'

interface Selection {
  node: BrowseNodeInfo
  /** The node's parent in the tree (a method is called on it). */
  parentId?: string
}
type Select = (selection: Selection) => void

function BrowseNode({
  connectionId,
  node,
  parentId,
  tagNodeIds,
  depth,
  selected,
  onSelect,
  trail,
}: {
  connectionId: string
  node: BrowseNodeInfo
  parentId?: string
  tagNodeIds: Set<string>
  depth: number
  selected?: string
  onSelect: Select
  /** Display names of the folders above this node: the tag keeps them as its folders in Tags. */
  trail: string[]
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState(false)
  const addTag = useMutation({
    mutationFn: () =>
      client.call('connections.addTags', {
        id: connectionId,
        tags: [{ name: node.displayName || node.browseName, nodeId: node.nodeId, path: trail.length > 0 ? trail.slice(-16) : undefined }],
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') }),
  })
  const isVariable = node.nodeClass === 'Variable'
  return (
    <li role="treeitem" aria-expanded={node.hasChildren ? open : undefined} aria-selected={selected === node.nodeId} aria-label={node.displayName}>
      <div className="tree-row" style={{ paddingLeft: 8 + depth * 14 }}>
        {node.hasChildren ? (
          <button type="button" className="ghost" aria-label={`${open ? 'Collapse' : 'Expand'} ${node.displayName}`} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span aria-hidden="true">•</span>
        )}{' '}
        <button
          type="button"
          className={`ghost tree-name${selected === node.nodeId ? ' selected' : ''}`}
          aria-label={`Select ${node.displayName}`}
          aria-pressed={selected === node.nodeId}
          onClick={() => onSelect({ node, parentId })}
        >
          {node.displayName}
        </button>{' '}
        <span className="muted">{isVariable ? `${node.dataType ?? ''} ${node.nodeId}` : node.nodeClass}</span>
        {isVariable &&
          (tagNodeIds.has(node.nodeId) ? (
            <span className="muted"> (tag)</span>
          ) : (
            <button type="button" className="small" aria-label={`Add ${node.displayName} as tag`} disabled={addTag.isPending} onClick={() => addTag.mutate()}>
              Add as tag
            </button>
          ))}
        {addTag.isError && (
          <span role="alert" className="error-text">
            {' '}
            {addTag.error.message}
          </span>
        )}
      </div>
      {open && (
        <BrowseChildren
          connectionId={connectionId}
          nodeId={node.nodeId}
          tagNodeIds={tagNodeIds}
          depth={depth + 1}
          selected={selected}
          onSelect={onSelect}
          trail={[...trail, node.displayName]}
        />
      )}
    </li>
  )
}

function BrowseChildren({
  connectionId,
  nodeId,
  tagNodeIds,
  depth,
  selected,
  onSelect,
  trail,
}: {
  connectionId: string
  nodeId?: string
  tagNodeIds: Set<string>
  depth: number
  selected?: string
  onSelect: Select
  trail: string[]
}): React.JSX.Element {
  const client = useClient()
  const children = useQuery({
    queryKey: queryKey('connections.browse', connectionId, nodeId ?? ''),
    queryFn: () => client.call('connections.browse', { id: connectionId, nodeId }),
    staleTime: 60_000,
  })
  if (children.isPending) return <p className="muted">Browsing…</p>
  if (children.isError)
    return (
      <p role="alert" className="error-text">
        {children.error.message}
      </p>
    )
  return (
    <ul role="group">
      {children.data.map((child) => (
        <BrowseNode
          key={child.nodeId}
          connectionId={connectionId}
          node={child}
          parentId={nodeId}
          tagNodeIds={tagNodeIds}
          depth={depth}
          selected={selected}
          onSelect={onSelect}
          trail={trail}
        />
      ))}
    </ul>
  )
}

/** The server's address space, fetched one level at a time as nodes are expanded; the selected node's attributes beside it. */
export function BrowseTree({ connectionId, tagNodeIds }: { connectionId: string; tagNodeIds: Set<string> }): React.JSX.Element {
  const [selection, setSelection] = useState<Selection>()
  return (
    <section aria-label="Address space">
      <h3>Address space</h3>
      <div className="browse-layout">
        <div role="tree" aria-label="OPC UA address space" className="tree">
          <BrowseChildren connectionId={connectionId} tagNodeIds={tagNodeIds} depth={0} trail={[]} selected={selection?.node.nodeId} onSelect={setSelection} />
        </div>
        {selection && <NodeAttributesPane key={selection.node.nodeId} connectionId={connectionId} node={selection.node} objectId={selection.parentId} />}
      </div>
    </section>
  )
}
