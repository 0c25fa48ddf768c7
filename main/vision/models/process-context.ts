// Process context: the tags whose live values are snapshotted with each captured image (chosen per dataset and kept in
// vision/context-tags.json), an image's context, and the sidecar JSON written beside exported images.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { scalarTagValue, WorkbenchError } from '../../../preload/contract'
import type { DatasetImage } from '../datasets/annotations'
import type { DatasetDoor, LivePort } from './model-ports'

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

/** The context tags of each dataset and the values they carry when an image is taken. */
export class ProcessContextTags {
  constructor(private readonly deps: { root: string; datasets: DatasetDoor; live: LivePort }) {}

  private contextFile(): string {
    return path.join(this.deps.root, 'context-tags.json')
  }

  private async contextSettings(): Promise<Record<string, string[]>> {
    return readFile(this.contextFile(), 'utf8')
      .then((t) => JSON.parse(t) as Record<string, string[]>)
      .catch(() => ({}))
  }

  async contextTags(datasetId: string): Promise<{ datasetId: string; tagIds: string[] }> {
    return { datasetId, tagIds: (await this.contextSettings())[datasetId] ?? [] }
  }

  async setContextTags(datasetId: string, tagIds: string[]): Promise<{ datasetId: string; tagIds: string[] }> {
    await this.deps.datasets.datasetForModels(datasetId)
    const all = await this.contextSettings()
    all[datasetId] = [...new Set(tagIds)]
    await mkdir(this.deps.root, { recursive: true })
    await writeFile(this.contextFile(), JSON.stringify(all, null, 1))
    return { datasetId, tagIds: all[datasetId] }
  }

  /** The chosen tags' live values now, for an image being captured (absent tags are left out). */
  async contextSnapshot(datasetId: string): Promise<Record<string, number | string>> {
    const out: Record<string, number | string> = {}
    for (const tagId of (await this.contextSettings())[datasetId] ?? []) {
      const value = this.deps.live.lastValue(tagId)
      if (value && value.value !== null)
        out[tagId] = typeof value.value === 'boolean' || Array.isArray(value.value) ? String(scalarTagValue(value.value)) : value.value
    }
    return out
  }

  async imageContext(datasetId: string, imageId: string): Promise<{ captureTime: string | null; context: Record<string, number | string> }> {
    const { dataset } = await this.deps.datasets.datasetForModels(datasetId)
    const image = dataset.images.find((i) => i.id === imageId)
    if (!image) throw new WorkbenchError('NOT_FOUND', `Image "${imageId}" is not in dataset "${dataset.name}" — refresh the image list`)
    return { captureTime: image.captureTime ?? null, context: image.context }
  }
}
