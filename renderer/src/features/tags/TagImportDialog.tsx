import { useEffect, useState } from 'react'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { TAG_CSV_FIELDS, type TagCsvFieldName, type TagCsvMapping, type TagCsvSource } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import '../connections/connections.css'
import { useChannelQuery, queryKey } from '../../bridge/queries'
import { Dialog, ErrorAlert } from '../../app/Dialog'

// "Import CSV…": pick a file, check the column mapping against a preview, choose the connection, import all or nothing.

const FORMAT_NAMES = {
  otw: 'OT Workbench columns',
  kepware: 'Kepware export',
  ignition: 'Ignition tag CSV',
  unknown: 'Other (mapped by header names)',
} as const

const FIELD_NAMES: Record<TagCsvFieldName, string> = {
  name: 'Name *',
  path: 'Folder path',
  connectionId: 'Connection id',
  address: 'Address *',
  dataType: 'Data type *',
  byteOrder: 'Byte order',
  engineeringUnit: 'Unit',
  rangeLow: 'Range low',
  rangeHigh: 'Range high',
  rawLow: 'Raw low',
  rawHigh: 'Raw high',
  engLow: 'Scaled low',
  engHigh: 'Scaled high',
  scalingType: 'Scaling',
  access: 'Access',
  scanRateMs: 'Scan rate (ms)',
  stringLength: 'String length',
  description: 'Description',
}

/** What the WebSocket carries in one message; bigger files go by path. */
const MAX_UPLOAD_BYTES = 3_500_000

