// Datasets under <dataDir>/vision/: demo images, labels, thumbnails, YOLO export and the built-in anomaly model, for the Vision view.
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import {
  WorkbenchError,
  type VisionBox,
  type VisionClassDraft,
  type VisionDataset,
  type VisionExchangeFormat,
  type VisionImage,
  type VisionImageClassMode,
  type VisionImageFilter,
  type VisionPolygon,
  type VisionStatus,
} from '../../../preload/contract'
import { writeProcessContext } from '../models/process-context'
import { type Box, classDraftsOf, type Dataset, type DatasetImage, isConfirmedGood, type Polygon, parseDataset } from './annotations'
import { createAnomalyDetector, type AnomalyDetector } from '../anomaly/anomaly-detector'
import type { PoolGeometry } from '../anomaly/feature-graph'
import { overlayHeatmap, scoreMapToImage } from '../anomaly/heatmap'
import { trainAnomalyModel } from '../anomaly/train-anomaly'
import { DEMO_DEFECT_CLASSES } from '../demo-camera'
import { writeDemoDataset } from './demo-dataset'
import { copyInto, forEachLimited } from './dataset-files'
import { exportClassFolders, importClassFolders } from '../formats/class-folders'
import { exportCoco, importCoco } from '../formats/coco'
import { exportVoc, importVoc } from '../formats/voc'
import { exportYolo, importYolo } from '../formats/yolo'
import { decodeRgb, encodePng, isBmp, openImage, pngSize } from '../image-codec'
import { describeOnnxModel } from '../models/model-description'
import { containedPath } from '../../files/contained-path'
import { imageIndex, type ImageIndex } from './image-index'
import { type ImportFailure, ImportReport } from './import-report'
import { isSplittable, splitDataset, splitSummary, type SplitCounts } from './split'
import { NewestFirstQueue } from './newest-first-queue'

export interface TaskProgress {
  done: number
  total: number
}

interface LongTask {
  onProgress?: (progress: TaskProgress) => void
  signal?: AbortSignal
}

/** What sits beside dataset.json: ground truth kept aside, and the anomaly model's facts. */
interface DatasetSidecar {
  reference: Record<string, VisionBox[]>
  anomalyModel: { threshold: number; trainedOn: number; trainedAt: string; pool: PoolGeometry } | null
  demoFrames: number
  /** Absent in datasets written before the setting existed: multi-label. */
  imageClassMode?: VisionImageClassMode
}

interface OpenDataset {
  id: string
  dataset: Dataset
  sidecar: DatasetSidecar
}

const THUMB_WIDTH = 120
/** Files copied at once on import: enough to keep the disk busy, few enough to leave the event loop free. */
const COPY_CONCURRENCY = 8
/** Failures listed in an import's refusal or result; the count says how many there were in all. */
const MAX_LISTED_FAILURES = 200
const ALL_IMAGES: VisionImageFilter = { status: 'all', classId: 'any', minConfidence: 0, maxConfidence: 1 }

const FORMAT_NAMES: Record<VisionExchangeFormat, string> = { yolo: 'YOLO', coco: 'COCO JSON', voc: 'Pascal VOC', 'class-folders': 'class folders' }

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))
const dataUrl = (mime: string, bytes: Buffer): string => `data:${mime};base64,${bytes.toString('base64')}`

/**
 * The image as the canvas should show it: PNG and JPEG bytes as they are, unless EXIF turns them (the canvas gets them upright,
 * so boxes drawn match the upright size stored); TIFF, BMP and turned images re-encoded upright as PNG.
 */
async function browserImage(bytes: Buffer, file: string): Promise<string> {
  // Most datasets are PNGs (every demo and camera frame): no metadata read for them.
  if (pngSize(bytes)) return dataUrl('image/png', bytes)
  try {
    if (!isBmp(bytes)) {
      const meta = await sharp(bytes).metadata()
      if ((meta.orientation ?? 1) === 1 && meta.format === 'jpeg') return dataUrl('image/jpeg', bytes)
    }
    return dataUrl('image/png', await (await openImage(bytes)).png().toBuffer())
  } catch (error) {
    throw new WorkbenchError('INVALID_INPUT', `Cannot decode image ${file}: ${message(error)} — replace the file or remove the image`)
  }
}

