import { useMemo, useState } from 'react'
import { useMutation } from '@tanstack/react-query'
import type { TagInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatTime, formatValue } from '../../app/format'
import { useUi } from '../../app/ui-store'
import { useLive } from '../../live/live-store'
import { TagRecording } from './TagRecording'
import { buildFolderTree, inFolder, type FolderNode } from './tag-tree'
import { useArmed } from '../connections/use-armed'
import { ArmToggle } from '../connections/ArmToggle'
import { WriteDialog } from './WriteDialog'
import { TagImportDialog } from './TagImportDialog'
import { UnitIdField } from './UnitIdField'
import { saveTextFile } from '../connections/save-text-file'
import { useChannelQuery } from '../../bridge/queries'

function FolderTree({
  node,
  selected,
  onSelect,
  depth = 0,
}: {
  node: FolderNode
  selected: string[]
  onSelect(path: string[]): void
  depth?: number
}): React.JSX.Element {
  const isSelected = node.path.join('/') === selected.join('/')
  return (
    <li role="treeitem" aria-selected={isSelected} aria-expanded={node.folders.length > 0 ? true : undefined}>
      <button type="button" className={`tree-row${isSelected ? ' selected' : ''}`} style={{ paddingLeft: 8 + depth * 14 }} onClick={() => onSelect(node.path)}>
        <span>{node.folders.length > 0 ? '▾' : '•'}</span> {node.name} <span className="muted">({node.tagCount})</span>
      </button>
      {node.folders.length > 0 && (
        <ul role="group">
          {node.folders.map((child) => (
            <FolderTree key={child.name} node={child} selected={selected} onSelect={onSelect} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  )
}

function TagRow({ tag, selected, onSelect }: { tag: TagInfo; selected: boolean; onSelect(): void }): React.JSX.Element {
  const value = useLive((s) => s.values[tag.id])
  const quality = value ? (value.stale ? 'stale' : value.quality.status) : 'waiting'
  const text = formatValue(value?.value, tag.unit, tag.enumLabels)
  return (
    <tr className={selected ? 'selected' : undefined} onClick={onSelect} aria-selected={selected}>
      <td>{tag.name}</td>
      <td className="path muted">{tag.path.slice(-2).join(' / ')}</td>
      <td className="num" data-tag-value={tag.id}>
        <span className="clip-text" title={text}>
          {text}
        </span>
      </td>
      <td>
        <span className={`quality quality-${quality}`}>{quality}</span>
      </td>
      <td className="muted num">{formatTime(value?.sourceTime)}</td>
    </tr>
  )
}

function TagDetail({ tag }: { tag: TagInfo }): React.JSX.Element {
  const value = useLive((s) => s.values[tag.id])
  const armed = useArmed()
  const [writing, setWriting] = useState(false)
  return (
    <aside className="detail" aria-label="Tag details">
      <h2>{tag.name}</h2>
      {tag.access === 'read-write' && (
        <>
          <ArmToggle id={tag.connectionId} kind="tag" armedUntil={armed.get(tag.connectionId)} />
          {armed.has(tag.connectionId) ? (
            <button type="button" onClick={() => setWriting(true)}>
              Write…
            </button>
          ) : (
            <p className="muted small">Read-write tag: arm its connection (here or in Connections) to write.</p>
          )}
        </>
      )}
      {writing && <WriteDialog tag={tag} onClose={() => setWriting(false)} />}
      <dl>
        <dt>Value</dt>
        <dd className="big value-wrap">{formatValue(value?.value, tag.unit, tag.enumLabels)}</dd>
        <dt>Quality</dt>
        <dd>
          {value ? (value.stale ? 'stale (last known)' : value.quality.status) : 'waiting'}
          {value?.quality.reason ? ` — ${value.quality.reason}` : ''}
        </dd>
        <dt>Source time</dt>
        <dd>{formatTime(value?.sourceTime)}</dd>
        <dt>Receive time</dt>
        <dd>{formatTime(value?.receiveTime)}</dd>
        <dt>Tag id</dt>
        <dd className="mono">{tag.id}</dd>
        <dt>Path</dt>
        <dd>{tag.path.join(' / ')}</dd>
        <dt>Connection</dt>
        <dd>{tag.connectionId}</dd>
        <dt>Address</dt>
        <dd className="mono">{tag.address}</dd>
        {tag.unitId !== undefined && (
          <>
            <dt>Unit id</dt>
            <UnitIdField key={tag.id} tag={{ ...tag, unitId: tag.unitId }} />
          </>
        )}
        <dt>Data type</dt>
        <dd>{tag.dataType}</dd>
        <dt>Unit</dt>
        <dd>{tag.unit ?? '—'}</dd>
        <dt>Range</dt>
        <dd>{tag.range ? `${tag.range.low} … ${tag.range.high}` : '—'}</dd>
        <dt>Access</dt>
        <dd>{tag.access}</dd>
        {tag.description && (
          <>
            <dt>Description</dt>
            <dd>{tag.description}</dd>
          </>
        )}
      </dl>
      <TagRecording tagId={tag.id} unit={tag.unit} />
    </aside>
  )
}

/** One tree, one search and one detail panel for the tags of every connection. */
export function TagsView(): React.JSX.Element {
  const client = useClient()
  const tags = useChannelQuery('tags.list', undefined, { refetchInterval: 5000 })
  const [folder, setFolder] = useState<string[]>([])
  const [search, setSearch] = useState('')
  const selectedTagId = useUi((s) => s.selectedTagId)
  const selectTag = useUi((s) => s.selectTag)
  const all = useMemo(() => tags.data ?? [], [tags.data])
  const tree = useMemo(() => buildFolderTree(all), [all])
  const visible = useMemo(() => {
    const needle = search.trim().toLowerCase()
    return all.filter((t) => inFolder(t, folder) && (!needle || t.id.toLowerCase().includes(needle) || (t.description ?? '').toLowerCase().includes(needle)))
  }, [all, folder, search])
  const selected = all.find((t) => t.id === selectedTagId)
  const [importing, setImporting] = useState(false)
  const exportCsv = useMutation({
    mutationFn: () => client.call('tags.csvExport', { tagIds: visible.map((t) => t.id) }),
    onSuccess: (file) => saveTextFile(file.fileName, file.csv, 'text/csv'),
  })
  return (
    <div className="tags-view">
      <section className="panel tree-panel" aria-label="Tag tree">
        <h1>Tags</h1>
        <ul role="tree" aria-label="Tag folders" className="tree">
          <FolderTree node={tree} selected={folder} onSelect={setFolder} />
        </ul>
      </section>
      <section className="panel table-panel" aria-label="Tag values">
        <div className="toolbar">
          <input
            type="search"
            placeholder="Search tags by name or description"
            aria-label="Search tags"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <span className="muted">
            {visible.length} of {all.length} tags
          </span>
          <span className="spacer" />
          <button type="button" onClick={() => setImporting(true)}>
            Import CSV…
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => exportCsv.mutate()}
            disabled={visible.length === 0}
            title="The tags in the list (folder and search applied), in the app's own CSV columns"
          >
            Export CSV ({visible.length})
          </button>
        </div>
        {exportCsv.isError && (
          <p role="alert" className="error-text">
            Export failed: {exportCsv.error.message}
          </p>
        )}
        {tags.isError && (
          <p role="alert" className="error-text">
            Could not load tags: {tags.error.message}
          </p>
        )}
        {tags.data && all.length === 0 && (
          <p className="empty">No tags yet. The demo plant adds its tags when it has started; add your own connections in Connections.</p>
        )}
        <div className="table-scroll">
          <table className="grid" aria-label="Live tag values">
            <thead>
              <tr>
                <th>Tag</th>
                <th>Folder</th>
                <th className="num">Value</th>
                <th>Quality</th>
                <th className="num">Source time</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((tag) => (
                <TagRow key={tag.id} tag={tag} selected={tag.id === selectedTagId} onSelect={() => selectTag(tag.id)} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {importing && <TagImportDialog onClose={() => setImporting(false)} />}
      {selected ? (
        <TagDetail tag={selected} />
      ) : (
        <aside className="detail muted" aria-label="Tag details">
          Select a tag to see its value, quality, times, address and range.
        </aside>
      )}
    </div>
  )
}
