// Ultralytics YOLO layout: images/<split>/*, labels/<split>/*.txt, data.yaml. Detection rows are "class cx cy w h";
// segmentation rows "class x1 y1 x2 y2 …" (normalised polygon vertices).
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import YAML from 'yaml'
import {
  type Box,
  type Dataset,
  type DatasetImage,
  exportableBoxes,
  exportablePolygons,
  groundTruthBoxes,
  parseDataset,
  parseImported,
  type Polygon,
  type Split,
  SPLITS,
} from '../datasets/annotations'
import { type ImportReport, perEntry } from '../datasets/import-report'
import { readCheckedText, RefusedFileError } from '../../files/checked-file'
import { containedFileName, containedRelativePath } from '../../files/contained-path'
import {
  copyInto,
  datasetFolder,
  exists,
  fixed6,
  imageSize,
  LabelFileError,
  listImages,
  type LongTaskOptions,
  stem,
  uniqueBaseNames,
} from '../datasets/dataset-files'

export interface YoloExportOptions extends LongTaskOptions {
  /** Folder the image `file` paths are relative to. */
  sourceRoot: string
  outDir: string
  /**
   * Written as `path:` in data.yaml: the folder the dataset will finally live in. Default the absolute output folder; an
   * export written into a staging folder and renamed afterwards must give the final folder here.
   */
  datasetPath?: string
  includeDrafts?: boolean
  /**
   * Segmentation labels (`yolo segment`): a polygon is written as its vertices and a box as its four corners. Without it,
   * detection labels: a box as it is and a polygon as its bounding box.
   */
  segments?: boolean
}

/** One segmentation row per polygon, and per box its four corners; every row "class x1 y1 x2 y2 …" normalised. */
export function formatYoloSegments(boxes: readonly Box[], polygons: readonly Polygon[], width: number, height: number): string {
  const row = (classId: number, points: readonly (readonly [number, number])[]) =>
    [String(classId), ...points.flatMap(([x, y]) => [fixed6(clamp01(x / width)), fixed6(clamp01(y / height))])].join(' ') + '\n'
  return [
    ...boxes.map((b) =>
      row(b.classId, [
        [b.x, b.y],
        [b.x + b.w, b.y],
        [b.x + b.w, b.y + b.h],
        [b.x, b.y + b.h],
      ]),
    ),
    ...polygons.map((p) => row(p.classId, p.points)),
  ].join('')
}

const clamp01 = (v: number) => Math.max(0, Math.min(1, v))

/** One label line per box; polygons and image-level classes have no place in a detection label file. */
export function formatYoloLabels(boxes: readonly Box[], width: number, height: number): string {
  return boxes
    .map(
      (b) => [String(b.classId), fixed6((b.x + b.w / 2) / width), fixed6((b.y + b.h / 2) / height), fixed6(b.w / width), fixed6(b.h / height)].join(' ') + '\n',
    )
    .join('')
}

/** Parses one label file into boxes (detection rows) and polygons (segmentation rows); every problem names the file and line. */
export function parseYoloLabelFile(text: string, file: string, width: number, height: number, classCount: number): { boxes: Box[]; polygons: Polygon[] } {
  const boxes: Box[] = []
  const polygons: Polygon[] = []
  const tolerance = 1e-4
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '') return
    const lineNo = index + 1
    const fields = line.split(/\s+/)
    const segment = fields.length > 5
    if (fields.length < 5 || (segment && (fields.length - 1) % 2 !== 0) || (segment && fields.length < 7))
      throw new LabelFileError(
        file,
        lineNo,
        `expected "class cx cy w h" (5 fields) or a segment "class x1 y1 x2 y2 x3 y3 …" (an odd count, at least 7), found ${fields.length} ("${line}")`,
      )
    const numbers = fields.map(Number)
    const bad = fields.findIndex((f, i) => f === '' || !Number.isFinite(numbers[i]))
    if (bad >= 0) throw new LabelFileError(file, lineNo, `field ${bad + 1} "${fields[bad]}" is not a number`)
    const cls = numbers[0]
    if (!Number.isInteger(cls) || cls < 0 || cls >= classCount)
      throw new LabelFileError(file, lineNo, `class ${fields[0]} is not one of the ${classCount} classes in data.yaml (0..${classCount - 1})`)
    if (segment) {
      const coords = numbers.slice(1)
      if (coords.some((c) => c < -tolerance || c > 1 + tolerance))
        throw new LabelFileError(file, lineNo, `segment reaches outside the image — vertex coordinates must be normalised to 0..1`)
      const points: [number, number][] = []
      for (let i = 0; i < coords.length; i += 2) points.push([clamp01(coords[i]) * width, clamp01(coords[i + 1]) * height])
      polygons.push({ classId: cls, points })
      return
    }
    const [, cx, cy, w, h] = numbers
    if (w <= 0 || h <= 0) throw new LabelFileError(file, lineNo, `width and height must be > 0, got w=${fields[3]} h=${fields[4]}`)
    if (cx - w / 2 < -tolerance || cy - h / 2 < -tolerance || cx + w / 2 > 1 + tolerance || cy + h / 2 > 1 + tolerance)
      throw new LabelFileError(file, lineNo, `box ${fields.slice(1).join(' ')} reaches outside the image — coordinates must be normalised to 0..1`)
    const x = Math.max(0, (cx - w / 2) * width)
    const y = Math.max(0, (cy - h / 2) * height)
    boxes.push({ classId: cls, x, y, w: Math.min(w * width, width - x), h: Math.min(h * height, height - y) })
  })
  return { boxes, polygons }
}

