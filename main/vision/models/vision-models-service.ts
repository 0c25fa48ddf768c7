// The Vision models side: registry of imported ONNX models, inference settings, pre-labels and their review, evaluation on
// the test split (scored by evaluation/model-evaluation.ts), live inspection (live-inspection.ts) and the process-context
// tags of each dataset.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import {
  WorkbenchError,
  type TagInfo,
  scalarTagValue,
  type TagValue,
  type VisionDraft,
  type VisionDraftKind,
  type VisionEvaluation,
  type VisionImageClassMode,
  type VisionInferenceSettings,
  type VisionLiveInspection,
  type VisionModel,
  type VisionModelKind,
  type VisionModelRef,
  type VisionModelSource,
  type VisionTensorInfo,
} from '../../../preload/contract'
import { type Box, type ClassDraft, classDraftsOf, type Dataset, type DatasetImage } from '../datasets/annotations'
import { createInferenceWorker, type InferenceWorker } from '../inference/inference-pool'
import { DEFAULT_INFERENCE_SETTINGS, type ItemResult } from '../inference/inference-runner'
import { EVAL_CONFIDENCE_FLOOR, evaluateAnomaly, evaluateClassifier, evaluateDetector, mapClasses } from '../evaluation/model-evaluation'
import { DEMO_INSPECTION_TAGS, LiveInspection, type InspectionTagConfig } from './live-inspection'
import { describeOnnxModel, ModelImportError } from './model-description'
import { createModelRegistry, type ModelRegistry, type RegisteredModel } from './model-registry'
import { readModelMetadata } from './onnx-graph'
import { splitDataset } from '../datasets/split'
import { checkFile, readCheckedFile } from '../../files/checked-file'

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

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export class VisionModelsService {
  private readonly root: string
  private readonly registry: ModelRegistry
  private readonly worker: InferenceWorker
  private settingsCache: VisionInferenceSettings | undefined
  private readonly liveInspection: LiveInspection
  private readonly platform: NodeJS.Platform

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
    this.root = path.join(options.dataDir, 'vision')
    this.registry = createModelRegistry(path.join(this.root, 'models'))
    this.worker = options.worker ?? createInferenceWorker()
    this.platform = options.platform ?? process.platform
    this.liveInspection = new LiveInspection({
      tags: options.inspectionTags ?? DEMO_INSPECTION_TAGS,
      model: (ref) => this.model(ref),
      inferFrame: async (model, id, raw) => (await this.infer(model, [{ id, raw }], {}))[0],
      confidenceThreshold: async () => (await this.settings()).confidenceThreshold,
      publish: (values) => options.live.publish(values),
    })
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
      await checkFile(file, 'model')
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
    const bytes = await readCheckedFile(file, 'model')
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
      if (error instanceof WorkbenchError) throw error
      if (error instanceof ModelImportError || /names file/i.test(errorText(error))) throw new WorkbenchError('INVALID_INPUT', errorText(error))
      throw error
    }
  }

  async deleteModel(name: string, version?: number): Promise<{ deleted: number }> {
    const versions = (await this.registry.list()).filter((m) => m.name === name && (version === undefined || m.version === version))
    if (versions.length === 0)
      throw new WorkbenchError('NOT_FOUND', `Model "${name}"${version ? ` version ${version}` : ''} is not in the registry — refresh the model list`)
    this.liveInspection.stopIfUsing(name, version)
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
      if (value && value.value !== null)
        out[tagId] = typeof value.value === 'boolean' || Array.isArray(value.value) ? String(scalarTagValue(value.value)) : value.value
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

export type { ItemResult }
