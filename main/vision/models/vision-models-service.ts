// The Vision models side as one service for the handlers: the registry and inference settings (registry-service.ts),
// pre-labels and their review (prelabel-service.ts), evaluation on the test split (scored by evaluation/model-evaluation.ts),
// live inspection (live-inspection.ts) and the process-context tags of each dataset (process-context.ts).
import path from 'node:path'
import {
  WorkbenchError,
  type TagInfo,
  type VisionEvaluation,
  type VisionInferenceSettings,
  type VisionLiveInspection,
  type VisionModelRef,
} from '../../../preload/contract'
import { createInferenceWorker, type InferenceWorker } from '../inference/inference-pool'
import type { ItemResult } from '../inference/inference-runner'
import { EVAL_CONFIDENCE_FLOOR, evaluateAnomaly, evaluateClassifier, evaluateDetector } from '../evaluation/model-evaluation'
import { DEMO_INSPECTION_TAGS, LiveInspection, type InspectionTagConfig } from './live-inspection'
import type { DatasetDoor, LivePort, LongTask } from './model-ports'
import { Prelabeling } from './prelabel-service'
import { ProcessContextTags } from './process-context'
import { ModelRegistryService } from './registry-service'
import { isSplittable, splitDataset } from '../datasets/split'

export type { DatasetDoor, LivePort, LongTask, TaskProgress } from './model-ports'

export class VisionModelsService {
  private readonly worker: InferenceWorker
  private readonly liveInspection: LiveInspection
  private readonly registry: ModelRegistryService
  private readonly prelabeling: Prelabeling
  private readonly context: ProcessContextTags

  constructor(
    private readonly options: {
      dataDir: string
      datasets: DatasetDoor
      live: LivePort
      /** Where Inspect live publishes its tags (the line the camera watches); the demo line when omitted. */
      inspectionTags?: InspectionTagConfig
      worker?: InferenceWorker
      platform?: NodeJS.Platform
    },
  ) {
    const root = path.join(options.dataDir, 'vision')
    this.worker = options.worker ?? createInferenceWorker()
    this.registry = new ModelRegistryService({
      root,
      worker: this.worker,
      platform: options.platform ?? process.platform,
      beforeDelete: (name, version) => this.liveInspection.stopIfUsing(name, version),
    })
    this.prelabeling = new Prelabeling({ datasets: options.datasets, registry: this.registry })
    this.context = new ProcessContextTags({ root, datasets: options.datasets, live: options.live })
    this.liveInspection = new LiveInspection({
      tags: options.inspectionTags ?? DEMO_INSPECTION_TAGS,
      model: (ref) => this.registry.model(ref),
      inferFrame: async (model, id, raw) => (await this.registry.infer(model, [{ id, raw }], {}))[0],
      confidenceThreshold: async () => (await this.registry.settings()).confidenceThreshold,
      publish: (values) => options.live.publish(values),
    })
  }

  // ---------- registry and settings ----------

  list: ModelRegistryService['list'] = () => this.registry.list()
  inspect: ModelRegistryService['inspect'] = (source) => this.registry.inspect(source)
  importModel: ModelRegistryService['importModel'] = (input) => this.registry.importModel(input)
  deleteModel: ModelRegistryService['deleteModel'] = (name, version) => this.registry.deleteModel(name, version)
  settings = (): Promise<VisionInferenceSettings> => this.registry.settings()
  saveSettings: ModelRegistryService['saveSettings'] = (settings) => this.registry.saveSettings(settings)

  // ---------- pre-labeling and review ----------

  prelabel: Prelabeling['prelabel'] = (datasetId, ref, options) => this.prelabeling.prelabel(datasetId, ref, options)
  drafts: Prelabeling['drafts'] = (datasetId) => this.prelabeling.drafts(datasetId)
  review: Prelabeling['review'] = (datasetId, decision) => this.prelabeling.review(datasetId, decision)

  // ---------- evaluation ----------

  /** Runs the model over the test split and scores it against the reviewed labels (and labelled ones on request). */
  async evaluate(datasetId: string, ref: VisionModelRef, options: { includeLabeled?: boolean } & LongTask = {}): Promise<VisionEvaluation> {
    const model = await this.registry.model(ref)
    // Images without a split get one (stratified, seed 0): the same images stay the test set from run to run.
    const dataset = await this.options.datasets.editForModels(datasetId, (d) => {
      if (d.images.some((i) => !i.split && isSplittable(i))) {
        const assigned = new Map(splitDataset(d, { seed: 0, keepExisting: true }).images.map((i) => [i.id, i.split]))
        for (const image of d.images) image.split ??= assigned.get(image.id)
      }
      return d
    })
    const { dir } = await this.options.datasets.datasetForModels(datasetId)
    const testSplit = dataset.images.filter((i) => i.split === 'test')
    const truthStatuses = options.includeLabeled ? ['reviewed', 'labeled'] : ['reviewed']
    const test = testSplit.filter((i) => truthStatuses.includes(i.labels.status))
    if (test.length === 0)
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Dataset "${dataset.name}" has ${testSplit.length} test image(s) and none of them is ${truthStatuses.join(' or ')} — review the test images first${options.includeLabeled ? '' : ', or include labelled images'}`,
      )
    const results = await this.registry.infer(
      model,
      test.map((i) => ({ id: i.id, file: path.join(dir, i.file) })),
      options,
      model.kind === 'yolo-detector' ? { confidenceThreshold: EVAL_CONFIDENCE_FLOOR } : {},
    )
    const settings = await this.registry.settings()
    const byId = new Map(test.map((i) => [i.id, i]))
    const scored = results.filter((r) => r.prediction).map((r) => ({ image: byId.get(r.id)!, prediction: r.prediction! }))
    const base = {
      model: { name: model.name, version: model.version },
      kind: model.kind,
      datasetId,
      images: scored.length,
      skipped: testSplit.length - scored.length,
    }
    if (model.kind === 'yolo-detector') return { ...base, ...evaluateDetector(model, dataset, scored, settings.confidenceThreshold) }
    if (model.kind === 'classifier') return { ...base, ...evaluateClassifier(model, dataset, scored) }
    return { ...base, ...evaluateAnomaly(scored) }
  }

  // ---------- process context ----------

  contextTags: ProcessContextTags['contextTags'] = (datasetId) => this.context.contextTags(datasetId)
  setContextTags: ProcessContextTags['setContextTags'] = (datasetId, tagIds) => this.context.setContextTags(datasetId, tagIds)
  contextSnapshot: ProcessContextTags['contextSnapshot'] = (datasetId) => this.context.contextSnapshot(datasetId)
  imageContext: ProcessContextTags['imageContext'] = (datasetId, imageId) => this.context.imageContext(datasetId, imageId)

  // ---------- live inspection ----------

  liveStatus(): VisionLiveInspection {
    return this.liveInspection.status()
  }

  inspectionTags(): readonly TagInfo[] {
    return this.liveInspection.tags()
  }

  setLiveInspection(input: { enabled: boolean; model?: VisionModelRef; intervalMs?: number }): Promise<VisionLiveInspection> {
    return this.liveInspection.set(input)
  }

  async close(): Promise<void> {
    this.liveInspection.stop()
    await this.worker.close()
  }
}

export type { ItemResult }