/** Parses a detection label file (segmentation rows become their bounding boxes). */
export function parseYoloLabels(text: string, file: string, width: number, height: number, classCount: number): Box[] {
  const { boxes, polygons } = parseYoloLabelFile(text, file, width, height, classCount)
  return [...boxes, ...polygons.map((p) => ({ classId: p.classId, ...boundsOf(p) }))]
}

function boundsOf(p: Polygon): { x: number; y: number; w: number; h: number } {
  const xs = p.points.map(([x]) => x)
  const ys = p.points.map(([, y]) => y)
  const x = Math.min(...xs)
  const y = Math.min(...ys)
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y }
}

/**
 * Exports the labelled images (labeled or reviewed). Unlabeled images are left out: Ultralytics takes an image without a
 * label file, like one with an empty file, as a confirmed background. A labelled image with nothing on it gets an empty
 * label file. data.yaml lists only split folders that exist: with no val (or train) images, that key points at the split
 * that has images, as Ultralytics needs both.
 */
export async function exportYolo(input: Dataset, options: YoloExportOptions): Promise<{ files: string[]; unlabeled: number }> {
  const dataset = parseDataset(input)
  const images = dataset.images.filter((i) => i.labels.status === 'labeled' || i.labels.status === 'reviewed')
  const unlabeled = dataset.images.filter((i) => i.labels.status === 'unlabeled').length
  const names = uniqueBaseNames(images, 'YOLO')
  const files: string[] = []
  const splitsUsed = new Set<Split>()
  for (const [done, image] of images.entries()) {
    options.signal?.throwIfAborted()
    const split = image.split ?? 'train'
    splitsUsed.add(split)
    const name = names.get(image.id)!
    const imageOut = `images/${split}/${name}`
    await copyInto(path.join(options.sourceRoot, image.file), path.join(options.outDir, imageOut))
    files.push(imageOut)
    const labelOut = `labels/${split}/${stem(name)}.txt`
    await mkdir(path.dirname(path.join(options.outDir, labelOut)), { recursive: true })
    const text = options.segments
      ? formatYoloSegments(exportableBoxes(image, options.includeDrafts), exportablePolygons(image, options.includeDrafts), image.width, image.height)
      : formatYoloLabels(groundTruthBoxes(image, options.includeDrafts), image.width, image.height)
    await writeFile(path.join(options.outDir, labelOut), text)
    files.push(labelOut)
    options.onProgress?.({ done: done + 1, total: images.length })
  }
  const folder = (split: Split) => `images/${split}`
  const firstUsed = (order: Split[]) => order.find((s) => splitsUsed.has(s)) ?? order[0]
  const yaml = new YAML.Document({
    path: options.datasetPath ?? path.resolve(options.outDir),
    train: folder(firstUsed(['train', 'val', 'test'])),
    val: folder(firstUsed(['val', 'train', 'test'])),
    ...(splitsUsed.has('test') ? { test: folder('test') } : {}),
    names: new Map(dataset.classes.map((name, i) => [i, name])),
  })
  if (!splitsUsed.has('val'))
    yaml.commentBefore = ` No val split in this export: val points at ${folder(firstUsed(['val', 'train', 'test']))} — split the dataset for a fair validation.`
  await mkdir(options.outDir, { recursive: true })
  await writeFile(path.join(options.outDir, 'data.yaml'), yaml.toString())
  files.push('data.yaml')
  return { files: files.sort(), unlabeled }
}

