import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { OutputOf, VisionInferenceSettings, VisionModel, VisionModelKind, VisionModelSource, VisionTensorInfo } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { KIND_LABELS, useModels } from './use-models'
import { queryKey } from '../../../bridge/queries'

const shape = (s: (number | string)[]) => `[${s.join(', ')}]`

function SignatureTable({ inputs, outputs, caption }: { inputs: VisionTensorInfo[]; outputs: VisionTensorInfo[]; caption: string }): React.JSX.Element {
  return (
    <table className="vm-table" aria-label={caption}>
      <thead>
        <tr>
          <th>Role</th>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
        </tr>
      </thead>
      <tbody>
        {[...inputs.map((t) => ['input', t] as const), ...outputs.map((t) => ['output', t] as const)].map(([role, t]) => (
          <tr key={`${role}-${t.name}`}>
            <td>{role}</td>
            <td>{t.name}</td>
            <td>{t.type}</td>
            <td className="vm-mono">{shape(t.shape)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(new Error(`Cannot read ${file.name}: ${reader.error?.message ?? 'unknown error'}`))
    reader.readAsDataURL(file)
  })
}

/** Import (path or drop), the registered models with their signatures and versions, and the inference settings. */
export function RegistryTab(): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const models = useModels()
  const [path, setPath] = useState('')
  const [source, setSource] = useState<VisionModelSource | null>(null)
  const [inspected, setInspected] = useState<OutputOf<'visionModels.inspect'> | null>(null)
  const [name, setName] = useState('')
  const [kind, setKind] = useState<VisionModelKind | 'auto'>('auto')
  const [namesFile, setNamesFile] = useState('')
  const [dragging, setDragging] = useState(false)
  const [selected, setSelected] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null)
  const [imported, setImported] = useState<string | null>(null)
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKey('visionModels', 'list') })

  const inspect = useMutation({
    mutationFn: (next: VisionModelSource) => client.call('visionModels.inspect', { source: next }),
    onMutate: (next) => {
      setSource(next)
      setInspected(null)
      setImported(null)
    },
    onSuccess: (result) => {
      setInspected(result)
      setName(
        result.fileName
          .replace(/\.onnx$/i, '')
          .replace(/[^A-Za-z0-9._-]+/g, '-')
          .replace(/^[^A-Za-z0-9]+/, '')
          .slice(0, 64),
      )
      setKind(result.detectedKind ?? 'auto')
    },
  })
  const register = useMutation({
    mutationFn: () =>
      client.call('visionModels.import', {
        source: source!,
        name: name || undefined,
        kind: kind === 'auto' ? undefined : kind,
        namesFile: namesFile.trim() || undefined,
      }),
    onSuccess: (model) => {
      setImported(`Imported ${model.name} v${model.version} (${KIND_LABELS[model.kind]}, ${model.classNames.length} classes)`)
      setSelected(`${model.name}@${model.version}`)
      refresh()
    },
  })
  const remove = useMutation({
    mutationFn: (model: VisionModel) => client.call('visionModels.delete', { name: model.name, version: model.version }),
    onSuccess: () => {
      setConfirmDelete(null)
      refresh()
    },
  })
  const drop = async (files: FileList) => {
    const file = files[0]
    if (!file) return
    if (!/\.onnx$/i.test(file.name)) {
      inspect.reset()
      setInspected(null)
      setImported(`"${file.name}" is not an .onnx file — drop a model exported to ONNX`)
      return
    }
    inspect.mutate({ upload: { fileName: file.name, base64: await readAsBase64(file) } })
  }

  const list = models.data?.models ?? []
  const current = list.find((m) => `${m.name}@${m.version}` === selected)
  const error = inspect.error ?? register.error ?? remove.error

  return (
    <div className="vm-tab">
      <section aria-label="Import a model" className="vm-block">
        <h3>Import an ONNX model</h3>
        <div
          className={`vm-drop${dragging ? ' vm-drop-active' : ''}`}
          aria-label="Drop an ONNX file here"
          onDragOver={(e) => {
            e.preventDefault()
            setDragging(true)
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault()
            setDragging(false)
            void drop(e.dataTransfer.files)
          }}
        >
          Drop an .onnx file here, or give its path on the workbench machine:
          <form
            className="vm-row"
            onSubmit={(e) => {
              e.preventDefault()
              if (path.trim()) inspect.mutate({ path: path.trim() })
            }}
          >
            <input
              type="text"
              className="vm-path"
              aria-label="Model file path"
              placeholder="/path/to/model.onnx"
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit" disabled={!path.trim() || inspect.isPending}>
              {inspect.isPending ? 'Reading…' : 'Inspect'}
            </button>
          </form>
        </div>
        {inspected && (
          <div className="vm-inspected">
            <SignatureTable inputs={inspected.inputs} outputs={inspected.outputs} caption={`Signature of ${inspected.fileName}`} />
            <p role="status" aria-label="Detected kind">
              {inspected.problem ? (
                <span className="error-text">{inspected.problem}</span>
              ) : (
                <>
                  Looks like: <strong>{inspected.detectedKind ? KIND_LABELS[inspected.detectedKind] : 'unknown — choose the kind'}</strong>
                  {inspected.classNames.length > 0 && ` · classes from the model: ${inspected.classNames.join(', ')}`}
                </>
              )}
            </p>
            <form
              className="vm-row"
              onSubmit={(e) => {
                e.preventDefault()
                register.mutate()
              }}
            >
              <label>
                Name <input type="text" aria-label="Model name" value={name} onChange={(e) => setName(e.target.value)} />
              </label>
              <label>
                Kind{' '}
                <select aria-label="Model kind" value={kind} onChange={(e) => setKind(e.target.value as VisionModelKind | 'auto')}>
                  <option value="auto">Detect from the model</option>
                  {(Object.keys(KIND_LABELS) as VisionModelKind[]).map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Class names file{' '}
                <input
                  type="text"
                  className="vm-path"
                  aria-label="Class names file"
                  placeholder="optional: names.txt, data.yaml or a JSON list"
                  value={namesFile}
                  onChange={(e) => setNamesFile(e.target.value)}
                />
              </label>
              <button type="submit" disabled={register.isPending}>
                {register.isPending ? 'Importing…' : 'Import model'}
              </button>
            </form>
          </div>
        )}
        {imported && <p role="status">{imported}</p>}
        {error && (
          <p role="alert" className="error-text">
            {error.message}
          </p>
        )}
      </section>

      <section aria-label="Registered models" className="vm-block">
        <h3>Registered models</h3>
        {list.length === 0 ? (
          <p className="muted">No model yet. Import a YOLO detector (output [1, 4 + classes, N]), an image classifier or an anomaly model.</p>
        ) : (
          <table className="vm-table" aria-label="Models">
            <thead>
              <tr>
                <th>Name</th>
                <th>Version</th>
                <th>Kind</th>
                <th>Input</th>
                <th>Classes</th>
                <th>Imported</th>
                <th>Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((m) => {
                const key = `${m.name}@${m.version}`
                return (
                  <tr key={key} aria-selected={key === selected} className={key === selected ? 'vm-selected' : ''} onClick={() => setSelected(key)}>
                    <td>{m.name}</td>
                    <td>v{m.version}</td>
                    <td>{KIND_LABELS[m.kind]}</td>
                    <td className="vm-mono">{shape(m.inputs[0]?.shape ?? [])}</td>
                    <td title={m.classNames.join(', ')}>{m.kind === 'anomaly' ? '—' : m.classNames.length}</td>
                    <td>{new Date(m.importedAt).toLocaleString()}</td>
                    <td>
                      {m.sizeBytes < 1024
                        ? `${m.sizeBytes} B`
                        : m.sizeBytes < 1048576
                          ? `${(m.sizeBytes / 1024).toFixed(0)} KB`
                          : `${(m.sizeBytes / 1048576).toFixed(1)} MB`}
                    </td>
                    <td>
                      {confirmDelete === key ? (
                        <>
                          <button type="button" className="vm-danger" onClick={() => remove.mutate(m)} aria-label={`Confirm delete ${m.name} v${m.version}`}>
                            Confirm delete
                          </button>
                          <button type="button" onClick={() => setConfirmDelete(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" onClick={() => setConfirmDelete(key)} aria-label={`Delete ${m.name} v${m.version}`}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
        {current && (
          <div className="vm-details" aria-label={`Details of ${current.name} v${current.version}`}>
            <SignatureTable inputs={current.inputs} outputs={current.outputs} caption={`Signature of ${current.name} v${current.version}`} />
            <dl className="vm-facts">
              <dt>Classes</dt>
              <dd>{current.classNames.join(', ') || '—'}</dd>
              <dt>Letterboxed to</dt>
              <dd>
                {current.inputSize.width}×{current.inputSize.height}
              </dd>
              <dt>From</dt>
              <dd className="vm-mono">{current.sourceFile}</dd>
              <dt>SHA-256</dt>
              <dd className="vm-mono">{current.sha256.slice(0, 16)}…</dd>
              {Object.entries(current.metadata)
                .slice(0, 8)
                .map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd className="vm-mono">{v.length > 80 ? `${v.slice(0, 80)}…` : v}</dd>
                  </div>
                ))}
            </dl>
          </div>
        )}
      </section>

      {models.data && <SettingsForm settings={models.data.settings} providers={models.data.providers} onSaved={refresh} />}
    </div>
  )
}

function SettingsForm({
  settings,
  providers,
  onSaved,
}: {
  settings: VisionInferenceSettings
  providers: ('cpu' | 'dml')[]
  onSaved: () => void
}): React.JSX.Element {
  const client = useClient()
  const [draft, setDraft] = useState(settings)
  const save = useMutation({ mutationFn: () => client.call('visionModels.saveSettings', draft), onSuccess: onSaved })
  const number = (key: 'confidenceThreshold' | 'iouThreshold' | 'batchSize', label: string, min: number, max: number, step: number, hint?: string) => (
    <label title={hint}>
      {label}{' '}
      <input
        type="number"
        aria-label={label}
        min={min}
        max={max}
        step={step}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: Math.max(min, Math.min(max, Number(e.target.value) || min)) })}
      />
    </label>
  )
  return (
    <section aria-label="Inference settings" className="vm-block">
      <h3>Inference settings</h3>
      <form
        className="vm-row"
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <label>
          Execution provider{' '}
          <select
            aria-label="Execution provider"
            value={draft.executionProvider}
            onChange={(e) => setDraft({ ...draft, executionProvider: e.target.value as 'cpu' | 'dml' })}
          >
            <option value="cpu">CPU</option>
            {providers.includes('dml') && <option value="dml">DirectML (GPU)</option>}
          </select>
        </label>
        {number(
          'confidenceThreshold',
          'Confidence threshold',
          0,
          1,
          0.05,
          'Detector boxes below it are dropped; classifiers pre-label a multi-label dataset with every class at or above it',
        )}
        {number('iouThreshold', 'NMS IoU', 0.05, 0.95, 0.05)}
        {number('batchSize', 'Batch size', 1, 64, 1)}
        <button type="submit" disabled={save.isPending}>
          Save settings
        </button>
        {save.isSuccess && <span role="status">Saved</span>}
        {!providers.includes('dml') && <span className="muted">DirectML is offered on Windows only.</span>}
      </form>
      {save.error && (
        <p role="alert" className="error-text">
          {save.error.message}
        </p>
      )}
    </section>
  )
}
