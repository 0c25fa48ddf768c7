// The Vision models side: registry of imported ONNX models, inference settings, pre-labels and their review, evaluation on
// the test split, live inspection of demo-camera frames published as tags, and the process-context tags of each dataset.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import {
  WorkbenchError,
  type TagInfo,
  type TagValue,
  type VisionDraft,
  type VisionDraftKind,
  type VisionEvaluation,
  type VisionImageClassMode,
  type VisionInferenceSettings,
  type VisionLiveInspection,
  type VisionMistake,
  type VisionModel,
  type VisionModelKind,
  type VisionModelRef,
  type VisionModelSource,
  type VisionTensorInfo,
} from '../../../preload/contract'
import { type Box, type ClassDraft, classDraftsOf, type Dataset, type DatasetImage } from '../datasets/annotations'
import { createDemoCamera } from '../demo-camera'
import { createInferenceWorker, type InferenceWorker } from '../inference/inference-pool'
import { DEFAULT_INFERENCE_SETTINGS, type ItemResult, type Prediction } from '../inference/inference-runner'
import { averagePrecision, evaluateDetections, type EvaluationImage, precisionRecallCurve } from '../evaluation/metrics'
import { describeOnnxModel, ModelImportError } from './model-description'
import { createModelRegistry, type ModelRegistry, type RegisteredModel } from './model-registry'
import { iou } from '../inference/nms'
import { readModelMetadata } from './onnx-graph'
import { splitDataset } from '../datasets/split'

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

export const INSPECTION_TAGS = {
  result: 'Line1.Inspection.Result',
  score: 'Line1.Inspection.Score',
  className: 'Line1.Inspection.Class',
  rejectCount: 'Line1.Inspection.RejectCount',
  inspectedCount: 'Line1.Inspection.InspectedCount',
} as const

/** The inspection results as tags of the tag model, so the Tags view, Trends and OEE settings list them like any other once Inspect live has run. */
export const INSPECTION_TAG_INFO: readonly TagInfo[] = (
  [
    ['result', 'Result', 'string', undefined, 'Last inspected part: pass or fail'],
    ['score', 'Score', 'float64', undefined, "Model score of the last inspected part (anomaly score or the top detection's confidence)"],
    ['className', 'Class', 'string', undefined, 'Class of the worst finding on the last part (good when it passed)'],
    ['rejectCount', 'RejectCount', 'uint32', 'parts', 'Parts failed since Inspect live was switched on (usable as an OEE reject counter)'],
    ['inspectedCount', 'InspectedCount', 'uint32', 'parts', 'Parts inspected since Inspect live was switched on'],
  ] as const
).map(([key, name, dataType, unit, description]) => ({
  id: INSPECTION_TAGS[key],
  name: `Inspection.${name}`,
  path: ['Acme', 'Plant1', 'Packaging', 'Line1', 'Inspection'],
  connectionId: 'vision',
  address: INSPECTION_TAGS[key],
  dataType,
  ...(unit ? { unit } : {}),
  access: 'read' as const,
  description,
}))

/** Evaluation keeps every box down to this score, so AP sees the whole precision/recall curve (as Ultralytics val does). */
const EVAL_CONFIDENCE_FLOOR = 0.001
const MAX_MISTAKES = 24
const PR_POINTS = 200

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Model classes → dataset class ids, by name (case-insensitive); by index only when no name matches at all (class0, class1…). */
export function mapClasses(modelClasses: readonly string[], datasetClasses: readonly string[]): (number | undefined)[] {
  const byName = new Map(datasetClasses.map((name, i) => [name.toLowerCase(), i]))
  const mapped = modelClasses.map((name) => byName.get(name.toLowerCase()))
  if (mapped.every((m) => m === undefined)) return modelClasses.map((_, i) => (i < datasetClasses.length ? i : undefined))
  return mapped
}

function thinCurve(recall: number[], precision: number[]): { recall: number[]; precision: number[] } {
  if (recall.length <= PR_POINTS) return { recall, precision }
  const step = recall.length / PR_POINTS
  const keep = Array.from({ length: PR_POINTS }, (_, i) => Math.floor(i * step)).concat(recall.length - 1)
  return { recall: keep.map((i) => recall[i]), precision: keep.map((i) => precision[i]) }
}

export class VisionModelsService {
  private readonly root: string
  private readonly registry: ModelRegistry
  private readonly worker: InferenceWorker
  private settingsCache: VisionInferenceSettings | undefined
  private inspectionTagsListed = false
  private live: (VisionLiveInspection & { timer?: NodeJS.Timeout; busy: boolean }) | undefined
  private readonly platform: NodeJS.Platform

