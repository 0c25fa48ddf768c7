// File-system pieces shared by the dataset formats: image listing, copying, sizes and the label-file error.
import { constants as fsConstants } from 'node:fs'
import { copyFile, mkdir, open, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import type { DatasetImage } from './annotations'

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff']

export interface LongTaskOptions {
  onProgress?: (progress: { done: number; total: number }) => void
  signal?: AbortSignal
}

/** A label file that cannot be read: which file, which line, what is wrong. */
export class LabelFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${problem}`)
    this.name = 'LabelFileError'
  }
}

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())
}

/** Image files directly inside `dir`, sorted by name so imports are repeatable; [] if the folder is missing. */
export async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  return entries
    .filter((e) => e.isFile() && isImageFile(e.name))
    .map((e) => e.name)
    .sort()
}

export async function listFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from a PNG's IHDR (the first 24 bytes); undefined for anything else. */
async function pngHeaderSize(file: string): Promise<{ width: number; height: number } | undefined> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(24)
    const { bytesRead } = await handle.read(head, 0, 24, 0)
    if (bytesRead < 24 || !PNG_SIGNATURE.every((b, i) => head[i] === b) || head.toString('latin1', 12, 16) !== 'IHDR') return undefined
    const width = head.readUInt32BE(16)
    const height = head.readUInt32BE(20)
    return width > 0 && height > 0 ? { width, height } : undefined
  } finally {
    await handle.close()
  }
}

/** An image's size from its header: PNGs by their first 24 bytes (an import of 20,000 files checks each), others by sharp. */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  try {
    const png = await pngHeaderSize(file)
    if (png) return png
    const meta = await sharp(file).metadata()
    if (!meta.width || !meta.height) throw new Error('no width/height in the header')
    return { width: meta.width, height: meta.height }
  } catch (error) {
    throw new Error(`Cannot read the size of image ${file}: ${error instanceof Error ? error.message : String(error)} — replace or remove the file`)
  }
}

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

/** Copies a file, creating its folder; a copy-on-write clone where the file system offers one (Btrfs, XFS, APFS). */
export async function copyInto(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true })
  await copyFile(from, to, fsConstants.COPYFILE_FICLONE)
}

/**
 * Runs `work` for each item with at most `concurrency` in flight, in order of start; stops starting new ones once `signal`
 * aborts or one fails, waits for those in flight, then throws. `onDone` counts finished items.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  options: { signal?: AbortSignal; onDone?: (done: number) => void } = {},
): Promise<void> {
  let next = 0
  let done = 0
  let failure: { error: unknown } | undefined
  const lane = async (): Promise<void> => {
    while (!failure && next < items.length) {
      if (options.signal?.aborted) {
        failure ??= { error: options.signal.reason }
        return
      }
      const index = next++
      try {
        await work(items[index], index)
        options.onDone?.(++done)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane))
  if (failure) throw failure.error
}

/** Exported file names must be unique per folder; two sources named alike would overwrite each other. */
export function uniqueBaseNames(images: readonly DatasetImage[], formatName: string): Map<string, string> {
  const byName = new Map<string, string>()
  const names = new Map<string, string>()
  for (const image of images) {
    const name = path.posix.basename(image.file)
    const clash = byName.get(name)
    if (clash) throw new Error(`${formatName} export: images "${clash}" and "${image.id}" are both named ${name} — rename one of them before exporting`)
    byName.set(name, image.id)
    names.set(image.id, name)
  }
  return names
}

export function stem(file: string): string {
  return path.posix.basename(file, path.posix.extname(file))
}

/** Six decimals, as YOLO tools write, without a trailing "-0". */
export function fixed6(value: number): string {
  const s = value.toFixed(6)
  return s === '-0.000000' ? '0.000000' : s
}
