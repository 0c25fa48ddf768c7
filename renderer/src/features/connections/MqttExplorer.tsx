import { useEffect, useMemo, useState } from 'react'
import type { TopicStatsInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatTime } from '../../app/format'
import { ArmToggle } from './ArmToggle'
import { naturalCompare, useExplorerSession } from './mqtt-explorer-session'
import { MqttPublishForm, PublishConfirmDialog } from './MqttPublish'
import { formatJsonPath, JsonPayloadTree } from './MqttPayloadView'
import { MqttTagMapForm, type MapTarget } from './MqttTagMapForm'
import './mqtt.css'
import { useChannelQuery } from '../../bridge/queries'
import { useArmed } from './use-armed'

interface TopicNode {
  name: string
  path: string
  children: Map<string, TopicNode>
  stats?: TopicStatsInfo
  total: number
}

function buildTree(topics: Iterable<TopicStatsInfo>): TopicNode {
  const root: TopicNode = { name: '', path: '', children: new Map(), total: 0 }
  for (const stats of topics) {
    let node = root
    node.total += stats.count
    for (const level of stats.topic.split('/')) {
      let child = node.children.get(level)
      if (!child) node.children.set(level, (child = { name: level, path: node.path ? `${node.path}/${level}` : level, children: new Map(), total: 0 }))
      child.total += stats.count
      node = child
    }
    node.stats = stats
  }
  return root
}