/** Core and contract shapes differ only in which optional keys may be present; keep `confidence` and `draft` only when set. */
function toCoreBox(b: VisionBox): Box {
  return { classId: b.classId, x: b.x, y: b.y, w: b.w, h: b.h, ...markers(b) }
}
function toCorePolygon(p: VisionPolygon): Polygon {
  return { classId: p.classId, points: p.points.map(([x, y]) => [x, y] as [number, number]), ...markers(p) }
}
function toContractBox(b: Box): VisionBox {
  return { classId: b.classId, x: b.x, y: b.y, w: b.w, h: b.h, ...markers(b) }
}
function toContractPolygon(p: Polygon): VisionPolygon {
  return { classId: p.classId, points: p.points.map(([x, y]) => [x, y] as [number, number]), ...markers(p) }
}
function markers(label: { confidence?: number; draft?: boolean }): { confidence?: number; draft?: boolean } {
  return {
    ...(label.confidence !== undefined ? { confidence: label.confidence } : {}),
    ...(label.draft ? { draft: true } : {}),
  }
}

/** Where a dataset's thumbnails are cached (named anew when EXIF orientation came in, so no sideways one is reused). */
export const THUMBS_FOLDER = 'thumbs-upright'

export class VisionService {
  private readonly root: string
  private readonly open = new Map<string, OpenDataset>()
  private readonly detectors = new Map<string, AnomalyDetector>()
  /** Image id → position per dataset images array, so lookups in 20,000 images are not a scan each (checked on use, rebuilt when stale). */
  private readonly positions = new WeakMap<DatasetImage[], Map<string, number>>()
  /** Thumbnails being made, so a row asked for twice while scrolling runs sharp once. */
  private readonly making = new Map<string, Promise<Buffer>>()
  private thumbWrites = 0
  /** sharp's work for thumbnails, newest request first: the rows on screen now before rows already scrolled past. */
  private readonly thumbQueue = new NewestFirstQueue(4)
  /** Writes to one dataset run one after another, so two saves never interleave. */
  private queue: Promise<unknown> = Promise.resolve()

  /** The live tag values a dataset snapshots with each camera image (process context); set by the models side. */
  private readonly contextSnapshot?: (datasetId: string) => Promise<Record<string, number | string>>

  constructor(options: { dataDir: string; contextSnapshot?: (datasetId: string) => Promise<Record<string, number | string>> }) {
    this.root = path.join(options.dataDir, 'vision')
    this.contextSnapshot = options.contextSnapshot
  }

  private datasetDir(id: string): string {
    return path.join(this.root, 'datasets', id)
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  async listDatasets(): Promise<VisionDataset[]> {
    const ids = await readdir(path.join(this.root, 'datasets')).catch(() => [] as string[])
    const out: VisionDataset[] = []
    for (const id of ids.filter((i) => !i.startsWith('.')).sort()) {
      const loaded = await this.load(id).catch(() => undefined)
      if (loaded) out.push(this.summary(loaded))
    }
    return out
  }

  createDataset(name: string): Promise<VisionDataset> {
    return this.serial(async () => {
      const id = await this.newId(name)
      const opened: OpenDataset = {
        id,
        dataset: { name, classes: [...DEMO_DEFECT_CLASSES], images: [] },
        sidecar: { reference: {}, anomalyModel: null, demoFrames: 0 },
      }
      await mkdir(this.datasetDir(id), { recursive: true })
      await this.save(opened)
      this.open.set(id, opened)
      return this.summary(opened)
    })
  }

  private async newId(name: string): Promise<string> {
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60) || 'dataset'
    const existing = new Set(await readdir(path.join(this.root, 'datasets')).catch(() => [] as string[]))
    let id = base
    for (let n = 2; existing.has(id); n++) id = `${base}-${n}`
    return id
  }

  setImageClassMode(datasetId: string, mode: VisionImageClassMode): Promise<VisionDataset> {
    return this.serial(async () => {
      const opened = await this.load(datasetId)
      if (mode === 'single') {
        // Refused rather than silently dropping classes: the person decides which class each of those images keeps.
        const several = opened.dataset.images.filter((i) => i.labels.classes.length > 1)
        if (several.length > 0)
          throw new WorkbenchError(
            'INVALID_INPUT',
            `Dataset "${opened.dataset.name}": ${several.length} image(s) have several image-level classes (first: ${several[0].id}) — reduce them to one before switching to single-label`,
          )
      }
      opened.sidecar.imageClassMode = mode
      await this.save(opened)
      return this.summary(opened)
    })
  }