  constructor(private readonly options: { dataDir: string; datasets: DatasetDoor; live: LivePort; worker?: InferenceWorker; platform?: NodeJS.Platform }) {
    this.root = path.join(options.dataDir, 'vision')
    this.registry = createModelRegistry(path.join(this.root, 'models'))
    this.worker = options.worker ?? createInferenceWorker()
    this.platform = options.platform ?? process.platform
  }

  // ---------- registry ----------

  async list(): Promise<{ models: VisionModel[]; settings: VisionInferenceSettings; providers: ('cpu' | 'dml')[] }> {
    const models = await Promise.all((await this.registry.list()).map((m) => this.toContract(m)))
    return { models, settings: await this.settings(), providers: this.providers() }
  }

  private providers(): ('cpu' | 'dml')[] {
    return this.platform === 'win32' ? ['cpu', 'dml'] : ['cpu']
  }

  /** Paths are used as they are; dropped bytes are written under vision/uploads first. */
  private async resolveSource(source: VisionModelSource): Promise<{ file: string; fileName: string }> {
    if ('path' in source) {
      const file = path.resolve(source.path)
      const info = await stat(file).catch(() => undefined)
      if (!info?.isFile()) throw new WorkbenchError('INVALID_INPUT', `Model file ${file} does not exist or is not a file — check the path`)
      return { file, fileName: path.basename(file) }
    }
    const fileName = path.basename(source.upload.fileName).replace(/[^A-Za-z0-9._-]+/g, '_') || 'model.onnx'
    const dir = path.join(this.root, 'uploads')
    await mkdir(dir, { recursive: true })
    const file = path.join(dir, fileName)
    await writeFile(file, Buffer.from(source.upload.base64, 'base64'))
    return { file, fileName }
  }

  async inspect(source: VisionModelSource): Promise<{
    fileName: string
    inputs: VisionTensorInfo[]
    outputs: VisionTensorInfo[]
    detectedKind: VisionModelKind | null
    problem: string | null
    classNames: string[]
    metadata: Record<string, string>
  }> {
    const { file, fileName } = await this.resolveSource(source)
    const bytes = await readFile(file)
    let session: ort.InferenceSession
    let metadata: Record<string, string>
    try {
      metadata = readModelMetadata(bytes).metadata
      session = await ort.InferenceSession.create(bytes)
    } catch (error) {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Model ${fileName}: not a usable ONNX model (${errorText(error).split('\n')[0]}) — export the model to ONNX (e.g. "yolo export format=onnx") and import the .onnx file`,
      )
    }
    const io = signatureOf(session)
    await session.release()
    let detectedKind: VisionModelKind | null = null
    let problem: string | null = null
    let classNames: string[] = []
    try {
      const described = await describeOnnxModel(bytes, fileName)
      await described.session.release()
      detectedKind = described.description.kind
      classNames = described.description.classNames
    } catch (error) {
      problem = errorText(error)
    }
    return { fileName, ...io, detectedKind, problem, classNames, metadata }
  }

  async importModel(input: { source: VisionModelSource; name?: string; kind?: VisionModelKind; namesFile?: string }): Promise<VisionModel> {
    const { file, fileName } = await this.resolveSource(input.source)
    const name =
      input.name ??
      (fileName
        .replace(/\.onnx$/i, '')
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 64) ||
        'model')
    try {
      const model = await this.registry.importModel(file, { name, kind: input.kind, namesFile: input.namesFile })
      const session = await ort.InferenceSession.create(model.file)
      await writeFile(path.join(path.dirname(model.file), 'signature.json'), JSON.stringify(signatureOf(session), null, 1))
      await session.release()
      return await this.toContract(model)
    } catch (error) {
      if (error instanceof ModelImportError || /names file/i.test(errorText(error))) throw new WorkbenchError('INVALID_INPUT', errorText(error))
      throw error
    }
  }

  async deleteModel(name: string, version?: number): Promise<{ deleted: number }> {
    const versions = (await this.registry.list()).filter((m) => m.name === name && (version === undefined || m.version === version))
    if (versions.length === 0)
      throw new WorkbenchError('NOT_FOUND', `Model "${name}"${version ? ` version ${version}` : ''} is not in the registry — refresh the model list`)
    if (this.live?.running && this.live.model?.name === name && (version === undefined || this.live.model.version === version)) this.stopLive()
    for (const model of versions) {
      this.worker.release(model.file)
      await rm(path.dirname(model.file), { recursive: true, force: true })
    }
    if (version === undefined) await rm(path.join(this.root, 'models', name), { recursive: true, force: true })
    return { deleted: versions.length }
  }

  private async model(ref: VisionModelRef): Promise<RegisteredModel> {
    try {
      return await this.registry.get(ref.name, ref.version)
    } catch (error) {
      throw new WorkbenchError('NOT_FOUND', errorText(error))
    }
  }

  private async toContract(model: RegisteredModel): Promise<VisionModel> {
    const dir = path.dirname(model.file)
    const signature = await readFile(path.join(dir, 'signature.json'), 'utf8')
      .then((t) => JSON.parse(t) as { inputs: VisionTensorInfo[]; outputs: VisionTensorInfo[] })
      .catch(() => ({
        inputs: [{ name: model.inputName, type: 'float32', shape: model.inputShape }],
        outputs: model.outputNames.map((name, i) => ({ name, type: 'float32', shape: model.outputShapes[i] ?? [] })),
      }))
    const size = await stat(model.file).then(
      (s) => s.size,
      () => 0,
    )
    return {
      name: model.name,
      version: model.version,
      kind: model.kind,
      ...signature,
      inputSize: model.inputSize,
      classNames: model.classNames,
      metadata: model.metadata,
      importedAt: model.importedAt,
      sourceFile: model.sourceFile,
      sha256: model.sha256,
      sizeBytes: size,
    }
  }

  // ---------- settings ----------

  async settings(): Promise<VisionInferenceSettings> {
    if (this.settingsCache) return this.settingsCache
    const stored = await readFile(path.join(this.root, 'model-settings.json'), 'utf8')
      .then((t) => JSON.parse(t) as Partial<VisionInferenceSettings>)
      .catch(() => ({}))
    this.settingsCache = { ...DEFAULT_INFERENCE_SETTINGS, ...stored }
    return this.settingsCache
  }

  async saveSettings(settings: VisionInferenceSettings): Promise<VisionInferenceSettings> {
    if (!this.providers().includes(settings.executionProvider))
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Execution provider ${settings.executionProvider.toUpperCase()} is not available on ${this.platform} — DirectML needs Windows; use CPU`,
      )
    await mkdir(this.root, { recursive: true })
    await writeFile(path.join(this.root, 'model-settings.json'), JSON.stringify(settings, null, 1))
    this.settingsCache = { ...settings }
    return this.settingsCache
  }

