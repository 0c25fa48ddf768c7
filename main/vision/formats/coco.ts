// COCO detection JSON: annotations.json + images/; our extra fields are prefixed "otw_" so other tools ignore them.
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import {
  classDraftsOf,
  type Dataset,
  type DatasetImage,
  exportableBoxes,
  exportablePolygons,
  parseDataset,
  parseImported,
  type Polygon,
  type Split,
} from '../datasets/annotations'
import { type ImportReport, perEntry } from '../datasets/import-report'
import { rleBox } from './coco-rle'
import { checkFile, readCheckedText } from '../../files/checked-file'
import { type ContainedFolder, containedFileName, containedFolder, containedRelativePath } from '../../files/contained-path'
import { copyInto, datasetFolder, exists, LabelFileError, type LongTaskOptions, stem, uniqueBaseNames } from '../datasets/dataset-files'

export interface CocoExportOptions extends LongTaskOptions {
  sourceRoot: string
  outDir: string
  includeDrafts?: boolean
}

const CocoImageSchema = z
  .object({
    id: z.number(),
    file_name: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    date_captured: z.string().optional(),
    otw_id: z.string().optional(),
    otw_context: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    otw_status: z.enum(['unlabeled', 'labeled', 'reviewed', 'rejected']).optional(),
    otw_split: z.enum(['train', 'val', 'test']).optional(),
    otw_classes: z.array(z.number().int().nonnegative()).optional(),
    /** Image-level classes a classifier proposed, not yet confirmed (written only when drafts are asked for). */
    otw_class_drafts: z.array(z.object({ class_id: z.number().int().nonnegative(), confidence: z.number().min(0).max(1) })).optional(),
  })
  .loose()

const CocoAnnotationSchema = z
  .object({
    id: z.number(),
    image_id: z.number(),
    category_id: z.number(),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    segmentation: z.unknown().optional(),
    iscrowd: z.union([z.literal(0), z.literal(1), z.boolean()]).optional(),
    otw_confidence: z.number().optional(),
    otw_draft: z.boolean().optional(),
  })
  .loose()

const RleSchema = z.object({
  counts: z.union([z.string(), z.array(z.number())]),
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
})

/** The file's frame; images and annotations are checked one by one, so one bad entry can be left out ("import the rest"). */
const CocoFileSchema = z.object({
  info: z.object({ description: z.string().optional() }).loose().optional(),
  images: z.array(z.unknown()),
  annotations: z.array(z.unknown()).default([]),
  categories: z.array(z.object({ id: z.number(), name: z.string() }).loose()).min(1),
})

function polygonArea(points: Polygon['points']): number {
  let twice = 0
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i]
    const [x1, y1] = points[(i + 1) % points.length]
    twice += x0 * y1 - x1 * y0
  }
  return Math.abs(twice) / 2
}