  /** Adds demo-camera parts; without `keepLabels` their ground truth is kept aside and the images start unlabeled. */
  addDemoImages(datasetId: string, count: number, keepLabels: boolean, task: LongTask = {}): Promise<VisionDataset> {
    return this.serial(async () => {
      const opened = await this.load(datasetId)
      const first = opened.sidecar.demoFrames
      const shot = await writeDemoDataset(this.datasetDir(datasetId), { count, first, seed: 7, ...task })
      const snapshot = (await this.contextSnapshot?.(datasetId)) ?? {}
      for (const image of shot.images) {
        image.context = { ...image.context, ...snapshot }
        if (!keepLabels) {
          opened.sidecar.reference[image.id] = image.labels.boxes.map(({ classId, x, y, w, h }) => ({ classId, x, y, w, h }))
          image.labels = { classes: [], boxes: [], polygons: [], status: 'unlabeled' }
        }
        opened.dataset.images.push(image)
      }
      opened.sidecar.demoFrames = first + count
      await this.save(opened)
      return this.summary(opened)
    })
  }

  async listImages(datasetId: string, status?: VisionStatus): Promise<VisionImage[]> {
    const opened = await this.load(datasetId)
    return opened.dataset.images.filter((i) => !status || i.labels.status === status).map((i) => this.imageInfo(opened, i))
  }

  /** What the grid scrolls on: the ids (and a status letter each) of the images matching `filter`, in dataset order. */
  async imageIndex(datasetId: string, filter: VisionImageFilter = ALL_IMAGES): Promise<ImageIndex> {
    const opened = await this.load(datasetId)
    return imageIndex(opened.dataset.images, filter)
  }

  /** Label records of the given images (the grid's visible rows, the previous image); ids not in the dataset are skipped. */
  async imagesById(datasetId: string, imageIds: string[]): Promise<VisionImage[]> {
    const opened = await this.load(datasetId)
    return imageIds.flatMap((id) => {
      const image = this.findImage(opened, id)
      return image ? [this.imageInfo(opened, image)] : []
    })
  }

  /**
   * Splits the labelled and reviewed images into train/val/test (stratified by class, seeded); images that take no part
   * leave any split they had. Ratios are relative (70/20/10 or 0.7/0.2/0.1 alike).
   */
  split(
    datasetId: string,
    options: { ratios: { train: number; val: number; test: number }; seed: number; keepExisting?: boolean },
  ): Promise<{ dataset: VisionDataset; byClass: (SplitCounts & { className: string })[]; withoutClass: SplitCounts }> {
    return this.serial(async () => {
      const opened = await this.load(datasetId)
      const splittable = opened.dataset.images.filter(isSplittable).length
      if (splittable === 0)
        throw new WorkbenchError('INVALID_INPUT', `Dataset "${opened.dataset.name}" has no labelled or reviewed images to split — label some first`)
      if (options.ratios.train <= 0)
        throw new WorkbenchError('INVALID_INPUT', `Split of "${opened.dataset.name}": train must have a share above 0 — a model cannot learn from nothing`)
      opened.dataset = splitDataset(opened.dataset, { ratios: options.ratios, seed: options.seed, keepExisting: options.keepExisting, clearOthers: true })
      await this.save(opened)
      const { byClass, withoutClass } = splitSummary(opened.dataset)
      return { dataset: this.summary(opened), byClass: byClass.map((counts, c) => ({ className: opened.dataset.classes[c], ...counts })), withoutClass }
    })
  }

