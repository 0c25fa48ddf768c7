import type { InputOf, VisionEvaluateEvent, VisionPrelabelEvent } from '../../preload/contract'
import type { StreamSink } from '../ipc/handlers'
import type { TaskProgress, VisionModelsService } from './vision-models-service'

type ProgressEvent = { kind: 'progress'; done: number; total: number; rate: number; etaMs: number }

/** Progress a few times a second at most, with rate (images/s) and ETA. */
function progressReporter(sink: StreamSink<ProgressEvent>) {
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

/** A long task as a stream: progress, then one `done` event; closing the stream cancels it. */
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

/** The visionModels.* channels, answered by one VisionModelsService. */
export function visionModelsHandlers(service: VisionModelsService) {
  return {
    'visionModels.list': () => service.list(),
    'visionModels.inspect': (input: InputOf<'visionModels.inspect'>) => service.inspect(input.source),
    'visionModels.import': (input: InputOf<'visionModels.import'>) => service.importModel(input),
    'visionModels.delete': (input: InputOf<'visionModels.delete'>) => service.deleteModel(input.name, input.version),
    'visionModels.saveSettings': (input: InputOf<'visionModels.saveSettings'>) => service.saveSettings(input),
    'visionModels.drafts': (input: InputOf<'visionModels.drafts'>) => service.drafts(input.datasetId),
    'visionModels.review': (input: InputOf<'visionModels.review'>) => service.review(input.datasetId, input),
    'visionModels.liveStatus': () => service.liveStatus(),
    'visionModels.setLiveInspection': (input: InputOf<'visionModels.setLiveInspection'>) => service.setLiveInspection(input),
    'visionModels.contextTags': (input: InputOf<'visionModels.contextTags'>) => service.contextTags(input.datasetId),
    'visionModels.setContextTags': (input: InputOf<'visionModels.setContextTags'>) => service.setContextTags(input.datasetId, input.tagIds),
    'visionModels.imageContext': (input: InputOf<'visionModels.imageContext'>) => service.imageContext(input.datasetId, input.imageId),
    'visionModels.prelabel': (input: InputOf<'visionModels.prelabel'>, sink: StreamSink<VisionPrelabelEvent>) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        ...(await service.prelabel(input.datasetId, input.model, { anomalyClassId: input.anomalyClassId, signal, onProgress: progressReporter(sink) })),
      })),
    'visionModels.evaluate': (input: { datasetId: string; model: { name: string; version: number }; includeLabeled: boolean }, sink: StreamSink<VisionEvaluateEvent>) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        evaluation: await service.evaluate(input.datasetId, input.model, { includeLabeled: input.includeLabeled, signal, onProgress: progressReporter(sink) }),
      })),
  }
}