  private async infer(
    model: RegisteredModel,
    items: { id: string; file?: string; raw?: { width: number; height: number; data: Uint8Array } }[],
    task: LongTask,
    overrides: Partial<VisionInferenceSettings> = {},
  ) {
    const settings = { ...(await this.settings()), ...overrides }
    return this.worker.run({ modelFile: model.file, description: model, items, settings }, { signal: task.signal, onProgress: task.onProgress })
  }

  // ---------- pre-labeling and review ----------

  /**
   * Runs a model over the unlabeled images and writes its predictions as drafts: a detector's boxes, an anomaly model's hot
   * region as one box, a classifier's image-level classes (single-label datasets: the top class; multi-label: every class at
   * or above the confidence threshold). A new run replaces the earlier drafts of the same kind; confirmed labels stay.
   */
  async prelabel(
    datasetId: string,
    ref: VisionModelRef,
    options: { anomalyClassId?: number } & LongTask = {},
  ): Promise<{ images: number; drafts: number; unmatched: string[]; failed: { imageId: string; error: string }[] }> {
    const model = await this.model(ref)
    const { dataset, dir, imageClassMode } = await this.options.datasets.datasetForModels(datasetId)
    const todo = dataset.images.filter((i) => i.labels.status === 'unlabeled')
    if (todo.length === 0) throw new WorkbenchError('INVALID_INPUT', `Dataset "${dataset.name}" has no unlabeled images to pre-label`)
    const anomalyClass = options.anomalyClassId ?? 0
    if (model.kind === 'anomaly' && anomalyClass >= dataset.classes.length)
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Class ${anomalyClass} is not one of the ${dataset.classes.length} classes of "${dataset.name}" — pick one of them`,
      )
    const classMap = mapClasses(model.classNames, dataset.classes)
    const threshold = (await this.settings()).confidenceThreshold
    const unmatched = new Set<string>()
    const failed: { imageId: string; error: string }[] = []
    const results = await this.infer(
      model,
      todo.map((i) => ({ id: i.id, file: path.join(dir, i.file) })),
      options,
    )
    const drafts = new Map<string, Box[]>()
    const classDrafts = new Map<string, ClassDraft[]>()
    for (const result of results) {
      if (!result.prediction) {
        failed.push({ imageId: result.id, error: result.error ?? 'no prediction' })
        continue
      }
      const p = result.prediction
      const boxes: Box[] = []
      if (p.kind === 'classifier') {
        const proposed =
          imageClassMode === 'single'
            ? [{ modelClass: p.classId, confidence: p.confidence }]
            : p.probabilities.map((confidence, modelClass) => ({ modelClass, confidence })).filter((c) => c.confidence >= threshold)
        const byClass = new Map<number, ClassDraft>()
        for (const { modelClass, confidence } of proposed) {
          const classId = classMap[modelClass]
          if (classId === undefined) unmatched.add(model.classNames[modelClass] ?? `class${modelClass}`)
          else if ((byClass.get(classId)?.confidence ?? -1) < confidence) byClass.set(classId, { classId, confidence: Math.min(1, Math.max(0, confidence)) })
        }
        classDrafts.set(
          result.id,
          [...byClass.values()].sort((a, b) => b.confidence - a.confidence),
        )
        continue
      }
      if (p.kind === 'yolo-detector')
        for (const b of p.boxes) {
          const classId = classMap[b.classId]
          if (classId === undefined) unmatched.add(b.className)
          else boxes.push({ classId, x: b.x, y: b.y, w: b.w, h: b.h, confidence: b.confidence, draft: true })
        }
      else if (p.kind === 'anomaly' && p.anomalous && p.region) {
        // The score is a distance, not a probability: its ratio to the threshold, capped at 1, stands in as confidence.
        const confidence = Math.min(1, Math.max(0, 1 - p.threshold / (2 * p.score)))
        boxes.push({ classId: anomalyClass, ...p.region, confidence, draft: true })
      }
      drafts.set(result.id, boxes)
    }
    const written = await this.options.datasets.editForModels(datasetId, (d) => {
      let count = 0
      for (const image of d.images) {
        if (image.labels.status !== 'unlabeled') continue
        const boxes = drafts.get(image.id)
        if (boxes) {
          const clipped = boxes.map((b) => clipBox(b, image)).filter((b): b is Box => b !== undefined)
          // A new run replaces the drafts of an earlier one; confirmed boxes stay.
          image.labels.boxes = [...image.labels.boxes.filter((b) => !b.draft), ...clipped]
          count += clipped.length
        }
        const classes = classDrafts.get(image.id)
        if (classes) {
          // The same for image classes: this run's drafts replace earlier ones, a class already confirmed is not drafted again.
          const pending = classes.filter((c) => !image.labels.classes.includes(c.classId))
          setClassDrafts(image, pending)
          count += pending.length
        }
      }
      return count
    })
    return { images: results.length - failed.length, drafts: written, unmatched: [...unmatched].sort(), failed }
  }

  async drafts(datasetId: string): Promise<VisionDraft[]> {
    const { dataset } = await this.options.datasets.datasetForModels(datasetId)
    const out: VisionDraft[] = []
    const className = (classId: number) => dataset.classes[classId] ?? `class${classId}`
    for (const image of dataset.images) {
      image.labels.boxes.forEach((b, index) => {
        if (b.draft)
          out.push({
            kind: 'box',
            imageId: image.id,
            index,
            classId: b.classId,
            className: className(b.classId),
            confidence: b.confidence ?? 0,
            x: b.x,
            y: b.y,
            w: b.w,
            h: b.h,
          })
      })
      for (const c of classDraftsOf(image))
        out.push({ kind: 'class', imageId: image.id, classId: c.classId, className: className(c.classId), confidence: c.confidence })
    }
    // Within an image at equal confidence: image classes (by class) before boxes (by index).
    const order = (d: VisionDraft) => (d.kind === 'class' ? d.classId : 100 + d.index)
    return out.sort((a, b) => b.confidence - a.confidence || a.imageId.localeCompare(b.imageId) || order(a) - order(b))
  }

  /**
   * Accepted drafts become labels (an unlabeled image becomes labeled); rejected ones are removed. An accepted image class is
   * added to the image's classes; on a single-label dataset it replaces them, and the image's other class drafts (its
   * alternatives) are dropped and counted as rejected.
   */
  review(
    datasetId: string,
    decision: {
      accept: boolean
      items?: ({ imageId: string; kind?: 'box'; index: number } | { imageId: string; kind: 'class'; classId: number })[]
      kind?: VisionDraftKind
      classId?: number
      minConfidence?: number
    },
  ): Promise<{ accepted: number; rejected: number }> {
    return this.options.datasets.editForModels(datasetId, (dataset, { imageClassMode }) => {
      const chosenBoxes = new Map<string, Set<number>>()
      const chosenClasses = new Map<string, Set<number>>()
      for (const item of decision.items ?? []) {
        if (item.kind === 'class') chosenClasses.set(item.imageId, (chosenClasses.get(item.imageId) ?? new Set()).add(item.classId))
        else chosenBoxes.set(item.imageId, (chosenBoxes.get(item.imageId) ?? new Set()).add(item.index))
      }
      const bulk = decision.items === undefined
      const ofClass = (classId: number) => decision.classId === undefined || classId === decision.classId
      const confident = (confidence: number | undefined) => decision.minConfidence === undefined || (confidence ?? 0) >= decision.minConfidence
      let accepted = 0
      let rejected = 0
      for (const image of dataset.images) {
        const boxIndices = chosenBoxes.get(image.id)
        if (decision.kind !== 'class' && (bulk || boxIndices)) {
          const picked = (b: Box, i: number) => b.draft === true && (bulk || boxIndices!.has(i)) && ofClass(b.classId) && confident(b.confidence)
          const hits = image.labels.boxes.filter(picked).length
          if (hits > 0) {
            if (decision.accept) {
              image.labels.boxes = image.labels.boxes.map((b, i) => {
                if (!picked(b, i)) return b
                const { draft: _draft, ...kept } = b
                return kept
              })
              if (image.labels.status === 'unlabeled') image.labels.status = 'labeled'
              accepted += hits
            } else {
              image.labels.boxes = image.labels.boxes.filter((b, i) => !picked(b, i))
              rejected += hits
            }
          }
        }
        const classIds = chosenClasses.get(image.id)
        if (decision.kind !== 'box' && (bulk || classIds)) {
          const pending = classDraftsOf(image)
          const hits = pending.filter((c) => (bulk || classIds!.has(c.classId)) && ofClass(c.classId) && confident(c.confidence))
          if (hits.length === 0) continue
          if (!decision.accept) {
            setClassDrafts(
              image,
              pending.filter((c) => !hits.includes(c)),
            )
            rejected += hits.length
            continue
          }
          if (imageClassMode === 'single') {
            const winner = hits.reduce((best, c) => (c.confidence > best.confidence ? c : best))
            image.labels.classes = [winner.classId]
            setClassDrafts(image, [])
            accepted += 1
            rejected += pending.length - 1
          } else {
            image.labels.classes = [...new Set([...image.labels.classes, ...hits.map((c) => c.classId)])].sort((a, b) => a - b)
            setClassDrafts(
              image,
              pending.filter((c) => !hits.includes(c)),
            )
            accepted += hits.length
          }
          if (image.labels.status === 'unlabeled') image.labels.status = 'labeled'
        }
      }
      return { accepted, rejected }
    })
  }

  // ---------- evaluation ----------

  /** Runs the model over the test split and scores it against the reviewed labels (and labelled ones on request). */
  async evaluate(datasetId: string, ref: VisionModelRef, options: { includeLabeled?: boolean } & LongTask = {}): Promise<VisionEvaluation> {
    const model = await this.model(ref)
    // Images without a split get one (stratified, seed 0): the same images stay the test set from run to run.
    const dataset = await this.options.datasets.editForModels(datasetId, (d) => {
      if (d.images.some((i) => !i.split && i.labels.status !== 'rejected')) {
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
    const results = await this.infer(
      model,
      test.map((i) => ({ id: i.id, file: path.join(dir, i.file) })),
      options,
      model.kind === 'yolo-detector' ? { confidenceThreshold: EVAL_CONFIDENCE_FLOOR } : {},
    )
    const settings = await this.settings()
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

  private contextFile(): string {
    return path.join(this.root, 'context-tags.json')
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
    await this.options.datasets.datasetForModels(datasetId)
    const all = await this.contextSettings()
    all[datasetId] = [...new Set(tagIds)]
    await mkdir(this.root, { recursive: true })
    await writeFile(this.contextFile(), JSON.stringify(all, null, 1))
    return { datasetId, tagIds: all[datasetId] }
  }

  /** The chosen tags' live values now, for an image being captured (absent tags are left out). */
  async contextSnapshot(datasetId: string): Promise<Record<string, number | string>> {
    const out: Record<string, number | string> = {}
    for (const tagId of (await this.contextSettings())[datasetId] ?? []) {
      const value = this.options.live.lastValue(tagId)
      if (value && value.value !== null) out[tagId] = typeof value.value === 'boolean' ? String(value.value) : value.value
    }
    return out
  }

  async imageContext(datasetId: string, imageId: string): Promise<{ captureTime: string | null; context: Record<string, number | string> }> {
    const { dataset } = await this.options.datasets.datasetForModels(datasetId)
    const image = dataset.images.find((i) => i.id === imageId)
    if (!image) throw new WorkbenchError('NOT_FOUND', `Image "${imageId}" is not in dataset "${dataset.name}" — refresh the image list`)
    return { captureTime: image.captureTime ?? null, context: image.context }
  }

  // ---------- live inspection ----------

  liveStatus(): VisionLiveInspection {
    const {
      timer: _timer,
      busy: _busy,
      ...status
    } = this.live ?? {
      running: false,
      model: null,
      intervalMs: 1000,
      inspected: 0,
      rejects: 0,
      last: null,
      error: null,
      tags: Object.values(INSPECTION_TAGS),
      busy: false,
    }
    return { ...status }
  }

  /** The inspection result tags, listed from the first time Inspect live runs (they have values from then on). */
  inspectionTags(): readonly TagInfo[] {
    return this.inspectionTagsListed ? INSPECTION_TAG_INFO : []
  }

  async setLiveInspection(input: { enabled: boolean; model?: VisionModelRef; intervalMs?: number }): Promise<VisionLiveInspection> {
    if (!input.enabled) {
      this.stopLive()
      return this.liveStatus()
    }
    if (!input.model) throw new WorkbenchError('INVALID_INPUT', 'Choose a model to inspect live with')
    const model = await this.model(input.model)
    this.stopLive()
    this.inspectionTagsListed = true
    const camera = createDemoCamera({ seed: 11, defectRate: 0.25 })
    const previous = this.live
    const state: VisionLiveInspection & { timer?: NodeJS.Timeout; busy: boolean } = {
      running: true,
      model: { name: model.name, version: model.version },
      intervalMs: input.intervalMs ?? 1000,
      // Counters carry on across restarts of the loop, as a PLC reject counter would.
      inspected: previous?.inspected ?? 0,
      rejects: previous?.rejects ?? 0,
      last: null,
      error: null,
      tags: Object.values(INSPECTION_TAGS),
      busy: false,
    }
    this.live = state
    let frame = previous?.last?.frame ?? 0
    const tick = async (): Promise<void> => {
      if (state.busy || this.live !== state) return
      state.busy = true
      try {
        frame++
        const shot = await camera.capture(frame)
        const [result] = await this.infer(model, [{ id: `frame-${frame}`, raw: shot.image }], {})
        if (this.live !== state) return
        if (!result.prediction) throw new Error(result.error ?? 'no prediction')
        const verdict = inspectionVerdict(result.prediction, (await this.settings()).confidenceThreshold)
        state.inspected++
        if (verdict.result === 'fail') state.rejects++
        const now = Date.now()
        state.last = { ...verdict, at: now, frame }
        state.error = null
        const value = (tagId: string, v: number | string): TagValue => ({ tagId, value: v, quality: { status: 'good' }, sourceTime: now, receiveTime: now })
        this.options.live.publish([
          value(INSPECTION_TAGS.result, verdict.result),
          value(INSPECTION_TAGS.score, verdict.score),
          value(INSPECTION_TAGS.className, verdict.className),
          value(INSPECTION_TAGS.rejectCount, state.rejects),
          value(INSPECTION_TAGS.inspectedCount, state.inspected),
        ])
      } catch (error) {
        state.error = `Live inspection with ${model.name} v${model.version}: ${errorText(error)}`
      } finally {
        state.busy = false
      }
    }
    state.timer = setInterval(() => void tick(), state.intervalMs)
    state.timer.unref?.()
    void tick()
    return this.liveStatus()
  }

  private stopLive(): void {
    if (!this.live) return
    clearInterval(this.live.timer)
    this.live = { ...this.live, running: false, timer: undefined }
  }

  async close(): Promise<void> {
    this.stopLive()
    await this.worker.close()
  }
}

function signatureOf(session: ort.InferenceSession): { inputs: VisionTensorInfo[]; outputs: VisionTensorInfo[] } {
  const info = (m: ort.InferenceSession.ValueMetadata): VisionTensorInfo =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }
  return { inputs: session.inputMetadata.map(info), outputs: session.outputMetadata.map(info) }
}

/** Stores an image's class drafts; none leaves the field out, as in files written before class drafts existed. */
function setClassDrafts(image: DatasetImage, drafts: ClassDraft[]): void {
  if (drafts.length > 0) image.labels.classDrafts = drafts
  else delete image.labels.classDrafts
}

function clipBox(b: Box, image: DatasetImage): Box | undefined {
  const x = Math.max(0, Math.min(b.x, image.width))
  const y = Math.max(0, Math.min(b.y, image.height))
  const w = Math.min(b.x + b.w, image.width) - x
  const h = Math.min(b.y + b.h, image.height) - y
  return w > 0.5 && h > 0.5 ? { ...b, x, y, w, h } : undefined
}

/** Pass/fail of one inspected part: any box at the threshold, a class other than good, or an anomaly score over its threshold fails it. */
export function inspectionVerdict(p: Prediction, confidenceThreshold: number): { result: 'pass' | 'fail'; className: string; score: number } {
  if (p.kind === 'yolo-detector') {
    const top = p.boxes.filter((b) => b.confidence >= confidenceThreshold).sort((a, b) => b.confidence - a.confidence)[0]
    return top ? { result: 'fail', className: top.className, score: top.confidence } : { result: 'pass', className: 'good', score: 0 }
  }
  if (p.kind === 'classifier') {
    const good = /^(good|ok|pass|normal)$/i.test(p.className)
    return { result: good ? 'pass' : 'fail', className: p.className, score: p.confidence }
  }
  return { result: p.anomalous ? 'fail' : 'pass', className: p.anomalous ? 'anomaly' : 'good', score: p.score }
}

type Scored = { image: DatasetImage; prediction: Prediction }
type EvalPart = Omit<VisionEvaluation, 'model' | 'kind' | 'datasetId' | 'images' | 'skipped'>

const confirmedBoxes = (image: DatasetImage) => image.labels.boxes.filter((b) => !b.draft)
const isDefective = (image: DatasetImage) => confirmedBoxes(image).length > 0 || image.labels.polygons.some((p) => !p.draft) || image.labels.classes.length > 0

function evaluateDetector(model: RegisteredModel, dataset: Dataset, scored: Scored[], confidenceThreshold: number): EvalPart {
  // Labels are in dataset classes; predictions in model classes: score in the model's classes.
  const toModel = new Map<number, number>()
  mapClasses(model.classNames, dataset.classes).forEach((d, m) => d !== undefined && toModel.set(d, m))
  const images: (EvaluationImage & { id: string })[] = scored.map(({ image, prediction }) => ({
    id: image.id,
    groundTruth: confirmedBoxes(image)
      .filter((b) => toModel.has(b.classId))
      .map((b) => ({ classId: toModel.get(b.classId)!, x: b.x, y: b.y, w: b.w, h: b.h })),
    predictions: prediction.kind === 'yolo-detector' ? prediction.boxes : [],
  }))
  const metrics = evaluateDetections(images, { classNames: model.classNames, confidenceThreshold })
  const names = model.classNames
  const mistakes: VisionMistake[] = []
  const geometry = (b: { x: number; y: number; w: number; h: number }) => ({ x: b.x, y: b.y, w: b.w, h: b.h })
  for (const image of images) {
    const predictions = image.predictions.filter((p) => p.confidence >= confidenceThreshold)
    const pairs: { g: number; p: number; overlap: number }[] = []
    image.groundTruth.forEach((g, gi) =>
      predictions.forEach((p, pi) => {
        const overlap = iou(g, p)
        if (overlap >= 0.5) pairs.push({ g: gi, p: pi, overlap })
      }),
    )
    pairs.sort((a, b) => b.overlap - a.overlap)
    const usedG = new Set<number>()
    const usedP = new Set<number>()
    for (const pair of pairs) {
      if (usedG.has(pair.g) || usedP.has(pair.p)) continue
      usedG.add(pair.g)
      usedP.add(pair.p)
      const g = image.groundTruth[pair.g]
      const p = predictions[pair.p]
      if (g.classId !== p.classId)
        mistakes.push({
          imageId: image.id,
          type: 'wrong-class',
          className: names[p.classId],
          truthClassName: names[g.classId],
          confidence: p.confidence,
          box: geometry(p),
          truthBox: geometry(g),
        })
    }
    predictions.forEach((p, pi) => {
      if (!usedP.has(pi))
        mistakes.push({ imageId: image.id, type: 'false-positive', className: names[p.classId], confidence: p.confidence, box: geometry(p), truthBox: null })
    })
    image.groundTruth.forEach((g, gi) => {
      if (!usedG.has(gi)) mistakes.push({ imageId: image.id, type: 'missed', className: names[g.classId], confidence: null, box: null, truthBox: geometry(g) })
    })
  }
  return {
    confidenceThreshold,
    classes: metrics.classes.map((c) => ({
      name: c.name,
      support: c.groundTruthCount,
      truePositives: c.truePositives,
      falsePositives: c.falsePositives,
      falseNegatives: c.falseNegatives,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      ap50: Number.isNaN(c.ap50) ? null : c.ap50,
      ap50to95: Number.isNaN(c.ap50to95) ? null : c.ap50to95,
    })),
    // Without any labelled object there is nothing to average: say so rather than print 0.
    map50: metrics.classes.some((c) => c.groundTruthCount > 0) ? metrics.map50 : null,
    map50to95: metrics.classes.some((c) => c.groundTruthCount > 0) ? metrics.map50to95 : null,
    accuracy: null,
    confusion: { labels: [...names, 'background'], matrix: metrics.confusionMatrix },
    prCurves: metrics.classes
      .filter((c) => c.groundTruthCount > 0)
      .map((c) => ({ name: c.name, ...thinCurve([0, ...c.prCurve.map((p) => p.recall)], [1, ...c.prCurve.map((p) => p.precision)]) })),
    mistakes: worstFirst(mistakes),
  }
}

/** Confident false alarms first, then missed objects and wrong classes; a bounded gallery. */
function worstFirst(mistakes: VisionMistake[]): VisionMistake[] {
  const fp = mistakes.filter((m) => m.type !== 'missed').sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
  const missed = mistakes.filter((m) => m.type === 'missed')
  const half = MAX_MISTAKES / 2
  const takeFp = Math.max(half, MAX_MISTAKES - missed.length)
  return [...fp.slice(0, takeFp), ...missed.slice(0, MAX_MISTAKES - Math.min(fp.length, takeFp))]
}

function perClass(names: string[], truth: number[], predicted: number[]) {
  const n = names.length
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  truth.forEach((t, i) => matrix[t][predicted[i]]++)
  const classes = names.map((name, c) => {
    const tp = matrix[c][c]
    const fp = matrix.reduce((s, row, r) => s + (r === c ? 0 : row[c]), 0)
    const fn = matrix[c].reduce((s, v, p) => s + (p === c ? 0 : v), 0)
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0
    return {
      name,
      support: tp + fn,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      ap50: null as number | null,
      ap50to95: null,
    }
  })
  const correct = truth.filter((t, i) => t === predicted[i]).length
  return { matrix, classes, accuracy: truth.length > 0 ? correct / truth.length : 0 }
}

/** One-vs-rest PR curve of a score over images. */
function scoreCurve(name: string, items: { score: number; positive: boolean }[]) {
  const positives = items.filter((i) => i.positive).length
  const marks = [...items].sort((a, b) => b.score - a.score).map((i) => ({ confidence: i.score, tp: i.positive }))
  const curve = precisionRecallCurve(marks, positives)
  return {
    curve,
    ap: positives > 0 ? averagePrecision(curve) : null,
    pr: { name, ...thinCurve([0, ...curve.map((p) => p.recall)], [1, ...curve.map((p) => p.precision)]) },
  }
}

function evaluateClassifier(model: RegisteredModel, dataset: Dataset, scored: Scored[]): EvalPart {
  const names = model.classNames
  const toModel = new Map<number, number>()
  mapClasses(names, dataset.classes).forEach((d, m) => d !== undefined && toModel.set(d, m))
  const goodClass = names.findIndex((n) => /^(good|ok|pass|normal)$/i.test(n))
  const rows = scored
    .map(({ image, prediction }) => {
      const labelled = image.labels.classes.find((c) => toModel.has(c))
      const truth = labelled !== undefined ? toModel.get(labelled)! : !isDefective(image) && goodClass >= 0 ? goodClass : undefined
      return prediction.kind === 'classifier' && truth !== undefined ? { image, prediction, truth } : undefined
    })
    .filter((r) => r !== undefined)
  const { matrix, classes, accuracy } = perClass(
    names,
    rows.map((r) => r.truth),
    rows.map((r) => r.prediction.classId),
  )
  const curves = names.map((name, c) =>
    scoreCurve(
      name,
      rows.map((r) => ({ score: r.prediction.probabilities[c] ?? 0, positive: r.truth === c })),
    ),
  )
  curves.forEach((c, i) => (classes[i].ap50 = c.ap))
  const mistakes: VisionMistake[] = rows
    .filter((r) => r.truth !== r.prediction.classId)
    .sort((a, b) => b.prediction.confidence - a.prediction.confidence)
    .slice(0, MAX_MISTAKES)
    .map((r) => ({
      imageId: r.image.id,
      type: 'wrong-class',
      className: r.prediction.className,
      truthClassName: names[r.truth],
      confidence: r.prediction.confidence,
      box: null,
      truthBox: null,
    }))
  return {
    confidenceThreshold: 0,
    classes,
    map50: null,
    map50to95: null,
    accuracy,
    confusion: { labels: names, matrix },
    prCurves: curves.filter((_, i) => classes[i].support > 0).map((c) => c.pr),
    mistakes,
  }
}

function evaluateAnomaly(scored: Scored[]): EvalPart {
  const rows = scored
    .filter((s) => s.prediction.kind === 'anomaly')
    .map(({ image, prediction }) => ({ image, p: prediction as Prediction & { kind: 'anomaly' }, defective: isDefective(image) }))
  const { matrix, classes, accuracy } = perClass(
    ['good', 'defect'],
    rows.map((r) => (r.defective ? 1 : 0)),
    rows.map((r) => (r.p.anomalous ? 1 : 0)),
  )
  const curve = scoreCurve(
    'defect',
    rows.map((r) => ({ score: r.p.score, positive: r.defective })),
  )
  classes[1].ap50 = curve.ap
  const falseAlarms = rows.filter((r) => !r.defective && r.p.anomalous).sort((a, b) => b.p.score - a.p.score)
  const missed = rows.filter((r) => r.defective && !r.p.anomalous).sort((a, b) => a.p.score - b.p.score)
  const mistake = (r: (typeof rows)[number], type: 'false-positive' | 'missed'): VisionMistake => ({
    imageId: r.image.id,
    type,
    className: 'defect',
    confidence: r.p.score,
    box: r.p.region,
    truthBox: null,
  })
  return {
    confidenceThreshold: rows[0]?.p.threshold ?? 0,
    classes,
    map50: null,
    map50to95: null,
    accuracy,
    confusion: { labels: ['good', 'defect'], matrix },
    prCurves: [curve.pr],
    mistakes: worstFirst([...falseAlarms.map((r) => mistake(r, 'false-positive')), ...missed.map((r) => mistake(r, 'missed'))]),
  }
}

export type { ItemResult }