  /**
   * JPEG thumbnails, made by sharp on its own threads (never on the event loop) the first time a row is shown and cached on
   * disk under thumbs/; only the rows asked for are ever in memory.
   */
  async thumbnails(datasetId: string, imageIds: string[]): Promise<{ id: string; url: string }[]> {
    const opened = await this.load(datasetId)
    const cacheDir = path.join(this.datasetDir(datasetId), THUMBS_FOLDER)
    const images = imageIds.map((imageId) => this.image(opened, imageId))
    let madeDir = false
    return Promise.all(
      images.map(async (image) => {
        const cached = containedPath(cacheDir, `${image.id}.jpg`, `image "${image.id}" thumbnail`)
        let bytes: Buffer | undefined = await readFile(cached).catch(() => undefined)
        if (!bytes) {
          const key = `${datasetId}/${image.id}`
          let making = this.making.get(key)
          if (!making) {
            if (!madeDir) {
              madeDir = true
              await mkdir(cacheDir, { recursive: true })
              // Thumbnails cached before EXIF orientation was honoured may be sideways: that old cache goes.
              await rm(path.join(this.datasetDir(datasetId), 'thumbs'), { recursive: true, force: true })
            }
            const source = path.join(this.datasetDir(datasetId), image.file)
            making = this.thumbQueue.run(() => this.makeThumbnail(source, cached)).finally(() => this.making.delete(key))
            this.making.set(key, making)
          }
          bytes = await making
        }
        return { id: image.id, url: dataUrl('image/jpeg', bytes) }
      }),
    )
  }

  private async makeThumbnail(source: string, cached: string): Promise<Buffer> {
    await mkdir(path.dirname(cached), { recursive: true })
    // Upright (EXIF orientation) and from any format the app reads, BMP included.
    const bytes = await (await openImage(source)).resize({ width: THUMB_WIDTH }).jpeg({ quality: 70 }).toBuffer()
    // Written under a temporary name first: a thumbnail read while it is being written is never half a JPEG.
    const partial = `${cached}.${process.pid}-${++this.thumbWrites}.tmp`
    await writeFile(partial, bytes)
    await rename(partial, cached)
    return bytes
  }

  async fullImage(datasetId: string, imageId: string): Promise<{ url: string; image: VisionImage }> {
    const opened = await this.load(datasetId)
    const image = this.image(opened, imageId)
    const file = path.join(this.datasetDir(datasetId), image.file)
    const bytes = await readFile(file)
    return { url: await browserImage(bytes, image.file), image: this.imageInfo(opened, image) }
  }

  saveLabels(
    datasetId: string,
    imageId: string,
    labels: { boxes: VisionBox[]; polygons?: VisionPolygon[]; classes: number[]; classDrafts?: VisionClassDraft[]; status: VisionStatus },
  ): Promise<VisionImage> {
    return this.serial(async () => {
      const opened = await this.load(datasetId)
      const image = this.image(opened, imageId)
      const classCount = opened.dataset.classes.length
      const polygons = labels.polygons ?? []
      const classDrafts = labels.classDrafts ?? classDraftsOf(image)
      for (const id of [...labels.boxes.map((b) => b.classId), ...polygons.map((p) => p.classId), ...labels.classes, ...classDrafts.map((d) => d.classId)]) {
        if (id >= classCount)
          throw new WorkbenchError(
            'INVALID_INPUT',
            `Class ${id} on image ${imageId}: dataset "${opened.dataset.name}" has ${classCount} classes — pick one of them`,
          )
      }
      if ((opened.sidecar.imageClassMode ?? 'multi') === 'single' && new Set(labels.classes).size > 1)
        throw new WorkbenchError(
          'INVALID_INPUT',
          `Image ${imageId}: dataset "${opened.dataset.name}" is single-label, but ${new Set(labels.classes).size} image classes were given — keep one, or switch the dataset to multi-label`,
        )
      // Boxes dragged past the edge are clipped to the image rather than refused; so are polygon vertices.
      const boxes = labels.boxes
        .map((b) => {
          const x = Math.max(0, Math.min(b.x, image.width))
          const y = Math.max(0, Math.min(b.y, image.height))
          return toCoreBox({ ...b, x, y, w: Math.min(b.w, image.width - x), h: Math.min(b.h, image.height - y) })
        })
        .filter((b) => b.w > 0 && b.h > 0)
      const clippedPolygons = polygons.map((p) =>
        toCorePolygon({
          ...p,
          points: p.points.map(([x, y]) => [Math.max(0, Math.min(x, image.width)), Math.max(0, Math.min(y, image.height))] as [number, number]),
        }),
      )
      const classes = [...new Set(labels.classes)].sort((a, b) => a - b)
      // A draft of a class the image already has is settled; one draft per class, highest confidence first.
      const pending = [...new Map(classDrafts.filter((d) => !classes.includes(d.classId)).map((d) => [d.classId, d])).values()].sort(
        (a, b) => b.confidence - a.confidence,
      )
      image.labels = {
        classes,
        ...(pending.length > 0 ? { classDrafts: pending.map((d) => ({ classId: d.classId, confidence: d.confidence })) } : {}),
        boxes,
        polygons: clippedPolygons,
        status: labels.status,
      }
      await this.save(opened)
      return this.imageInfo(opened, image)
    })
  }

