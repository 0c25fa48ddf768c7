// File-system pieces shared by the dataset formats: image listing, copying, sizes and the label-file error.
import { type Dirent, constants as fsConstants } from 'node:fs'
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { uprightSize } from '../image-codec'
import { openCheckedFile } from '../../files/checked-file'
import { type ContainedFolder, containedFolder } from '../../files/contained-path'
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

/** Entries of `dir`, or [] when the folder is missing. */
async function entriesOf(dir: string): Promise<Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
}

/**
 * Entries of `dir` of one type, sorted by name so imports are repeatable. Without `root` symbolic links are left out; with it
 * they are followed when they stay inside `root` and refused (UnsafePathError) when they lead out of it.
 */
async function listOfType(
  dir: string,
  type: 'file' | 'directory',
  root: ContainedFolder | undefined,
  accept: (name: string) => boolean,
  onRefused?: (name: string, error: unknown) => void,
): Promise<string[]> {
  const names: string[] = []
  for (const entry of await entriesOf(dir)) {
    if (!accept(entry.name)) continue
    if (type === 'file' ? entry.isFile() : entry.isDirectory()) names.push(entry.name)
    else if (root && entry.isSymbolicLink()) {
      try {
        const target = await root.resolve(path.relative(root.folder, path.join(dir, entry.name)).split(path.sep).join('/'), 'symbolic link')
        const info = await stat(target)
        if (type === 'file' ? info.isFile() : info.isDirectory()) names.push(entry.name)
      } catch (error) {
        // "Import the rest": a link out of the folder (or to nothing) is one entry left out, not the end of the import.
        if (!onRefused) throw error
        onRefused(entry.name, error)
      }
    }
  }
  return names.sort()
}

/** Image files directly inside `dir` (see listOfType for links; `onRefused` takes a refused link instead of throwing); [] if the folder is missing. */
export function listImages(dir: string, root?: ContainedFolder, onRefused?: (name: string, error: unknown) => void): Promise<string[]> {
  return listOfType(dir, 'file', root, isImageFile, onRefused)
}

export function listFolders(dir: string, root?: ContainedFolder): Promise<string[]> {
  return listOfType(dir, 'directory', root, () => true)
}

/** The dataset folder whose entries must stay inside it; a clear error when it is missing. */
export async function datasetFolder(dir: string, formatName: string): Promise<ContainedFolder> {
  return containedFolder(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`${formatName} import: folder ${dir} does not exist — point at the dataset's root folder`)
    throw error
  })
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from a PNG's IHDR (the first 24 bytes); undefined for anything else. */
async function pngHeaderSize(file: string): Promise<{ width: number; height: number } | undefined> {
  const { handle } = await openCheckedFile(file, 'image')
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

/**
 * An image's size from its header: PNGs by their first 24 bytes (an import of 20,000 files checks each), BMPs by theirs,
 * others by sharp, upright by their EXIF orientation;
 * a path that is not a regular image file within the cap is refused first (RefusedFileError).
 */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  const png = await pngHeaderSize(file)
  if (png) return png
  try {
    // Upright: a JPEG whose EXIF says "rotated 90°" is labelled as it is shown, as Ultralytics and CVAT see it.
    return await uprightSize(file)
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