/** Reads names from data.yaml: a list or an {index: name} map. */
function readNames(doc: unknown, file: string): string[] {
  const names = (doc as { names?: unknown })?.names
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return names
  if (names && typeof names === 'object') {
    const entries = Object.entries(names as Record<string, unknown>).map(([k, v]) => [Number(k), v] as const)
    const sorted = entries.sort((a, b) => a[0] - b[0])
    if (sorted.every(([k, v], i) => k === i && typeof v === 'string')) return sorted.map(([, v]) => v as string)
  }
  throw new LabelFileError(file, undefined, '`names` must be a list of class names or a map {0: name, 1: name, ...} without gaps — fix data.yaml')
}

export async function importYolo(dir: string, options: LongTaskOptions & { name?: string; report?: ImportReport } = {}): Promise<Dataset> {
  const root = await datasetFolder(dir, 'YOLO')
  const yamlFile = path.join(dir, 'data.yaml')
  if (!(await exists(yamlFile))) throw new Error(`YOLO import: no data.yaml in ${dir} — point at the folder that holds data.yaml`)
  await root.resolve('data.yaml', 'YOLO data.yaml')
  const yamlText = await readCheckedText(yamlFile, 'labelFile')
  let doc: unknown
  try {
    doc = YAML.parse(yamlText)
  } catch (error) {
    throw new LabelFileError(
      yamlFile,
      (error as { linePos?: { line: number }[] }).linePos?.[0]?.line,
      `not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    )
  }
  const classes = readNames(doc, yamlFile)
  const found: { split: Split; imageRel: string; labelRel: string }[] = []
  // "val: images/train" (no val split of its own) is common: a folder listed twice is read once, under its first split.
  const foldersRead = new Set<string>()
  for (const split of SPLITS) {
    const entry = (doc as Record<string, unknown>)[split]
    if (typeof entry !== 'string') continue
    const source = `${yamlFile} ${split}`
    const imagesDir = containedRelativePath(entry, { folder: dir, source })
    if (foldersRead.has(path.posix.normalize(imagesDir))) continue
    foldersRead.add(path.posix.normalize(imagesDir))
    // Ultralytics finds labels by swapping the last "images" folder for "labels".
    const parts = imagesDir.split('/')
    const last = parts.lastIndexOf('images')
    if (last < 0)
      throw new LabelFileError(
        yamlFile,
        undefined,
        `${split}: "${entry}" has no "images" folder, so its labels folder cannot be found — use the images/<split> layout`,
      )
    parts[last] = 'labels'
    const labelsDir = parts.join('/')
    await root.resolve(imagesDir, source)
    await root.resolve(labelsDir, `${source} (its labels folder)`)
    const refusedLink = options.report && ((name: string, error: unknown) => options.report!.fail(path.posix.join(imagesDir, name), error))
    for (const name of await listImages(path.join(dir, imagesDir), root, refusedLink)) {
      const safe = await perEntry(options.report, path.posix.join(imagesDir, name), () => containedFileName(name, { folder: path.join(dir, imagesDir) }))
      if (safe !== undefined) found.push({ split, imageRel: path.posix.join(imagesDir, name), labelRel: path.posix.join(labelsDir, `${stem(name)}.txt`) })
    }
  }
  const images: DatasetImage[] = []
  for (const [done, item] of found.entries()) {
    options.signal?.throwIfAborted()
    const image = await perEntry(
      options.report,
      item.imageRel,
      async (): Promise<DatasetImage> => {
        const { width, height } = await imageSize(path.join(dir, item.imageRel))
        const labelFile = await root.resolve(item.labelRel, 'YOLO label file')
        // No label file is an unlabeled image; read at once rather than checked first, as 20,000 files may be imported.
        const text = await readCheckedText(labelFile, 'labelFile').catch((error: unknown) => {
          if (error instanceof RefusedFileError && error.details.rule === 'missing') return undefined
          throw error
        })
        const labelled = text !== undefined
        const { boxes, polygons } = labelled ? parseYoloLabelFile(text, labelFile, width, height, classes.length) : { boxes: [], polygons: [] }
        return {
          id: stem(item.imageRel),
          file: item.imageRel,
          width,
          height,
          context: {},
          split: item.split,
          labels: { classes: [], boxes, polygons, status: labelled ? 'labeled' : 'unlabeled' },
        }
      },
      options.signal,
    )
    if (image) images.push(image)
    options.onProgress?.({ done: done + 1, total: found.length })
  }
  return parseImported({ name: options.name ?? path.basename(path.resolve(dir)), classes, images }, `YOLO dataset ${dir}`, options.report)
}
