// Ultralytics YOLO detection layout: images/<split>/*, labels/<split>/*.txt ("class cx cy w h", normalised), data.yaml.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import YAML from 'yaml'
import { type Box, type Dataset, type DatasetImage, exportableBoxes, parseDataset, type Split, SPLITS } from '../datasets/annotations'
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
  /** Written as `path:` in data.yaml; default the absolute output folder, which is what Ultralytics resolves best. */
  datasetPath?: string
  includeDrafts?: boolean
}

/** One label line per box; polygons and image-level classes have no place in a detection label file. */
export function formatYoloLabels(boxes: readonly Box[], width: number, height: number): string {
  return boxes
    .map(
      (b) => [String(b.classId), fixed6((b.x + b.w / 2) / width), fixed6((b.y + b.h / 2) / height), fixed6(b.w / width), fixed6(b.h / height)].join(' ') + '\n',
    )
    .join('')
}

/** Parses one label file; every problem names the file and line. */
export function parseYoloLabels(text: string, file: string, width: number, height: number, classCount: number): Box[] {
  const boxes: Box[] = []
  const tolerance = 1e-4
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '') return
    const lineNo = index + 1
    const fields = line.split(/\s+/)
    if (fields.length !== 5)
      throw new LabelFileError(
        file,
        lineNo,
        `expected 5 fields "class cx cy w h", found ${fields.length} ("${line}") — segmentation or prediction files are not detection labels`,
      )
    const numbers = fields.map(Number)
    const bad = fields.findIndex((f, i) => f === '' || !Number.isFinite(numbers[i]))
    if (bad >= 0) throw new LabelFileError(file, lineNo, `field ${bad + 1} "${fields[bad]}" is not a number`)
    const [cls, cx, cy, w, h] = numbers
    if (!Number.isInteger(cls) || cls < 0 || cls >= classCount)
      throw new LabelFileError(file, lineNo, `class ${fields[0]} is not one of the ${classCount} classes in data.yaml (0..${classCount - 1})`)
    if (w <= 0 || h <= 0) throw new LabelFileError(file, lineNo, `width and height must be > 0, got w=${fields[3]} h=${fields[4]}`)
    if (cx - w / 2 < -tolerance || cy - h / 2 < -tolerance || cx + w / 2 > 1 + tolerance || cy + h / 2 > 1 + tolerance)
      throw new LabelFileError(file, lineNo, `box ${fields.slice(1).join(' ')} reaches outside the image — coordinates must be normalised to 0..1`)
    const x = Math.max(0, (cx - w / 2) * width)
    const y = Math.max(0, (cy - h / 2) * height)
    boxes.push({ classId: cls, x, y, w: Math.min(w * width, width - x), h: Math.min(h * height, height - y) })
  })
  return boxes
}

export async function exportYolo(input: Dataset, options: YoloExportOptions): Promise<{ files: string[] }> {
  const dataset = parseDataset(input)
  const images = dataset.images.filter((i) => i.labels.status !== 'rejected')
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
    // An unlabeled image gets no label file; a labeled one without boxes gets an empty file (a confirmed background).
    if (image.labels.status !== 'unlabeled') {
      const labelOut = `labels/${split}/${stem(name)}.txt`
      await mkdir(path.dirname(path.join(options.outDir, labelOut)), { recursive: true })
      await writeFile(path.join(options.outDir, labelOut), formatYoloLabels(exportableBoxes(image, options.includeDrafts), image.width, image.height))
      files.push(labelOut)
    }
    options.onProgress?.({ done: done + 1, total: images.length })
  }
  const yaml = new YAML.Document({
    path: options.datasetPath ?? path.resolve(options.outDir),
    train: 'images/train',
    val: 'images/val',
    ...(splitsUsed.has('test') ? { test: 'images/test' } : {}),
    names: new Map(dataset.classes.map((name, i) => [i, name])),
  })
  await mkdir(options.outDir, { recursive: true })
  await writeFile(path.join(options.outDir, 'data.yaml'), yaml.toString())
  files.push('data.yaml')
  return { files: files.sort() }
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

export async function importYolo(dir: string, options: LongTaskOptions & { name?: string } = {}): Promise<Dataset> {
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
  for (const split of SPLITS) {
    const entry = (doc as Record<string, unknown>)[split]
    if (typeof entry !== 'string') continue
    const source = `${yamlFile} ${split}`
    const imagesDir = containedRelativePath(entry, { folder: dir, source })
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
    for (const name of await listImages(path.join(dir, imagesDir), root)) {
      containedFileName(name, { folder: path.join(dir, imagesDir) })
      found.push({ split, imageRel: path.posix.join(imagesDir, name), labelRel: path.posix.join(labelsDir, `${stem(name)}.txt`) })
    }
  }
  const images: DatasetImage[] = []
  for (const [done, item] of found.entries()) {
    options.signal?.throwIfAborted()
    const { width, height } = await imageSize(path.join(dir, item.imageRel))
    const labelFile = await root.resolve(item.labelRel, 'YOLO label file')
    // No label file is an unlabeled image; read at once rather than checked first, as 20,000 files may be imported.
    const text = await readCheckedText(labelFile, 'labelFile').catch((error: unknown) => {
      if (error instanceof RefusedFileError && error.details.rule === 'missing') return undefined
      throw error
    })
    const labelled = text !== undefined
    const boxes = labelled ? parseYoloLabels(text, labelFile, width, height, classes.length) : []
    images.push({
      id: stem(item.imageRel),
      file: item.imageRel,
      width,
      height,
      context: {},
      split: item.split,
      labels: { classes: [], boxes, polygons: [], status: labelled ? 'labeled' : 'unlabeled' },
    })
    options.onProgress?.({ done: done + 1, total: found.length })
  }
  return parseDataset({ name: options.name ?? path.basename(path.resolve(dir)), classes, images }, `YOLO dataset ${dir}`)
}
