import type { InputOf, VisionExportAsEvent, VisionExportEvent, VisionImportEvent, VisionTrainEvent } from '../../preload/contract'
import type { StreamSink } from '../ipc/handlers'
import type { TaskProgress, VisionService } from './vision-service'

/** Progress events at most a few times a second, with rate (items/s) and ETA. */
function progressReporter(sink: StreamSink<{ kind: 'progress'; done: number; total: number; rate: number; etaMs: number }>) {
  const started = Date.now()
  let last = 0
  return (p: TaskProgress): void => {
    if (Date.now() - last < 150 && p.done < p.total) return
    last = Date.now()
    const seconds = (Date.now() - started) / 1000
    const rate = seconds > 0 ? p.done / seconds : 0
    sink.emit({ kind: 'progress', done: p.done, total: p.total, rate, etaMs: rate > 0 ? ((p.total - p.done) / rate) * 1000 : 0 })
  }
}

/** Runs a long task as a stream: progress, then one `done` event; closing the stream cancels it. */
function longTask<E>(sink: StreamSink<E>, work: (signal: AbortSignal) => Promise<E>): () => void {
  const cancel = new AbortController()
  work(cancel.signal)
    .then((event) => {
      sink.emit(event)
      sink.end()
    })
    .catch((error: unknown) => sink.end(cancel.signal.aborted ? { code: 'CANCELLED', message: 'Cancelled' } : error))
  return () => cancel.abort()
}

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
