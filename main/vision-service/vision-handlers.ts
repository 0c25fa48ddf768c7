import type { InputOf, VisionExportAsEvent, VisionExportEvent, VisionImportEvent, VisionTrainEvent } from '../../preload/contract'
import type { StreamSink } from '../ipc/handlers'
import { longTask, progressReporter } from '../ipc/long-task'
import type { VisionService } from './vision-service'

/** The vision.* channels of the contract, answered by one VisionService. */
export function visionHandlers(service: VisionService) {
  return {
    'vision.datasets': () => service.listDatasets(),
    'vision.createDataset': (input: InputOf<'vision.createDataset'>) => service.createDataset(input.name),
    'vision.addDemoImages': (input: { datasetId: string; count: number; keepLabels: boolean }) =>
      service.addDemoImages(input.datasetId, input.count, input.keepLabels),
    'vision.images': (input: InputOf<'vision.images'>) => service.listImages(input.datasetId, input.status),
    'vision.thumbnails': (input: InputOf<'vision.thumbnails'>) => service.thumbnails(input.datasetId, input.imageIds),
    'vision.image': (input: InputOf<'vision.image'>) => service.fullImage(input.datasetId, input.imageId),
    'vision.saveLabels': (input: InputOf<'vision.saveLabels'>) => service.saveLabels(input.datasetId, input.imageId, input),
    'vision.datasetSettings': (input: InputOf<'vision.datasetSettings'>) => service.setImageClassMode(input.datasetId, input.imageClassMode),
    'vision.runAnomaly': (input: InputOf<'vision.runAnomaly'>) => service.runAnomaly(input.datasetId, input.imageId),
    'vision.exportYolo': (input: { datasetId: string }, sink: StreamSink<VisionExportEvent>) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        ...(await service.exportYolo(input.datasetId, { signal, onProgress: progressReporter(sink) })),
      })),
    'vision.exportAs': (
      input: { datasetId: string; format: 'yolo' | 'coco' | 'voc' | 'class-folders'; dir?: string; backgroundClass?: string },
      sink: StreamSink<VisionExportAsEvent>,
    ) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        ...(await service.exportAs(input.datasetId, input.format, {
          ...(input.dir ? { dir: input.dir } : {}),
          ...(input.backgroundClass ? { backgroundClass: input.backgroundClass } : {}),
          signal,
          onProgress: progressReporter(sink),
        })),
      })),
    'vision.import': (input: { format: 'yolo' | 'coco' | 'voc' | 'class-folders'; dir: string; name: string }, sink: StreamSink<VisionImportEvent>) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        dataset: await service.importDataset(input.format, input.dir, input.name, { signal, onProgress: progressReporter(sink) }),
      })),
    'vision.trainAnomaly': (input: { datasetId: string }, sink: StreamSink<VisionTrainEvent>) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        ...(await service.trainAnomaly(input.datasetId, { signal, onProgress: progressReporter(sink) })),
      })),
  }
}
