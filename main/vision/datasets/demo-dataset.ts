// Writes demo-camera parts to a folder as a labelled dataset, for demos, format tests and anomaly training.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Dataset, DatasetImage } from './annotations'
import type { LongTaskOptions } from './dataset-files'
import { createDemoCamera, type DemoCameraOptions } from '../demo-camera'

export interface DemoDatasetOptions extends DemoCameraOptions, LongTaskOptions {
  count: number
  /** Index of the first frame, so good and defective sets can come from the same camera. */
  first?: number
  /** Sub-folder for the images, relative to the dataset root. */
  imagesFolder?: string
}

export async function writeDemoDataset(root: string, options: DemoDatasetOptions): Promise<Dataset> {
  const camera = createDemoCamera(options)
  const folder = options.imagesFolder ?? 'images'
  await mkdir(path.join(root, folder), { recursive: true })
  const images: DatasetImage[] = []
  const first = options.first ?? 0
  for (let i = 0; i < options.count; i++) {
    options.signal?.throwIfAborted()
    const shot = await camera.capture(first + i)
    const file = `${folder}/part-${String(shot.index).padStart(5, '0')}.png`
    await writeFile(path.join(root, file), shot.png)
    images.push({
      id: `part-${String(shot.index).padStart(5, '0')}`,
      file,
      width: shot.image.width,
      height: shot.image.height,
      captureTime: shot.captureTime,
      context: shot.context,
      labels: {
        classes: [...new Set(shot.boxes.map((b) => b.classId))].sort((a, b) => a - b),
        boxes: shot.boxes.map(({ classId, x, y, w, h }) => ({ classId, x, y, w, h })),
        polygons: [],
        status: 'labeled',
      },
    })
    options.onProgress?.({ done: i + 1, total: options.count })
  }
  return { name: 'demo-camera', classes: [...camera.classNames], images }
}
