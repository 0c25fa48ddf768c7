// What the models side needs from the rest of the app: the dataset side's door, the live bus, and a long task's hooks.
import type { TagValue, VisionImageClassMode } from '../../../preload/contract'
import type { Dataset } from '../datasets/annotations'

export interface TaskProgress {
  done: number
  total: number
}

export interface LongTask {
  onProgress?: (progress: TaskProgress) => void
  signal?: AbortSignal
}

/** The dataset side (VisionService) as this service needs it. */
export interface DatasetDoor {
  datasetForModels(datasetId: string): Promise<{ dataset: Dataset; dir: string; imageClassMode: VisionImageClassMode }>
  editForModels<T>(datasetId: string, edit: (dataset: Dataset, settings: { imageClassMode: VisionImageClassMode }) => T): Promise<T>
}

/** The live bus as this service needs it: publish inspection results, read values for process context. */
export interface LivePort {
  publish(values: TagValue[]): void
  lastValue(tagId: string): TagValue | undefined
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))