export async function exportCoco(input: Dataset, options: CocoExportOptions): Promise<{ files: string[] }> {
  const dataset = parseDataset(input)
  const names = uniqueBaseNames(dataset.images, 'COCO')
  const files: string[] = []
  const images: unknown[] = []
  const annotations: unknown[] = []
  for (const [index, image] of dataset.images.entries()) {
    options.signal?.throwIfAborted()
    const imageId = index + 1
    const name = names.get(image.id)!
    await copyInto(path.join(options.sourceRoot, image.file), path.join(options.outDir, 'images', name))
    files.push(`images/${name}`)
    images.push({
      id: imageId,
      file_name: name,
      width: image.width,
      height: image.height,
      ...(image.captureTime !== undefined ? { date_captured: image.captureTime } : {}),
      otw_id: image.id,
      otw_context: image.context,
      otw_status: image.labels.status,
      ...(image.split ? { otw_split: image.split } : {}),
      otw_classes: image.labels.classes,
      ...(options.includeDrafts && classDraftsOf(image).length > 0
        ? { otw_class_drafts: classDraftsOf(image).map((d) => ({ class_id: d.classId, confidence: d.confidence })) }
        : {}),
    })
    for (const box of exportableBoxes(image, options.includeDrafts)) {
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: box.classId + 1,
        bbox: [box.x, box.y, box.w, box.h],
        area: box.w * box.h,
        iscrowd: 0,
        segmentation: [],
        ...(box.confidence !== undefined ? { otw_confidence: box.confidence } : {}),
        ...(box.draft ? { otw_draft: true } : {}),
      })
    }
    for (const polygon of exportablePolygons(image, options.includeDrafts)) {
      const xs = polygon.points.map((p) => p[0])
      const ys = polygon.points.map((p) => p[1])
      const x = Math.min(...xs)
      const y = Math.min(...ys)
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: polygon.classId + 1,
        bbox: [x, y, Math.max(...xs) - x, Math.max(...ys) - y],
        area: polygonArea(polygon.points),
        iscrowd: 0,
        segmentation: [polygon.points.flat()],
        ...(polygon.confidence !== undefined ? { otw_confidence: polygon.confidence } : {}),
        ...(polygon.draft ? { otw_draft: true } : {}),
      })
    }
    options.onProgress?.({ done: index + 1, total: dataset.images.length })
  }
  const coco = {
    info: { description: dataset.name },
    images,
    annotations,
    categories: dataset.classes.map((name, i) => ({ id: i + 1, name, supercategory: 'defect' })),
  }
  await mkdir(options.outDir, { recursive: true })
  await writeFile(path.join(options.outDir, 'annotations.json'), JSON.stringify(coco, null, 2) + '\n')
  files.push('annotations.json')
  return { files: files.sort() }
}

/** Where the COCO files of a folder are: our annotations.json beside images/, or CVAT's and Datumaro's annotations/instances_<subset>.json. */
async function findCocoFiles(
  dir: string,
  options: { annotationsFile?: string; imagesFolder?: string },
): Promise<{ annotations: string; images: string; split?: Split }[]> {
  if (options.annotationsFile) return [{ annotations: options.annotationsFile, images: options.imagesFolder ?? 'images' }]
  if (await exists(path.join(dir, 'annotations.json'))) return [{ annotations: 'annotations.json', images: options.imagesFolder ?? 'images' }]
  const instances = (await readdir(path.join(dir, 'annotations')).catch(() => [] as string[])).filter((n) => /^instances_.+\.json$/.test(n)).sort()
  const found: { annotations: string; images: string; split?: Split }[] = []
  for (const name of instances) {
    const subset = name.slice('instances_'.length, -'.json'.length)
    // CVAT puts a task's images in images/ ("default" subset) or images/<subset>/; Datumaro in images/<subset>/.
    const images = options.imagesFolder ?? ((await exists(path.join(dir, 'images', subset))) ? `images/${subset}` : 'images')
    const split = SPLIT_OF_SUBSET[subset.toLowerCase()]
    found.push({ annotations: `annotations/${name}`, images, ...(split ? { split } : {}) })
  }
  return found
}

/** Each imported image's file_name as the COCO file wrote it: what a failure is listed under. */
const entryNames = new WeakMap<DatasetImage, string>()

