import type { FlowDiffView, NodeChangeView } from '../../../../preload/contract'

const MARK = { added: '+', removed: '−', changed: '~' } as const

/** Counts in colour, then one collapsible entry per node: changed properties, code as a line diff. */
export function DiffView({ diff, label }: { diff: FlowDiffView; label: string }): React.JSX.Element {
  return (
    <section className="diff" aria-label={label}>
      <p className="diff-counts">
        <span className="count count-added">{diff.added} added</span>
        <span className="count count-changed">{diff.changed} changed</span>
        <span className="count count-removed">{diff.removed} removed</span>
        <span className="count muted">{diff.unchanged} unchanged</span>
      </p>
      {diff.nodes.length === 0 ? (
        <p className="muted">Nothing changes.</p>
      ) : (
        <ul className="diff-nodes">
          {diff.nodes.map((node) => (
            <NodeEntry key={node.id} node={node} />
          ))}
        </ul>
      )}
    </section>
  )
}

function NodeEntry({ node }: { node: NodeChangeView }): React.JSX.Element {
  const summary = (
    <>
      <span className={`diff-mark diff-${node.change}`} aria-hidden="true">
        {MARK[node.change]}
      </span>
      <span className="diff-type mono">{node.type}</span> <span className="diff-name">{node.name}</span>{' '}
      <span className="muted small">
        {node.change}
        {node.properties.length > 0 ? `: ${node.properties.map((p) => p.property).join(', ')}` : ''}
      </span>
    </>
  )
  if (node.properties.length === 0)
    return (
      <li className={`diff-node diff-node-${node.change}`} aria-label={`${node.change} ${node.type} ${node.name}`}>
        <div className="diff-summary">{summary}</div>
      </li>
    )
  return (
    <li className={`diff-node diff-node-${node.change}`} aria-label={`${node.change} ${node.type} ${node.name}`}>
      <details open={node.properties.length <= 3}>
        <summary className="diff-summary">{summary}</summary>
        {node.properties.map((property) => (
          <div key={property.property} className="diff-property">
            <div className="mono small">{property.property}</div>
            {property.lines ? (
              <pre className="diff-lines">
                {property.lines.map((line, index) =>
                  line.op === 'same' ? null : (
                    <div key={index} className={`line-${line.op}`}>
                      {line.op === 'added' ? '+ ' : '− '}
                      {line.text}
                    </div>
                  ),
                )}
              </pre>
            ) : (
              <div className="diff-values mono small">
                <span className="line-removed">{JSON.stringify(property.before) ?? '—'}</span> →{' '}
                <span className="line-added">{JSON.stringify(property.after) ?? '—'}</span>
              </div>
            )}
          </div>
        ))}
      </details>
    </li>
  )
}
