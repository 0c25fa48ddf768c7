import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { WorkbenchError, type S7TagConfig, type S7TagSource, type S7TagSourcePreview } from '../../../preload/contract'
import { DbSourceError, parseDbSource } from './db-source'
import { parseTagTable, TagTableError } from './tag-table'

// A DB source or PLC tag table as the S7 import reads it: from a path (a regular file of at most MAX_TAG_SOURCE_BYTES) or
// from text the page read, then turned into the tags the connection would get, with what is left out and why.

/** A DB source of a few thousand variables is a few hundred kB; anything this large is not one. */
export const MAX_TAG_SOURCE_BYTES = 5_000_000

export interface S7TagSourceFile {
  fileName: string
  text: string
}

/** The file's text; a path must name a regular file no larger than the cap (no device, pipe or folder). */
export async function readS7TagSource(source: S7TagSource): Promise<S7TagSourceFile> {
  if (source.kind === 'text') return { fileName: source.fileName || 'pasted text', text: source.text }
  let handle
  try {
    handle = await open(source.path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new WorkbenchError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT',
      `S7 tag import ${source.path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message} — check the path`,
    )
  }
  try {
    // Checked on the opened handle, so the file read is the file checked.
    const info = await handle.stat()
    if (!info.isFile())
      throw new WorkbenchError('INVALID_INPUT', `S7 tag import ${source.path}: not a regular file — give the path of a .db source or a tag table .csv`)
    if (info.size > MAX_TAG_SOURCE_BYTES) {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `S7 tag import ${source.path}: ${(info.size / 1e6).toFixed(1)} MB is more than a DB source or tag table can be (at most ${MAX_TAG_SOURCE_BYTES / 1e6} MB) — export only the DBs you need`,
      )
    }
    return { fileName: basename(source.path), text: await handle.readFile('utf8') }
  } finally {
    await handle.close()
  }
}

/** A DB source has DATA_BLOCK in it; anything else is read as a TIA Portal tag table. */
export function isDbSource(text: string): boolean {
  return /\bDATA_BLOCK\b/i.test(text)
}

/** The tags a file becomes (nothing is imported); `takenNames` are the connection's tag names already in use. */
export function previewS7TagSource(
  file: S7TagSourceFile,
  takenNames: ReadonlySet<string>,
  dbNumbers: Readonly<Record<string, number>> = {},
): S7TagSourcePreview {
  const entry = (tag: S7TagConfig) => ({ tag, taken: takenNames.has(tag.name) })
  try {
    if (isDbSource(file.text)) {
      const layouts = parseDbSource(file.text, dbNumbers)
      return {
        fileName: file.fileName,
        format: 'db-source',
        blocks: layouts.map((l) => ({ name: l.name, dbNumber: l.dbNumber, size: l.size })),
        // The DB's name leads the tag name: two DBs of one file may both have a `Speed`.
        tags: layouts.flatMap((layout) =>
          layout.tags.map((t) =>
            entry({
              name: `${layout.name}.${t.name}`,
              path: t.path,
              address: t.address,
              dataType: t.dataType,
              access: 'read',
              ...(t.comment ? { description: t.comment.slice(0, 500) } : {}),
            }),
          ),
        ),
        skipped: layouts.flatMap((layout) =>
          layout.skipped.map((s) => ({ name: `${layout.name}.${s.name}`, reason: `${s.declaredType} at byte ${s.offset}: ${s.reason}` })),
        ),
      }
    }
    const table = parseTagTable(file.text)
    return {
      fileName: file.fileName,
      format: 'tag-table',
      blocks: [],
      tags: table.tags.map((t) =>
        entry({
          name: t.name,
          path: t.path,
          address: t.address,
          dataType: t.dataType,
          access: 'read',
          ...(t.comment ? { description: t.comment.slice(0, 500) } : {}),
        }),
      ),
      skipped: table.problems.map((p) => ({ name: p.name, reason: p.problem, line: p.line })),
    }
  } catch (error) {
    if (error instanceof DbSourceError || error instanceof TagTableError) {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `S7 tag import ${file.fileName}: ${error.message}`,
        error instanceof DbSourceError ? { line: error.line } : undefined,
      )
    }
    throw error
  }
}
