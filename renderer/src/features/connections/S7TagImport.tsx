import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { S7TagSource, S7TagSourcePreview } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

/** Files read in the page travel as text; larger ones go by path (the host reads at most 5 MB). */
const MAX_PAGE_READ_BYTES = 5_000_000
const PREVIEW_ROWS = 200

/** `Line_Data=7, Motors=12` → DB numbers by name; undefined when the text does not read that way. */
function parseDbNumbers(text: string): Record<string, number> | undefined {
  const numbers: Record<string, number> = {}
  for (const part of text
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^"?([^"=]+?)"?\s*=\s*(?:DB)?\s*(\d{1,5})$/i.exec(part)
    if (!match) return undefined
    numbers[match[1]!.trim()] = Number(match[2])
  }
  return numbers
}

/** DB source (`.db`) or PLC tag table (`.csv`) from TIA Portal: previewed with the offsets it computes, then imported. */
export function S7TagImport({ connectionId }: { connectionId: string }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [source, setSource] = useState<S7TagSource>()
  const [path, setPath] = useState('')
  const [dbNumbersText, setDbNumbersText] = useState('')
  const [problem, setProblem] = useState<string>()
  const dbNumbers = parseDbNumbers(dbNumbersText)
  const request = (from: S7TagSource) => ({ id: connectionId, source: from, dbNumbers: dbNumbers && Object.keys(dbNumbers).length > 0 ? dbNumbers : undefined })
  const preview = useMutation({ mutationFn: (from: S7TagSource) => client.call('s7.tagSourcePreview', request(from)) })
  const importTags = useMutation({
    mutationFn: () => client.call('s7.tagSourceImport', request(source!)),
    onSuccess: () => {
      preview.reset()
      setSource(undefined)
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    },
  })
  const show = (from: S7TagSource) => {
    setSource(from)
    importTags.reset()
    preview.mutate(from)
  }
  const take = async (file: File | undefined) => {
    if (!file) return
    if (file.size > MAX_PAGE_READ_BYTES) {
      setProblem(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB — a DB source or tag table is far smaller; export only the DBs you need`)
      return
    }
    setProblem(undefined)
    show({ kind: 'text', fileName: file.name, text: await file.text() })
  }
  const data: S7TagSourcePreview | undefined = preview.data
  const fresh = data?.tags.filter((t) => !t.taken).length ?? 0
  return (
    <section aria-label="Import from TIA Portal" className="s7-import">
      <h3>Import tags from TIA Portal</h3>
      <p className="muted small">
        A DB source (&quot;Generate source from blocks&quot;, non-optimized DB) gets its offsets computed; a PLC tag table export saved as CSV keeps its
        addresses. You see the tags before anything is imported.
      </p>
      <div className="toolbar">
        <label className="file-button">
          Choose file…
          <input
            type="file"
            accept=".db,.scl,.awl,.csv,.txt,text/plain"
            aria-label="DB source or tag table file"
            onChange={(e) => void take(e.target.files?.[0])}
          />
        </label>
        <form
          className="toolbar"
          aria-label="Source file path"
          onSubmit={(e) => {
            e.preventDefault()
            if (path.trim()) show({ kind: 'path', path: path.trim() })
          }}
        >
          <label className="inline-label grow">
            or a path on the workstation{' '}
            <input
              type="text"
              aria-label="Source path on the workstation"
              value={path}
              placeholder="/home/me/Line_Data.db"
              onChange={(e) => setPath(e.target.value)}
            />
          </label>
          <button type="submit" disabled={!path.trim()}>
            Preview
          </button>
        </form>
      </div>
      <label className="inline-label">
        DB numbers{' '}
        <input
          type="text"
          className="wide"
          aria-label="DB numbers"
          value={dbNumbersText}
          placeholder="Line_Data=7 (TIA sources name DBs without their number)"
          onChange={(e) => setDbNumbersText(e.target.value)}
        />
      </label>
      {dbNumbers === undefined && <p className="error-text small">DB numbers: write them as Name=number, separated by commas (Line_Data=7, Motors=12).</p>}
      {source && (
        <button type="button" className="ghost" onClick={() => preview.mutate(source)} disabled={preview.isPending || dbNumbers === undefined}>
          Preview again
        </button>
      )}
      {(problem ?? preview.error?.message) && (
        <p role="alert" className="error-text">
          {problem ?? preview.error?.message}
        </p>
      )}
      {data && (
        <div aria-label="Import preview">
          <p>
            {data.fileName}: {data.format === 'db-source' ? 'DB source' : 'PLC tag table'} ·{' '}
            {data.blocks.map((b) => `${b.name} = DB${b.dbNumber}, ${b.size} bytes`).join('; ')}
            {data.blocks.length > 0 && ' · '}
            {data.tags.length} tags, {fresh} new{data.skipped.length > 0 && `, ${data.skipped.length} left out`}
          </p>
          <table className="grid preview-table" aria-label="Tags to import">
            <thead>
              <tr>
                <th>Name</th>
                <th>Address</th>
                <th>Type</th>
                <th>Comment</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.tags.slice(0, PREVIEW_ROWS).map(({ tag, taken }) => (
                <tr key={tag.name} className={taken ? 'muted' : undefined}>
                  <td>{tag.name}</td>
                  <td className="mono">{tag.address}</td>
                  <td>{tag.dataType}</td>
                  <td className="small">{tag.description}</td>
                  <td>{taken ? 'already there' : 'new'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.tags.length > PREVIEW_ROWS && <p className="muted small">… and {data.tags.length - PREVIEW_ROWS} more.</p>}
          {data.skipped.length > 0 && (
            <ul aria-label="Left out" className="small warn-text">
              {data.skipped.map((s) => (
                <li key={`${s.line ?? ''}${s.name}`}>
                  {s.line !== undefined && `line ${s.line}: `}
                  {s.name || '(no name)'} — {s.reason}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => importTags.mutate()} disabled={importTags.isPending || fresh === 0}>
            {fresh === 0 ? 'Nothing new to import' : `Import ${fresh} tags`}
          </button>
        </div>
      )}
      {importTags.isError && (
        <p role="alert" className="error-text">
          {importTags.error.message}
        </p>
      )}
      {importTags.data && (
        <p role="status" className="check-ok">
          Imported {importTags.data.imported} tags{importTags.data.skipped > 0 && ` (${importTags.data.skipped} left out)`}.
        </p>
      )}
    </section>
  )
}
