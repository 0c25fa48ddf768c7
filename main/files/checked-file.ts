// The one way a file named by the user is read: only regular files, each kind under its own size cap, and never an open()
// that waits on a FIFO (a blocked open holds one of libuv's four file threads for good) or a device that never ends.
import { constants as fsConstants, type Stats } from 'node:fs'
import { type FileHandle, open, stat } from 'node:fs/promises'
import { WorkbenchError } from '../../preload/contract'

/** The kinds of files the workbench reads from paths a person gives, each with the cap a real one stays far below. */
export const FILE_KINDS = {
  tagCsv: { label: 'Tag CSV', cap: 20_000_000, hint: 'split it into files of at most 20 MB' },
  cocoAnnotations: { label: 'COCO annotations file', cap: 500_000_000, hint: 'split the dataset into several COCO files' },
  datasetFile: { label: 'Dataset file', cap: 500_000_000, hint: 'split the dataset into several datasets' },
  labelFile: { label: 'Label file', cap: 16_000_000, hint: 'a label, list or class file of this size is not a dataset file — check the path' },
  image: { label: 'Image', cap: 200_000_000, hint: 'downscale or crop it before importing' },
  model: { label: 'Model file', cap: 1_000_000_000, hint: 'export a smaller model (fewer parameters, FP16) to ONNX' },
  namesFile: { label: 'Names file', cap: 4_000_000, hint: 'a names file holds one class name per line — check the path' },
  certificate: { label: 'Certificate or key file', cap: 1_000_000, hint: 'a PEM certificate, bundle or key is far smaller — check the path' },
} as const satisfies Record<string, { label: string; cap: number; hint: string }>

export type FileKind = keyof typeof FILE_KINDS

export type RefusedFileRule = 'missing' | 'not-regular' | 'too-large' | 'unreadable'

export interface RefusedFileDetails {
  file: string
  kind: FileKind
  rule: RefusedFileRule
  /** What the path is when it is not a regular file: "folder", "FIFO (named pipe)", "character device"… */
  type?: string
  size?: number
  cap?: number
}

/** A path refused before or instead of reading it; NOT_FOUND when it is missing, INVALID_INPUT otherwise. */
export class RefusedFileError extends WorkbenchError {
  declare readonly details: RefusedFileDetails

  constructor(message: string, details: RefusedFileDetails) {
    super(details.rule === 'missing' ? 'NOT_FOUND' : 'INVALID_INPUT', message, details)
    this.name = 'RefusedFileError'
  }
}

/** Bytes as a person reads them (decimal units, as file managers on most systems show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`
}

function typeOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}

function refuseUnlessRegular(file: string, kind: FileKind, info: Stats): void {
  const { label, cap, hint } = FILE_KINDS[kind]
  if (!info.isFile()) {
    const type = typeOf(info)
    throw new RefusedFileError(`${label} ${file} is ${type}, not a regular file — give the path of the file itself`, { file, kind, rule: 'not-regular', type })
  }
  if (info.size > cap)
    throw new RefusedFileError(`${label} ${file} is ${formatBytes(info.size)}, over the ${formatBytes(cap)} limit for this kind of file — ${hint}`, {
      file,
      kind,
      rule: 'too-large',
      size: info.size,
      cap,
    })
}

// O_NONBLOCK: open() on a FIFO returns at once instead of waiting for a writer; O_NOCTTY: a terminal never becomes ours.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOCTTY ?? 0)

/**
 * Opens `file` for reading once it is known to be a regular file within its kind's cap: stat first (opening some devices
 * does something), then open without blocking and fstat the handle, so a path swapped in between is caught as well.
 */
export async function openCheckedFile(file: string, kind: FileKind): Promise<{ handle: FileHandle; size: number }> {
  const { label } = FILE_KINDS[kind]
  const failed = (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RefusedFileError(`${label} ${file}: no such file — check the path`, { file, kind, rule: 'missing' })
    throw new RefusedFileError(`${label} ${file} cannot be read (${code ?? (error as Error).message}) — check the path and its permissions`, {
      file,
      kind,
      rule: 'unreadable',
    })
  }
  refuseUnlessRegular(file, kind, await stat(file).catch(failed))
  const handle = await open(file, OPEN_FLAGS).catch(failed)
  try {
    const info = await handle.stat()
    refuseUnlessRegular(file, kind, info)
    return { handle, size: info.size }
  } catch (error) {
    await handle.close()
    throw error
  }
}

/** Checks without reading, for files handed to a library that opens them itself (sharp, copyFile). */
export async function checkFile(file: string, kind: FileKind): Promise<number> {
  const { handle, size } = await openCheckedFile(file, kind)
  await handle.close()
  return size
}

/** The whole file, at most the size fstat gave (a file still growing is read as it was when opened). */
export async function readCheckedFile(file: string, kind: FileKind): Promise<Buffer> {
  const { handle, size } = await openCheckedFile(file, kind)
  try {
    const bytes = Buffer.allocUnsafe(size)
    let filled = 0
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return bytes.subarray(0, filled)
  } finally {
    await handle.close()
  }
}

export async function readCheckedText(file: string, kind: FileKind): Promise<string> {
  return (await readCheckedFile(file, kind)).toString('utf8')
}
