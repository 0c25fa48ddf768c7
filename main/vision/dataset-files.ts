// File-system pieces shared by the dataset formats: image listing, copying, sizes and the label-file error.
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises'
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

export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  try {
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

export async function copyInto(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true })
  await copyFile(from, to)
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