const SPLIT_OF_SUBSET: Record<string, Split> = { train: 'train', training: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test', testing: 'test' }

/**
 * Reads a COCO folder (ours, or CVAT's / Datumaro's annotations/instances_*.json layout, every subset). With a report, an image
 * whose entry, file or annotations are wrong is left out and recorded (see import-report.ts); without one it ends the import.
 */
export async function importCoco(
  dir: string,
  options: LongTaskOptions & { annotationsFile?: string; imagesFolder?: string; report?: ImportReport } = {},
): Promise<Dataset> {
  const root = await datasetFolder(dir, 'COCO')
  const sources = await findCocoFiles(dir, options)
  if (sources.length === 0)
    throw new Error(`COCO import: neither ${path.join(dir, 'annotations.json')} nor annotations/instances_*.json (CVAT) found — pass the folder holding them`)
  const classes: string[] = []
  const images: DatasetImage[] = []
  const failed = new Set<DatasetImage>()
  let name: string | undefined
  for (const source of sources) {
    const read = await readCocoFile(dir, root, source, classes, options)
    name ??= read.name
    images.push(...read.images)
    for (const image of read.failed) failed.add(image)
  }
  const kept = images.filter((i) => !failed.has(i))
  return parseImported(
    { name: name ?? path.basename(path.resolve(dir)), classes, images: kept },
    `COCO folder ${dir}`,
    options.report,
    (i) => entryNames.get(kept[i]) ?? kept[i].file,
  )
}

async function readCocoFile(
  dir: string,
  root: ContainedFolder,
  source: { annotations: string; images: string; split?: Split },
  classes: string[],
  options: LongTaskOptions & { report?: ImportReport },
): Promise<{ name?: string; images: DatasetImage[]; failed: Set<DatasetImage> }> {
  const report = options.report
  const file = path.join(dir, source.annotations)
  const imagesFolder = containedRelativePath(source.images, { folder: dir, source: 'COCO images folder' })
  if (!(await exists(file))) throw new Error(`COCO import: ${file} not found — pass the folder holding annotations.json (or name the file)`)
  await root.resolve(source.annotations, 'COCO annotations file')
  const text = await readCheckedText(file, 'cocoAnnotations')
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new LabelFileError(file, undefined, `not valid JSON: ${(error as Error).message}`)
  }
  const parsed = CocoFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LabelFileError(file, undefined, `${issue.path.join('.')}: ${issue.message} (${parsed.error.issues.length} problem(s)) — fix the COCO file`)
  }
  const coco = parsed.data
  // Category ids may have gaps (COCO's own do); class ids are their rank, merged by name across CVAT's subsets.
  const classOf = new Map<number, number>()
  for (const category of [...coco.categories].sort((a, b) => a.id - b.id)) {
    if (!classes.includes(category.name)) classes.push(category.name)
    classOf.set(category.id, classes.indexOf(category.name))
  }
  const byImageId = new Map<number, DatasetImage>()
  const images: DatasetImage[] = []
  const failed = new Set<DatasetImage>()
  const imagesDir = path.join(dir, imagesFolder)
  await root.resolve(imagesFolder, 'COCO images folder')
  // Without an images folder there is nothing to follow links in; the copy reports the missing files.
  const imagesRoot = (await exists(imagesDir)) ? await containedFolder(imagesDir) : undefined
  const entryName = (entry: unknown, i: number): string => {
    const fileName = (entry as { file_name?: unknown } | null)?.file_name
    return typeof fileName === 'string' ? fileName : `${source.annotations} images[${i}]`
  }
  for (const [done, rawEntry] of coco.images.entries()) {
    options.signal?.throwIfAborted()
    const image = await perEntry(
      report,
      entryName(rawEntry, done),
      async () => {
        const checked = CocoImageSchema.safeParse(rawEntry)
        if (!checked.success) {
          const issue = checked.error.issues[0]
          throw new LabelFileError(file, undefined, `images[${done}].${issue.path.join('.')}: ${issue.message} — fix the COCO file`)
        }
        const entry = checked.data
        if (byImageId.has(entry.id)) throw new LabelFileError(file, undefined, `images[${done}]: duplicate image id ${entry.id}`)
        const fileNameSource = `${file} images[${done}].file_name`
        const fileName = containedRelativePath(entry.file_name, { folder: imagesDir, source: fileNameSource })
        await imagesRoot?.resolve(fileName, fileNameSource)
        // Checked here, before anything is copied: copyFile would wait for good on a FIFO named like an image.
        await checkFile(path.join(imagesDir, fileName), 'image')
        const image: DatasetImage = {
          // The id names the image's thumbnail file, so it must be one safe name.
          id:
            entry.otw_id !== undefined
              ? containedFileName(entry.otw_id, { folder: "the dataset's thumbs folder", source: `${file} images[${done}].otw_id` })
              : stem(fileName),
          file: path.posix.join(imagesFolder, fileName),
          width: entry.width,
          height: entry.height,
          ...(entry.date_captured !== undefined ? { captureTime: entry.date_captured } : {}),
          context: entry.otw_context ?? {},
          ...(entry.otw_split ? { split: entry.otw_split } : source.split ? { split: source.split } : {}),
          labels: {
            classes: entry.otw_classes ?? [],
            ...(entry.otw_class_drafts ? { classDrafts: entry.otw_class_drafts.map((d) => ({ classId: d.class_id, confidence: d.confidence })) } : {}),
            boxes: [],
            polygons: [],
            status: entry.otw_status ?? 'labeled',
          },
        }
        byImageId.set(entry.id, image)
        entryNames.set(image, entry.file_name)
        return image
      },
      options.signal,
    )
    if (image) images.push(image)
    options.onProgress?.({ done: done + 1, total: coco.images.length })
  }
  const listedIds = new Set(coco.images.map((e) => (e as { id?: unknown } | null)?.id))
  for (const [i, rawAnnotation] of coco.annotations.entries()) {
    const imageId = (rawAnnotation as { image_id?: unknown } | null)?.image_id
    const image = typeof imageId === 'number' ? byImageId.get(imageId) : undefined
    // An annotation of an image left out already (its entry was wrong) is left out with it.
    if (!image && report && listedIds.has(imageId)) continue
    const ok = await perEntry(report, image ? (entryNames.get(image) ?? image.file) : `${source.annotations} annotations[${i}]`, () =>
      addAnnotation(image, rawAnnotation, i, file, classOf),
    )
    // A half-labelled image would teach a model that the missing defect is background: it goes as a whole.
    if (ok === undefined && image) failed.add(image)
  }
  // CVAT writes an empty description.
  return { name: coco.info?.description || undefined, images, failed }
}

