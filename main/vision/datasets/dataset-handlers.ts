import {
  WorkbenchError,
  type InputOf,
  type VisionExportAsEvent,
  type VisionExportEvent,
  type VisionImportEvent,
  type VisionTrainEvent,
} from '../../../preload/contract'
import type { Handlers, StreamSink } from '../../ipc/handlers'
import { longTask, progressReporter } from '../../ipc/long-task'
import type { VisionService } from './dataset-service'

/**
 * Long tasks the UI started with a job id, so `vision.cancelJob` can stop one while its stream stays open: the person then
 * hears how it really ended — CANCELLED once the staged files are gone, or the result if it finished first.
 */
function jobRegistry() {
  const running = new Map<string, AbortController>()
  return {
    cancel(jobId: string): { cancelled: boolean } {
      const job = running.get(jobId)
      job?.abort()
      return { cancelled: !!job }
    },
    run<E>(sink: StreamSink<E>, jobId: string | undefined, what: string, work: (signal: AbortSignal) => Promise<E>): () => void {
      return longTask(sink, async (closed) => {
        if (!jobId) return work(closed)
        // The same id again is the UI re-opening its stream after a reconnect: the old run (already told to stop) gives way.
        running.get(jobId)?.abort()
        const job = new AbortController()
        running.set(jobId, job)
        try {
          return await work(AbortSignal.any([closed, job.signal]))
        } catch (error) {
          if (job.signal.aborted && !closed.aborted) throw new WorkbenchError('CANCELLED', `${what} cancelled — nothing was written`)
          throw error
        } finally {
          if (running.get(jobId) === job) running.delete(jobId)
        }
      })
    },
  }
}

/** The vision.* channels of the contract, answered by one VisionService. */
export function visionHandlers(service: VisionService) {
  const jobs = jobRegistry()
  return {
    'vision.datasets': () => service.listDatasets(),
    'vision.createDataset': (input: InputOf<'vision.createDataset'>) => service.createDataset(input.name),
    'vision.addDemoImages': (input: { datasetId: string; count: number; keepLabels: boolean }) =>
      service.addDemoImages(input.datasetId, input.count, input.keepLabels),
    'vision.images': (input: InputOf<'vision.images'>) => service.listImages(input.datasetId, input.status),
    'vision.imageIndex': (input: InputOf<'vision.imageIndex'>) => service.imageIndex(input.datasetId, input.filter),
    'vision.imagesById': (input: InputOf<'vision.imagesById'>) => service.imagesById(input.datasetId, input.imageIds),
    'vision.thumbnails': (input: InputOf<'vision.thumbnails'>) => service.thumbnails(input.datasetId, input.imageIds),
    'vision.image': (input: InputOf<'vision.image'>) => service.fullImage(input.datasetId, input.imageId),
    'vision.saveLabels': (input: InputOf<'vision.saveLabels'>) => service.saveLabels(input.datasetId, input.imageId, input),
    'vision.split': (input: InputOf<'vision.split'>) => service.split(input.datasetId, input),
    'vision.datasetSettings': (input: InputOf<'vision.datasetSettings'>) => service.setImageClassMode(input.datasetId, input.imageClassMode),
    'vision.runAnomaly': (input: InputOf<'vision.runAnomaly'>) => service.runAnomaly(input.datasetId, input.imageId),
    'vision.cancelJob': (input: InputOf<'vision.cancelJob'>) => jobs.cancel(input.jobId),
    'vision.exportYolo': (input: { datasetId: string; jobId?: string }, sink: StreamSink<VisionExportEvent>) =>
      jobs.run(sink, input.jobId, 'YOLO export', async (signal) => ({
        kind: 'done' as const,
        ...(await service.exportYolo(input.datasetId, { signal, onProgress: progressReporter(sink) })),
      })),
    'vision.exportAs': (
      input: {
        datasetId: string
        format: 'yolo' | 'coco' | 'voc' | 'class-folders'
        dir?: string
        backgroundClass?: string
        segments?: boolean
        jobId?: string
      },
      sink: StreamSink<VisionExportAsEvent>,
    ) =>
      jobs.run(sink, input.jobId, 'Export', async (signal) => ({
        kind: 'done' as const,
        ...(await service.exportAs(input.datasetId, input.format, {
          ...(input.dir ? { dir: input.dir } : {}),
          ...(input.backgroundClass ? { backgroundClass: input.backgroundClass } : {}),
          ...(input.segments ? { segments: true } : {}),
          signal,
          onProgress: progressReporter(sink),
        })),
      })),
    'vision.import': (
      input: { format: 'yolo' | 'coco' | 'voc' | 'class-folders'; dir: string; name: string; importRest?: boolean; jobId?: string },
      sink: StreamSink<VisionImportEvent>,
    ) =>
      jobs.run(sink, input.jobId, 'Import', async (signal) => {
        const { skipped, ...dataset } = await service.importDataset(input.format, input.dir, input.name, {
          signal,
          onProgress: progressReporter(sink),
          importRest: input.importRest,
        })
        return { kind: 'done' as const, dataset, skipped: skipped.slice(0, 200), skippedCount: skipped.length }
      }),
    'vision.trainAnomaly': (input: { datasetId: string; jobId?: string }, sink: StreamSink<VisionTrainEvent>) =>
      jobs.run(sink, input.jobId, 'Training', async (signal) => ({
        kind: 'done' as const,
        ...(await service.trainAnomaly(input.datasetId, { signal, onProgress: progressReporter(sink) })),
      })),
  } satisfies Partial<Handlers>
}
