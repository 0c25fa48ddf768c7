// Pre-labeling: a registered model's predictions written as drafts on the unlabeled images, listed for review, and the
// review itself (accepted drafts become labels, rejected ones go).
import path from 'node:path'
import { WorkbenchError, type VisionDraft, type VisionDraftKind, type VisionModelRef } from '../../../preload/contract'
import { type Box, type ClassDraft, classDraftsOf, type DatasetImage } from '../datasets/annotations'
import { mapClasses } from '../evaluation/model-evaluation'
import type { DatasetDoor, LongTask } from './model-ports'
import type { ModelRegistryService } from './registry-service'

export class Prelabeling {
  constructor(private readonly deps: { datasets: DatasetDoor; registry: ModelRegistryService }) {}

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
    const model = await this.deps.registry.model(ref)
    const { dataset, dir, imageClassMode } = await this.deps.datasets.datasetForModels(datasetId)
    const todo = dataset.images.filter((i) => i.labels.status === 'unlabeled')
    if (todo.length === 0) throw new WorkbenchError('INVALID_INPUT', `Dataset "${dataset.name}" has no unlabeled images to pre-label`)
    const anomalyClass = options.anomalyClassId ?? 0
    if (model.kind === 'anomaly' && anomalyClass >= dataset.classes.length)
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Class ${anomalyClass} is not one of the ${dataset.classes.length} classes of "${dataset.name}" — pick one of them`,
      )
    const classMap = mapClasses(model.classNames, dataset.classes)
    const threshold = (await this.deps.registry.settings()).confidenceThreshold
    const unmatched = new Set<string>()
    const failed: { imageId: string; error: string }[] = []
    const results = await this.deps.registry.infer(
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
    const written = await this.deps.datasets.editForModels(datasetId, (d) => {
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
    const { dataset } = await this.deps.datasets.datasetForModels(datasetId)
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
    return this.deps.datasets.editForModels(datasetId, (dataset, { imageClassMode }) => {
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