  /**
   * Exports the dataset as YOLO into <dataDir>/vision/exports/<dataset>-yolo-<time>/ and returns that folder; staged like
   * exportAs, so a cancelled or failed export leaves no half-written folder among the exports.
   */
  async exportYolo(datasetId: string, task: LongTask = {}): Promise<{ dir: string; images: number }> {
    const { dir, images } = await this.exportAs(datasetId, 'yolo', task)
    return { dir, images }
  }

  /**
   * Exports the labelled images (not unlabeled, not rejected where the format says so) in `format`. The files are written
   * into a sibling folder first and renamed into place at the end, so a failed or cancelled export leaves nothing behind.
   */
  async exportAs(
    datasetId: string,
    format: VisionExchangeFormat,
    options: { dir?: string; backgroundClass?: string; segments?: boolean } & LongTask = {},
  ): Promise<{ dir: string; images: number; files: number }> {
    const opened = await this.load(datasetId)
    const formatName = FORMAT_NAMES[format]
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const dir = options.dir ? path.resolve(options.dir) : path.join(this.root, 'exports', `${datasetId}-${format}-${stamp}`)
    const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw new WorkbenchError('INVALID_INPUT', `${formatName} export: cannot use ${dir} (${error.code ?? message(error)}) — choose an empty or new folder`)
    })
    if (existing && existing.length > 0)
      throw new WorkbenchError('INVALID_INPUT', `${formatName} export: folder ${dir} is not empty (${existing.length} entries) — choose an empty or new folder`)
    const labelled = { ...opened.dataset, images: opened.dataset.images.filter((i) => i.labels.status !== 'unlabeled') }
    if (labelled.images.length === 0)
      throw new WorkbenchError('INVALID_INPUT', `Dataset "${opened.dataset.name}" has no labelled images to export — label some first`)
    const partial = `${dir}.partial-${stamp}`
    const common = { sourceRoot: this.datasetDir(datasetId), outDir: partial, signal: options.signal, onProgress: options.onProgress }
    // The first folder this export had to create (the partial one, or a missing parent of it): removed again if it fails.
    let created: string | undefined
    try {
      created = await mkdir(partial, { recursive: true })
      const { files } =
        format === 'yolo'
          ? // Written into the partial folder, read by Ultralytics from the final one.
            await exportYolo(labelled, { ...common, datasetPath: dir, segments: options.segments })
          : format === 'coco'
            ? await exportCoco(labelled, common)
            : format === 'voc'
              ? await exportVoc(labelled, common)
              : await exportClassFolders(labelled, { ...common, ...(options.backgroundClass ? { backgroundClass: options.backgroundClass } : {}) })
      await writeProcessContext(partial, labelled.images)
      if (existing) await rmdir(dir)
      await rename(partial, dir)
      const imageFile = /\.(png|jpe?g|bmp|webp|tiff?)$/i
      return { dir, images: files.filter((f) => imageFile.test(f)).length, files: files.length }
    } catch (error) {
      await rm(created ?? partial, { recursive: true, force: true })
      if (options.signal?.aborted || error instanceof WorkbenchError) throw error
      throw new WorkbenchError('INVALID_INPUT', `${formatName} export of "${opened.dataset.name}" failed: ${message(error)}`)
    }
  }

  /**
   * Imports a folder in `format` as a new dataset. Every label file is parsed and checked before anything is written; the
   * images are copied into a hidden folder that becomes the dataset only when all went well — nothing is imported half-way.
   * An entry that cannot be imported (bad path, unreadable image, broken label) refuses the import with the list of them
   * (details.failures); with `importRest` those are left out and listed in the result instead.
   */
  async importDataset(
    format: VisionExchangeFormat,
    dir: string,
    name: string,
    task: LongTask & { importRest?: boolean } = {},
  ): Promise<VisionDataset & { skipped: ImportFailure[] }> {
    const formatName = FORMAT_NAMES[format]
    const source = path.resolve(dir)
    // A refused path or file keeps its code and details (entry, rule, size) under the import's own message.
    const importFailed = (error: unknown) =>
      new WorkbenchError(
        error instanceof WorkbenchError ? error.code : 'INVALID_INPUT',
        `${formatName} import of ${source} failed, nothing was imported: ${message(error)}`,
        error instanceof WorkbenchError ? error.details : undefined,
      )
    const info = await stat(source).catch(() => undefined)
    if (!info?.isDirectory())
      throw new WorkbenchError(
        'INVALID_INPUT',
        `${formatName} import: ${source} ${info ? 'is a file, not a folder' : 'does not exist'} — enter the dataset's root folder`,
      )
    let total = 0
    const parseProgress = (p: TaskProgress): void => {
      total = p.total
      task.onProgress?.({ done: p.done, total: p.total * 2 })
    }
    const report = new ImportReport()
    const options = { name, signal: task.signal, onProgress: parseProgress, report }
    let dataset: Dataset
    try {
      dataset =
        format === 'yolo'
          ? await importYolo(source, options)
          : format === 'coco'
            ? await importCoco(source, options)
            : format === 'voc'
              ? await importVoc(source, options)
              : await importClassFolders(source, options)
    } catch (error) {
      if (task.signal?.aborted) throw error
      throw importFailed(error)
    }
    dataset = { ...dataset, name }
    if (report.failures.length > 0 && !task.importRest) throw this.entriesRefused(formatName, source, report, dataset.images.length)
    if (dataset.images.length === 0)
      throw new WorkbenchError(
        'INVALID_INPUT',
        report.failures.length > 0
          ? `${formatName} import of ${source}: none of its ${report.failures.length} image(s) can be imported — first: ${report.failures[0].entry}: ${report.failures[0].reason}`
          : `${formatName} import: no images found in ${source} — check the format and folder`,
        report.failures.length > 0 ? { failures: report.failures.slice(0, MAX_LISTED_FAILURES), failureCount: report.failures.length } : undefined,
      )
    total = dataset.images.length
    return this.serial(async () => {
      const id = await this.newId(name)
      const staging = path.join(this.root, 'datasets', `.importing-${id}-${Date.now()}`)
      try {
        const uncopied = new Set<DatasetImage>()
        const copy = async (image: DatasetImage) => {
          const from = containedPath(source, image.file, formatName)
          try {
            await copyInto(from, containedPath(staging, image.file, formatName))
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code
            // Never a bare ENOENT: which image, what happened, what to do.
            const reason = new WorkbenchError(
              'INVALID_INPUT',
              `image ${image.file} cannot be copied from ${from} (${code === 'ENOENT' ? 'it is gone — removed or renamed during the import' : (code ?? message(error))}) — restore the file and import again`,
              { entry: image.file, rule: code === 'ENOENT' ? 'missing' : 'unreadable' },
            )
            if (!task.importRest) throw reason
            report.fail(image.file, reason)
            uncopied.add(image)
          }
        }
        await forEachLimited(dataset.images, COPY_CONCURRENCY, copy, {
          signal: task.signal,
          onDone: (done) => task.onProgress?.({ done: total + done, total: total * 2 }),
        })
        task.signal?.throwIfAborted()
        const kept = uncopied.size > 0 ? { ...dataset, images: dataset.images.filter((i) => !uncopied.has(i)) } : dataset
        if (kept.images.length === 0) throw new WorkbenchError('INVALID_INPUT', `no image of ${source} could be copied — first: ${report.failures[0]?.reason}`)
        const opened: OpenDataset = {
          id,
          dataset: kept,
          sidecar: { reference: {}, anomalyModel: null, demoFrames: 0, imageClassMode: format === 'class-folders' ? 'single' : 'multi' },
        }
        await this.writeFiles(staging, opened)
        await rename(staging, this.datasetDir(id))
        this.open.set(id, opened)
        return { ...this.summary(opened), skipped: report.failures }
      } catch (error) {
        await rm(staging, { recursive: true, force: true })
        if (task.signal?.aborted) throw error
        throw importFailed(error)
      }
    })
  }

  /** The refusal when some entries cannot be imported: the first one's error (code, entry, rule) and the list, capped. */
  private entriesRefused(formatName: string, source: string, report: ImportReport, importable: number): WorkbenchError {
    const first = report.firstError
    const count = report.failures.length
    const firstDetails = first instanceof WorkbenchError && first.details && typeof first.details === 'object' ? first.details : {}
    const entries = `${count} ${count === 1 ? 'entry' : 'entries'}`
    return new WorkbenchError(
      first instanceof WorkbenchError ? first.code : 'INVALID_INPUT',
      // The first entry's own message right after "nothing was imported:", as a refusal always read; then how many and what to do.
      `${formatName} import of ${source} failed, nothing was imported: ${message(first)} — ${entries} cannot be imported${
        importable > 0 ? `, ${importable} can: fix them, or import the rest` : ''
      }`,
      { ...firstDetails, failures: report.failures.slice(0, MAX_LISTED_FAILURES), failureCount: count, importable },
    )
  }

  /** Fits the anomaly model on the confirmed good images (labelled or reviewed, no boxes, no image classes). */
  async trainAnomaly(datasetId: string, task: LongTask = {}): Promise<{ threshold: number; trainedOn: number }> {
    const opened = await this.load(datasetId)
    // Anything on the image (box, polygon, image class or a pending draft) rules it out as a good part.
    const good = opened.dataset.images.filter(isConfirmedGood)
    if (good.length < 2)
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Dataset "${opened.dataset.name}" has ${good.length} confirmed good image(s); the anomaly model needs at least 2 (20+ recommended) — label good parts without boxes`,
      )
    const trained = await trainAnomalyModel({ good: good.map((i) => path.join(this.datasetDir(datasetId), i.file)), name: opened.dataset.name, ...task })
    const file = path.join(this.datasetDir(datasetId), 'anomaly.onnx')
    await writeFile(`${file}.tmp`, trained.bytes)
    await rename(`${file}.tmp`, file)
    await this.detectors.get(datasetId)?.release()
    this.detectors.delete(datasetId)
    await this.serial(async () => {
      opened.sidecar.anomalyModel = { threshold: trained.threshold, trainedOn: trained.trainedOn, trainedAt: new Date().toISOString(), pool: trained.pool }
      await this.save(opened)
    })
    return { threshold: trained.threshold, trainedOn: trained.trainedOn }
  }

  async runAnomaly(datasetId: string, imageId: string): Promise<{ score: number; threshold: number; anomalous: boolean; overlay: string }> {
    const opened = await this.load(datasetId)
    const model = opened.sidecar.anomalyModel
    if (!model) throw new WorkbenchError('NOT_FOUND', `Dataset "${opened.dataset.name}" has no anomaly model yet — train one first`)
    const image = this.image(opened, imageId)
    let detector = this.detectors.get(datasetId)
    if (!detector) {
      const file = path.join(this.datasetDir(datasetId), 'anomaly.onnx')
      const { description, session } = await describeOnnxModel(await readFile(file), file, { kind: 'anomaly' })
      detector = createAnomalyDetector(session, description)
      this.detectors.set(datasetId, detector)
    }
    const rgb = await decodeRgb(path.join(this.datasetDir(datasetId), image.file))
    const result = await detector.score(rgb, { source: image.file })
    const overlay = overlayHeatmap(rgb, scoreMapToImage(result, model.pool), result.threshold)
    return { score: result.score, threshold: result.threshold, anomalous: result.anomalous, overlay: dataUrl('image/png', await encodePng(overlay)) }
  }

  /** For the models side (main/vision-models): the dataset as stored and its folder; read only. */
  async datasetForModels(datasetId: string): Promise<{ dataset: Dataset; dir: string; imageClassMode: VisionImageClassMode }> {
    const opened = await this.load(datasetId)
    return { dataset: opened.dataset, dir: this.datasetDir(datasetId), imageClassMode: opened.sidecar.imageClassMode ?? 'multi' }
  }

  /** For the models side: changes images (pre-labels, review decisions, splits) inside the write queue, then saves once. */
  editForModels<T>(datasetId: string, edit: (dataset: Dataset, settings: { imageClassMode: VisionImageClassMode }) => T): Promise<T> {
    return this.serial(async () => {
      const opened = await this.load(datasetId)
      const result = edit(opened.dataset, { imageClassMode: opened.sidecar.imageClassMode ?? 'multi' })
      await this.save(opened)
      return result
    })
  }

  async close(): Promise<void> {
    await this.queue
    await Promise.allSettled([...this.detectors.values()].map((d) => d.release()))
    this.detectors.clear()
    this.open.clear()
  }

  private async load(id: string): Promise<OpenDataset> {
    const cached = this.open.get(id)
    if (cached) return cached
    const dir = this.datasetDir(id)
    const text = await readFile(path.join(dir, 'dataset.json'), 'utf8').catch(() => {
      throw new WorkbenchError('NOT_FOUND', `Vision dataset "${id}" does not exist in ${path.join(this.root, 'datasets')} — create it first`)
    })
    const dataset = parseDataset(JSON.parse(text), path.join(dir, 'dataset.json'))
    const sidecar: DatasetSidecar = await readFile(path.join(dir, 'workbench.json'), 'utf8')
      .then((t) => JSON.parse(t) as DatasetSidecar)
      .catch(() => ({ reference: {}, anomalyModel: null, demoFrames: dataset.images.length }))
    const opened = { id, dataset, sidecar }
    this.open.set(id, opened)
    return opened
  }

  private save(opened: OpenDataset): Promise<void> {
    return this.writeFiles(this.datasetDir(opened.id), opened)
  }

  private async writeFiles(dir: string, opened: OpenDataset): Promise<void> {
    // Write then rename: a crash mid-save never leaves half a dataset file.
    for (const [name, value] of [
      ['dataset.json', opened.dataset],
      ['workbench.json', opened.sidecar],
    ] as const) {
      await writeFile(path.join(dir, `${name}.tmp`), JSON.stringify(value, null, 1))
      await rename(path.join(dir, `${name}.tmp`), path.join(dir, name))
    }
  }

  /** The image with this id, or undefined; the models side may replace or reorder images, so a stale position is rebuilt. */
  private findImage(opened: OpenDataset, imageId: string): DatasetImage | undefined {
    const images = opened.dataset.images
    let positions = this.positions.get(images)
    let at = positions?.get(imageId)
    if (!positions || (at !== undefined && images[at]?.id !== imageId) || (at === undefined && positions.size !== images.length)) {
      positions = new Map(images.map((i, index) => [i.id, index]))
      this.positions.set(images, positions)
      at = positions.get(imageId)
    }
    return at === undefined ? undefined : images[at]
  }

  private image(opened: OpenDataset, imageId: string): DatasetImage {
    const image = this.findImage(opened, imageId)
    if (!image) throw new WorkbenchError('NOT_FOUND', `Image "${imageId}" is not in dataset "${opened.dataset.name}" — refresh the image list`)
    return image
  }

  private imageInfo(opened: OpenDataset, image: DatasetImage): VisionImage {
    const reference = opened.sidecar.reference[image.id]
    return {
      id: image.id,
      width: image.width,
      height: image.height,
      status: image.labels.status,
      ...(image.split ? { split: image.split } : {}),
      boxes: image.labels.boxes.map(toContractBox),
      polygons: image.labels.polygons.map(toContractPolygon),
      classes: image.labels.classes,
      classDrafts: classDraftsOf(image).map((d) => ({ classId: d.classId, confidence: d.confidence })),
      ...(reference ? { reference } : {}),
    }
  }

  private summary(opened: OpenDataset): VisionDataset {
    const byStatus: Record<string, number> = { unlabeled: 0, labeled: 0, reviewed: 0, rejected: 0 }
    const bySplit: SplitCounts = { train: 0, val: 0, test: 0, none: 0 }
    for (const image of opened.dataset.images) {
      byStatus[image.labels.status]++
      if (isSplittable(image)) bySplit[image.split ?? 'none']++
    }
    const model = opened.sidecar.anomalyModel
    return {
      id: opened.id,
      name: opened.dataset.name,
      classes: opened.dataset.classes,
      imageClassMode: opened.sidecar.imageClassMode ?? 'multi',
      images: opened.dataset.images.length,
      byStatus,
      bySplit,
      anomalyModel: model ? { threshold: model.threshold, trainedOn: model.trainedOn, trainedAt: model.trainedAt } : null,
    }
  }
}