function FilePicker({ onSource }: { onSource(source: TagCsvSource): void }): React.JSX.Element {
  const [path, setPath] = useState('')
  const [dragging, setDragging] = useState(false)
  const [problem, setProblem] = useState<string>()
  const take = async (file: File | undefined) => {
    if (!file) return
    if (file.size > MAX_UPLOAD_BYTES) {
      setProblem(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; files over 3.5 MB go by path — type where it is on the workstation below`)
      return
    }
    setProblem(undefined)
    onSource({ kind: 'text', fileName: file.name, text: await file.text() })
  }
  return (
    <div>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        aria-label="Drop a CSV file here"
        role="group"
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault()
          setDragging(false)
          void take(e.dataTransfer.files[0])
        }}
      >
        <p>Drop a tag CSV here (our export, a Kepware export or an Ignition tag CSV), or</p>
        <label className="file-button">
          Choose file…
          <input type="file" accept=".csv,text/csv,text/plain" aria-label="CSV file" onChange={(e) => void take(e.target.files?.[0])} />
        </label>
      </div>
      <form
        className="toolbar"
        aria-label="CSV file path"
        onSubmit={(e) => {
          e.preventDefault()
          if (path.trim()) onSource({ kind: 'path', path: path.trim() })
        }}
      >
        <label className="inline-label grow">
          or a path on the workstation{' '}
          <input type="text" aria-label="Path on the workstation" value={path} placeholder="/home/me/tags.csv" onChange={(e) => setPath(e.target.value)} />
        </label>
        <button type="submit" disabled={!path.trim()}>
          Read file
        </button>
      </form>
      <ErrorAlert error={problem} />
    </div>
  )
}

export function TagImportDialog({ onClose }: { onClose(): void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [source, setSource] = useState<TagCsvSource>()
  const [mapping, setMapping] = useState<TagCsvMapping>()
  const [connectionId, setConnectionId] = useState('')
  const [skipErrors, setSkipErrors] = useState(false)
  const managed = useChannelQuery('connections.managed')
  const targets = (managed.data ?? []).filter((c) => c.kind !== 'mqtt')
  // Kepware and Ignition lists here are Modbus register maps, so a Modbus connection is the likelier target.
  const defaultTarget = targets.find((t) => t.kind !== 'opcua') ?? targets[0]
  useEffect(() => {
    if (!connectionId && defaultTarget) setConnectionId(defaultTarget.id)
  }, [connectionId, defaultTarget])

  const preview = useQuery({
    queryKey: queryKey('tags.csvPreview', source, mapping, connectionId),
    queryFn: () => client.call('tags.csvPreview', { source: source!, mapping, connectionId: connectionId || undefined, previewRows: 50 }),
    enabled: source !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
  })
  // The first preview suggests the mapping; from then on the person's edits drive it.
  useEffect(() => {
    if (preview.data && !mapping) setMapping(preview.data.mapping)
  }, [preview.data, mapping])

  const importing = useMutation({
    mutationFn: () => client.call('tags.csvImport', { source: source!, mapping: mapping!, connectionId, skipErrors }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKey('tags.list') })
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    },
  })

  const p = preview.data
  const current = mapping ?? p?.mapping
  const setColumn = (field: TagCsvFieldName, header: string) =>
    setMapping((m) => {
      const base = m ?? p!.mapping
      const columns = { ...base.columns }
      if (header === '') delete columns[field]
      else columns[field] = header
      return { ...base, columns }
    })
  const errorCount = p ? p.rowCount - p.okCount : 0
  const firstRow = p?.rows[0]?.cells
  const target = targets.find((t) => t.id === connectionId)

  return (
    <Dialog label="Import tags from CSV" wide onClose={onClose}>
      <div className="toolbar">
        <h2>Import tags from CSV</h2>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={onClose} aria-label="Close import">
          ✕
        </button>
      </div>
      {importing.isSuccess ? (
        <div role="status" aria-label="Import result">
          <p>
            Imported {importing.data.imported} tags into <strong>{target?.status.name ?? importing.data.connectionId}</strong>
            {importing.data.skipped > 0 ? `; left out ${importing.data.skipped} rows with errors` : ''}. They are in the tag tree now.
          </p>
          <div className="toolbar">
            <span className="spacer" />
            <button type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <>
          <h3>1. File</h3>
          {source && (
            <p className="small">
              <strong>{p?.fileName ?? (source.kind === 'path' ? source.path : source.fileName)}</strong>
              {p && (
                <>
                  {' '}
                  — {p.rowCount} rows, {p.headers.length} columns, detected: <span aria-label="Detected format">{FORMAT_NAMES[p.detectedFormat]}</span>
                </>
              )}{' '}
              <button
                type="button"
                className="ghost small"
                onClick={() => {
                  setSource(undefined)
                  setMapping(undefined)
                }}
              >
                Pick another file
              </button>
            </p>
          )}
          {!source && (
            <FilePicker
              onSource={(s) => {
                setMapping(undefined)
                setSource(s)
              }}
            />
          )}
          <ErrorAlert error={preview.error} />
          {p && current && (
            <>
              <h3>2. Columns</h3>
              <div className="toolbar wrap">
                <label className="inline-label">
                  Written by{' '}
                  <select
                    aria-label="Source format"
                    value={current.format}
                    onChange={(e) => setMapping({ ...current, format: e.target.value as TagCsvMapping['format'] })}
                  >
                    {Object.entries(FORMAT_NAMES).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="inline-label">
                  Byte order (when the file has none){' '}
                  <select
                    aria-label="Default byte order"
                    value={current.byteOrder ?? 'ABCD'}
                    onChange={(e) => setMapping({ ...current, byteOrder: e.target.value as 'ABCD' })}
                  >
                    {['ABCD', 'BADC', 'CDAB', 'DCBA'].map((o) => (
                      <option key={o}>{o}</option>
                    ))}
                  </select>
                </label>
                {current.format === 'ignition' && (
                  <label className="inline-label">
                    <input
                      type="checkbox"
                      checked={current.ignitionZeroBased ?? false}
                      onChange={(e) => setMapping({ ...current, ignitionZeroBased: e.target.checked })}
                    />{' '}
                    Device uses zero-based addressing
                  </label>
                )}
              </div>
              <div className="table-scroll mapping-table">
                <table className="grid" aria-label="Column mapping">
                  <thead>
                    <tr>
                      <th>Tag field</th>
                      <th>CSV column</th>
                      <th>First row</th>
                    </tr>
                  </thead>
                  <tbody>
                    {TAG_CSV_FIELDS.map((field) => {
                      const header = current.columns[field] ?? ''
                      const position = p.headers.indexOf(header)
                      return (
                        <tr key={field}>
                          <td>{FIELD_NAMES[field]}</td>
                          <td>
                            <select
                              aria-label={`Column for ${FIELD_NAMES[field].replace(' *', '')}`}
                              value={header}
                              onChange={(e) => setColumn(field, e.target.value)}
                            >
                              <option value="">— not imported —</option>
                              {p.headers.map((h) => (
                                <option key={h} value={h}>
                                  {h}
                                </option>
                              ))}
                            </select>
                          </td>
                          <td className="mono small muted">{position >= 0 ? (firstRow?.[position] ?? '') : ''}</td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>

              <h3>3. Connection</h3>
              {targets.length === 0 ? (
                <p className="error-text" role="alert">
                  Add a Modbus or OPC UA connection first (Connections → Add connection); imported tags are read through it.
                </p>
              ) : (
                <label className="form-field">
                  <span>Import into</span>
                  <select aria-label="Target connection" value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
                    {targets.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.status.name} ({t.kind})
                      </option>
                    ))}
                  </select>
                </label>
              )}

              <h3>4. Preview</h3>
              <p aria-label="Preview summary" className={errorCount > 0 ? 'warn-text' : undefined}>
                {p.rowCount} rows: {p.okCount} ready, {errorCount} with errors
                {preview.isFetching ? ' (updating…)' : ''}
              </p>
              <div className="table-scroll preview-table">
                <table className="grid" aria-label="Import preview">
                  <thead>
                    <tr>
                      <th className="num">Line</th>
                      <th>Tag name</th>
                      <th>Address</th>
                      <th>Type</th>
                      <th>Byte order</th>
                      <th>Access</th>
                      <th>Unit</th>
                      <th>Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.rows.map((row) => (
                      <tr key={row.line} className={row.error ? 'row-error' : undefined}>
                        <td className="num">{row.line}</td>
                        {row.tag ? (
                          <>
                            <td>{row.tag.name}</td>
                            <td className="mono">{row.tag.address}</td>
                            <td>{row.tag.dataType}</td>
                            <td>{row.tag.byteOrder}</td>
                            <td>{row.tag.access}</td>
                            <td>{row.tag.unit ?? ''}</td>
                            <td className="check-ok">ok</td>
                          </>
                        ) : (
                          <>
                            <td colSpan={6} className="mono small muted">
                              {row.cells.join(', ')}
                            </td>
                            <td className="check-failed">{row.error}</td>
                          </>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {p.rowCount > p.rows.length && (
                <p className="small muted">
                  First {p.rows.length} of {p.rowCount} rows shown.
                </p>
              )}
              {p.errors.filter((e) => !p.rows.some((r) => r.line === e.line)).length > 0 && (
                <details>
                  <summary>All {p.errors.length} errors</summary>
                  <ul className="small">
                    {p.errors.map((e) => (
                      <li key={e.line}>
                        line {e.line}: {e.message}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              {errorCount > 0 && (
                <label className="radio-row">
                  <input type="checkbox" checked={skipErrors} onChange={(e) => setSkipErrors(e.target.checked)} /> Leave out the {errorCount} rows with errors
                </label>
              )}
              <ErrorAlert error={importing.error} />
              <div className="toolbar">
                <span className="muted small">
                  {errorCount > 0 && !skipErrors
                    ? 'Nothing is imported while rows have errors: fix the mapping or leave them out.'
                    : 'All rows go in with one change, or none does.'}
                </span>
                <span className="spacer" />
                <button type="button" className="ghost" onClick={onClose}>
                  Cancel
                </button>
                <button
                  type="button"
                  onClick={() => importing.mutate()}
                  disabled={!target || importing.isPending || p.okCount === 0 || (errorCount > 0 && !skipErrors) || preview.isFetching}
                >
                  {importing.isPending ? 'Importing…' : `Import ${p.okCount} tags`}
                </button>
              </div>
            </>
          )}
        </>
      )}
    </Dialog>
  )
}
