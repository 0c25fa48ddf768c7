import type { InputOf, VisionEvaluateEvent, VisionPrelabelEvent } from '../../../preload/contract'
import type { Handlers, StreamSink } from '../../ipc/handlers'
import { longTask, progressReporter } from '../../ipc/long-task'
import type { VisionModelsService } from './vision-models-service'

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
    'visionModels.evaluate': (
      input: { datasetId: string; model: { name: string; version: number }; includeLabeled: boolean },
      sink: StreamSink<VisionEvaluateEvent>,
    ) =>
      longTask(sink, async (signal) => ({
        kind: 'done' as const,
        evaluation: await service.evaluate(input.datasetId, input.model, { includeLabeled: input.includeLabeled, signal, onProgress: progressReporter(sink) }),
      })),
  } satisfies Partial<Handlers>
}