function TopicBranch({
  node,
  depth,
  selected,
  expandAll,
  onSelect,
}: {
  node: TopicNode
  depth: number
  selected?: string
  /** While searching, every branch that leads to a match is open. */
  expandAll: boolean
  onSelect(topic: string): void
}): React.JSX.Element {
  const isOpen = useExplorerSession((s) => s.open.has(node.path))
  const toggle = useExplorerSession((s) => s.toggle)
  const open = expandAll || isOpen
  const children = [...node.children.values()].sort((a, b) => naturalCompare(a.name, b.name))
  return (
    <li role="treeitem" aria-expanded={children.length > 0 ? open : undefined} aria-selected={selected === node.path} aria-label={node.path}>
      <div className="tree-line" style={{ paddingLeft: 6 + depth * 14 }}>
        {children.length > 0 ? (
          <button
            type="button"
            className="tree-caret"
            aria-label={`${open ? 'Collapse' : 'Expand'} ${node.path}`}
            tabIndex={-1}
            disabled={expandAll}
            onClick={() => toggle(node.path)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-caret">•</span>
        )}
        <button
          type="button"
          className={`tree-row${selected === node.path ? ' selected' : ''}`}
          onClick={() => (node.stats ? onSelect(node.path) : toggle(node.path))}
        >
          {node.name || '(empty)'} <span className="muted">({node.total})</span>
          {node.stats && <span className="muted mono"> = {node.stats.lastPayload.slice(0, 60)}</span>}
        </button>
      </div>
      {open && children.length > 0 && (
        <ul role="group">
          {children.map((child) => (
            <TopicBranch key={child.name} node={child} depth={depth + 1} selected={selected} expandAll={expandAll} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  )
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const TIME_KEYS = ['ts', 'timestamp', 'time', 'Timestamp', 'sourceTime']

const FORMAT_NAMES = { json: 'JSON', text: 'text', sparkplug: 'Sparkplug B (decoded)', binary: 'binary (hex)' } as const

/** The selected topic: its last payload as a clickable JSON tree (or text), and the form that maps a value to a tag. */
function TopicDetails({ current, source, armed }: { current: TopicStatsInfo; source?: { id: string; name: string }; armed: boolean }): React.JSX.Element {
  const [target, setTarget] = useState<MapTarget>()
  const [done, setDone] = useState<string>()
  const [clearing, setClearing] = useState(false)
  useEffect(() => {
    setTarget(undefined)
    setDone(undefined)
    setClearing(false)
  }, [current.topic])
  const format = current.format ?? 'text'
  const parsed = format === 'json' || format === 'sparkplug' ? parseJson(current.lastPayload) : { ok: false as const }
  const document = parsed.ok ? parsed.value : undefined
  const timePathHint =
    document && typeof document === 'object' && !Array.isArray(document) ? TIME_KEYS.filter((k) => k in document).map((k) => formatJsonPath([k]))[0] : undefined
  const canMap = source !== undefined && format !== 'sparkplug'
  const pick = (jsonPath: string | undefined, sample: unknown): void => {
    setDone(undefined)
    if (!source) return
    setTarget({
      connectionId: source.id,
      connectionName: source.name,
      topic: current.topic,
      jsonPath,
      sample,
      timePathHint: jsonPath ? timePathHint : undefined,
    })
  }
  return (
    <>
      <h3 className="mono">{current.topic}</h3>
      <p className="muted">
        {current.count} messages, {current.bytes} bytes{current.retained ? ', retained' : ''}, last at {formatTime(current.lastTime)}
      </p>
      <div className="payload-meta">
        <span className="badge">{FORMAT_NAMES[format]}</span>
        {canMap && (
          <button type="button" className="small" onClick={() => pick(undefined, format === 'json' ? document : current.lastPayload)}>
            Map whole payload
          </button>
        )}
        {format === 'sparkplug' && (
          <span className="muted small">Metrics of Sparkplug B nodes become tags by themselves on a connection with Sparkplug B decoding on.</span>
        )}
        {format !== 'sparkplug' && !source && <span className="muted small">To map values to tags, explore a saved MQTT connection.</span>}
        {canMap && parsed.ok && <span className="muted small">Click a value to map it to a tag.</span>}
        {source && current.retained && (
          <button
            type="button"
            className="small"
            disabled={!armed}
            title={armed ? undefined : 'Arm publishing on this connection first'}
            onClick={() => setClearing(true)}
          >
            Clear retained…
          </button>
        )}
      </div>
      {clearing && source && (
        <PublishConfirmDialog
          connection={source}
          message={{ topic: current.topic, payload: '', qos: 1, retain: true }}
          clear
          onClose={() => setClearing(false)}
        />
      )}
      {parsed.ok ? (
        <JsonPayloadTree document={document} selected={target?.jsonPath} onPick={(steps, value) => (canMap ? pick(formatJsonPath(steps), value) : undefined)} />
      ) : (
        <pre className="payload">{current.lastPayload}</pre>
      )}
      {done && (
        <p role="status" className="check-ok">
          {done}
        </p>
      )}
      {target && (
        <MqttTagMapForm
          target={target}
          onCancel={() => setTarget(undefined)}
          onDone={(message) => {
            setTarget(undefined)
            setDone(message)
          }}
        />
      )}
    </>
  )
}

/** MQTT Explorer in a panel: a live topic tree of any broker with counts and last payloads; the session outlives the view. */
export function MqttExplorer({ defaultUrl }: { defaultUrl?: string }): React.JSX.Element {
  const client = useClient()
  const managed = useChannelQuery('connections.managed', undefined, { refetchInterval: 5000 })
  const saved = (managed.data ?? []).filter((c) => c.kind === 'mqtt')
  const session = useExplorerSession()
  const { sourceId, url, filter, search, running, exploring, summary, selected, version, topics } = session
  const source = saved.find((c) => c.id === sourceId)
  const armed = useArmed()

  useEffect(() => {
    if (defaultUrl && !running && !url) session.set({ url: defaultUrl })
  }, [defaultUrl, running, url, session])

  const needle = search.trim().toLowerCase()
  // `version` changes with every batch; the topics themselves live in the session's map so batches do not copy it.
  const tree = useMemo(
    () => buildTree(needle ? [...topics.values()].filter((t) => t.topic.toLowerCase().includes(needle)) : topics.values()),
    [version, topics, needle],
  )
  const current = selected ? topics.get(selected) : undefined
  const armedUntil = exploring ? armed.get(exploring.id) : undefined

  return (
    <section className="panel" aria-label="MQTT explorer">
      <h2>MQTT explorer</h2>
      <div className="toolbar wrap">
        <label className="explorer-source">
          <span className="muted">Explore</span>
          <select aria-label="Explore" value={sourceId} onChange={(e) => session.set({ sourceId: e.target.value })} disabled={running}>
            <option value="">a broker by URL</option>
            {saved.map((c) => (
              <option key={c.id} value={c.id}>
                {c.status.name} ({c.status.endpoint})
              </option>
            ))}
          </select>
        </label>
        {source ? (
          <span className="mono muted">{source.status.endpoint}</span>
        ) : (
          <input
            type="text"
            aria-label="Broker URL"
            value={url || defaultUrl || 'mqtt://127.0.0.1:1883'}
            onChange={(e) => session.set({ url: e.target.value })}
            disabled={running}
          />
        )}
        <input
          type="text"
          aria-label="Topic filter"
          value={filter}
          onChange={(e) => session.set({ filter: e.target.value })}
          disabled={running}
          style={{ minWidth: 160 }}
        />
        {running ? (
          <button type="button" onClick={() => session.stop()}>
            Stop exploring
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              if (!url) session.set({ url: defaultUrl ?? 'mqtt://127.0.0.1:1883' })
              session.start(client, source ? { id: source.id, name: source.status.name } : undefined)
            }}
          >
            Explore broker
          </button>
        )}
        {summary && (
          <span role="status" aria-label="Explorer status" className="muted">
            {summary.state} · {summary.topics} topics · {summary.messages} messages
            {summary.droppedTopics > 0 ? ` · ${summary.droppedTopics} topics over the limit not kept` : ''}
          </span>
        )}
      </div>
      {summary?.error && (
        <p role="alert" className="error-text">
          {summary.error}
        </p>
      )}
      <div className="explorer">
        <div className="explorer-topics">
          <input
            type="search"
            aria-label="Search topics"
            placeholder="Search topics"
            value={search}
            onChange={(e) => session.set({ search: e.target.value })}
          />
          {needle && tree.children.size === 0 && topics.size > 0 && <p className="muted small">No topic contains “{search.trim()}”.</p>}
          <ul role="tree" aria-label="Topics" className="tree explorer-tree">
            {[...tree.children.values()]
              .sort((a, b) => naturalCompare(a.name, b.name))
              .map((node) => (
                <TopicBranch
                  key={node.name}
                  node={node}
                  depth={0}
                  selected={selected}
                  expandAll={needle !== ''}
                  onSelect={(t) => session.set({ selected: t })}
                />
              ))}
          </ul>
        </div>
        <aside className="detail" aria-label="Topic details">
          {current ? (
            <TopicDetails current={current} source={exploring} armed={armedUntil !== undefined} />
          ) : (
            <p className="muted">Pick a topic to see its last payload.</p>
          )}
        </aside>
      </div>
      {exploring && (
        <section className="publish-panel" aria-label="Publish">
          <h3>Publish on {exploring.name}</h3>
          <ArmToggle id={exploring.id} kind="mqtt" armedUntil={armedUntil} />
          <MqttPublishForm key={exploring.id} connection={exploring} armed={armedUntil !== undefined} topic={selected} />
        </section>
      )}
    </section>
  )
}
