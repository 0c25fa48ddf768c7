// The process context of exported images as a sidecar JSON: capture time and the tag values snapshotted when each part was made.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { DatasetImage } from '../datasets/annotations'

export const PROCESS_CONTEXT_FILE = 'process-context.json'

/** Writes <outDir>/process-context.json: one entry per exported image, keyed by the image's file name in the dataset. */
export async function writeProcessContext(outDir: string, images: readonly DatasetImage[]): Promise<void> {
  const entries = images.map((image) => ({
    id: image.id,
    file: path.posix.basename(image.file),
    captureTime: image.captureTime ?? null,
    context: image.context,
  }))
  await writeFile(path.join(outDir, PROCESS_CONTEXT_FILE), JSON.stringify({ images: entries }, null, 1) + '\n')
}