function addAnnotation(image: DatasetImage | undefined, rawAnnotation: unknown, i: number, file: string, classOf: Map<number, number>): true {
  const checked = CocoAnnotationSchema.safeParse(rawAnnotation)
  const id = (rawAnnotation as { id?: unknown } | null)?.id
  const where = `annotations[${i}]${typeof id === 'number' ? ` (id ${id})` : ''}`
  if (!checked.success) {
    const issue = checked.error.issues[0]
    throw new LabelFileError(file, undefined, `${where}.${issue.path.join('.')}: ${issue.message} — fix the COCO file`)
  }
  const a = checked.data
  if (!image) throw new LabelFileError(file, undefined, `${where}: image_id ${a.image_id} is not in "images"`)
  const classId = classOf.get(a.category_id)
  if (classId === undefined) throw new LabelFileError(file, undefined, `${where}: category_id ${a.category_id} is not in "categories"`)
  const draft = { ...(a.otw_confidence !== undefined ? { confidence: a.otw_confidence } : {}), ...(a.otw_draft ? { draft: true } : {}) }
  const segmentation = a.segmentation
  if (Array.isArray(segmentation) && segmentation.length > 0) {
    for (const ring of segmentation) {
      if (!Array.isArray(ring) || ring.length < 6 || ring.length % 2 !== 0 || !ring.every((v) => typeof v === 'number'))
        throw new LabelFileError(file, undefined, `${where}: segmentation must be lists of x,y numbers with at least 3 points`)
      const points: [number, number][] = []
      for (let k = 0; k < ring.length; k += 2) points.push([ring[k], ring[k + 1]])
      image.labels.polygons.push({ classId, points, ...draft })
    }
  } else if (segmentation !== undefined && segmentation !== null && !Array.isArray(segmentation)) {
    // An RLE mask (iscrowd regions, CVAT masks): the dataset keeps boxes and polygons, so the mask's extent becomes a box.
    const rle = RleSchema.safeParse(segmentation)
    if (!rle.success) throw new LabelFileError(file, undefined, `${where}: segmentation is neither polygons nor an RLE mask {counts, size: [height, width]}`)
    const [height, width] = rle.data.size
    if (height !== image.height || width !== image.width)
      throw new LabelFileError(file, undefined, `${where}: RLE mask is ${width}×${height}, its image ${image.width}×${image.height}`)
    let box: ReturnType<typeof rleBox>
    try {
      box = rleBox(rle.data)
    } catch (error) {
      throw new LabelFileError(file, undefined, `${where}: ${(error as Error).message}`)
    }
    if (box) image.labels.boxes.push({ classId, ...box, ...draft })
  } else {
    const [x, y, w, h] = a.bbox
    image.labels.boxes.push({ classId, x, y, w, h, ...draft })
  }
  return true
}
