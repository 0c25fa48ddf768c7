// Test fixture: the formats' own rules, written from their sources, to check exports with rather than our own importers.
// - checkUltralyticsDataset: what Ultralytics does before and while it trains (ultralytics/data/utils.py:
//   check_det_dataset, img2label_paths, verify_image_label), errors as fatal, warnings for what it silently repairs.
// - checkCocoAnnotations: the COCO annotation schema (cocodataset.org "Data format", object detection and segmentation)
//   and what pycocotools' COCO() index and COCOeval rely on (unique ids, references that resolve, bbox inside the image).
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import YAML from 'yaml'

/** Ultralytics IMG_FORMATS. */
const IMG_FORMATS = new Set(['bmp', 'dng', 'jpeg', 'jpg', 'mpo', 'png', 'tif', 'tiff', 'webp', 'pfm', 'heic'])

export interface UltralyticsReport {
  errors: string[]
  warnings: string[]
  /** Per split key: images found, label files with rows, empty label files (backgrounds), images without a label file. */
  splits: Record<string, { images: number; labelled: number; backgrounds: number; missing: number; segments: number }>
  names: string[]
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/** Ultralytics' img2label_paths: the last "/images/" becomes "/labels/", the extension ".txt". */
export function img2labelPath(imageFile: string): string {
  const sa = `${path.sep}images${path.sep}`
  const sb = `${path.sep}labels${path.sep}`
  const at = imageFile.lastIndexOf(sa)
  const swapped = at < 0 ? imageFile : imageFile.slice(0, at) + sb + imageFile.slice(at + sa.length)
  return swapped.replace(/\.[^./\\]+$/, '') + '.txt'
}

/**
 * Checks a YOLO data.yaml and everything it points at as Ultralytics would. `datasetsDir` is Ultralytics' DATASETS_DIR
 * setting, which a relative `path:` resolves against (not against the yaml's folder).
 */
export async function checkUltralyticsDataset(
  yamlFile: string,
  options: { datasetsDir?: string; task?: 'detect' | 'segment' } = {},
): Promise<UltralyticsReport> {
  const errors: string[] = []
  const warnings: string[] = []
  const report: UltralyticsReport = { errors, warnings, splits: {}, names: [] }
  const data = YAML.parse(await readFile(yamlFile, 'utf8')) as Record<string, unknown>
  for (const key of ['train', 'val']) {
    if (!(key in data) && !(key === 'val' && 'validation' in data)) errors.push(`'${key}:' key missing — 'train' and 'val' are required in all data YAMLs`)
  }
  if (!('names' in data) && !('nc' in data)) errors.push("key 'names' or 'nc' missing")
  let names: string[] = []
  if (Array.isArray(data.names)) names = data.names.map(String)
  else if (data.names && typeof data.names === 'object') {
    const entries = Object.entries(data.names as Record<string, unknown>)
    const keys = entries.map(([k]) => Number(k)).sort((a, b) => a - b)
    if (!keys.every((k, i) => k === i)) errors.push(`class indices ${keys.join(',')} must be 0-indexed without gaps`)
    names = keys.map((k) => String((data.names as Record<string, unknown>)[k]))
  }
  if ('nc' in data && names.length > 0 && data.nc !== names.length) errors.push(`${names.length} names and nc: ${String(data.nc)} must match`)
  report.names = names
  const nc = names.length || Number(data.nc)
  // check_det_dataset: path = data.path or the yaml's folder; a relative path is DATASETS_DIR / path.
  let root = typeof data.path === 'string' && data.path !== '' ? data.path : path.dirname(yamlFile)
  if (!path.isAbsolute(root)) {
    if (!options.datasetsDir) errors.push(`path: "${root}" is relative; Ultralytics resolves it against its DATASETS_DIR setting, not the yaml's folder`)
    root = path.resolve(options.datasetsDir ?? path.dirname(yamlFile), root)
  }
  const task = options.task ?? 'detect'
  for (const key of ['train', 'val', 'test']) {
    const entry = data[key]
    if (entry === undefined || entry === null) continue
    for (const rel of Array.isArray(entry) ? entry : [entry]) {
      const dir = path.isAbsolute(String(rel)) ? String(rel) : path.resolve(root, String(rel))
      if (!(await exists(dir))) {
        errors.push(`Dataset images not found, missing path '${dir}' (${key})`)
        continue
      }
      const split = { images: 0, labelled: 0, backgrounds: 0, missing: 0, segments: 0 }
      report.splits[key] = split
      for (const name of (await readdir(dir)).sort()) {
        const ext = name.split('.').pop()!.toLowerCase()
        if (!IMG_FORMATS.has(ext)) continue
        split.images++
        const imageFile = path.join(dir, name)
        const meta = await sharp(imageFile).metadata()
        if (!meta.width || !meta.height || meta.width < 10 || meta.height < 10) errors.push(`${imageFile}: image size ${meta.width}x${meta.height} <10 pixels`)
        const labelFile = img2labelPath(imageFile)
        if (!(await exists(labelFile))) {
          split.missing++
          continue
        }
        const rows = (await readFile(labelFile, 'utf8'))
          .trim()
          .split(/\r?\n/)
          .filter((l) => l.length > 0)
          .map((l) => l.trim().split(/\s+/))
        if (rows.length === 0) {
          split.backgrounds++
          continue
        }
        split.labelled++
        const segment = rows.some((r) => r.length > 6)
        if (segment) split.segments++
        if (segment && rows.some((r) => r.length <= 6))
          errors.push(`${labelFile}: box rows mixed with segment rows (Ultralytics reads every row as a segment then)`)
        if (task === 'detect' && segment) warnings.push(`${labelFile}: segment rows; a detect run uses their boxes`)
        const seen = new Set<string>()
        for (const [i, row] of rows.entries()) {
          const where = `${labelFile}:${i + 1}`
          const values = row.map(Number)
          if (values.some((v) => !Number.isFinite(v))) errors.push(`${where}: not numbers`)
          if (segment ? (row.length - 1) % 2 !== 0 || row.length < 7 : row.length !== 5)
            errors.push(`${where}: labels require 5 columns (segments: class and x y pairs), ${row.length} columns detected`)
          if (values.some((v) => v < 0)) errors.push(`${where}: negative label values`)
          if (values.slice(1).some((v) => v > 1)) errors.push(`${where}: non-normalized or out of bounds coordinates`)
          if (!Number.isInteger(values[0]) || values[0] >= nc) errors.push(`${where}: Label class ${row[0]} exceeds dataset class count ${nc}`)
          if (!segment && (values[3] <= 0 || values[4] <= 0)) errors.push(`${where}: zero-size box`)
          const key = row.join(' ')
          if (seen.has(key)) warnings.push(`${where}: duplicate labels removed`)
          seen.add(key)
        }
      }
      if (split.images === 0) errors.push(`${key}: no images in ${dir}`)
    }
  }
  return report
}

export interface CocoReport {
  errors: string[]
  images: number
  annotations: number
  categories: number
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Checks a COCO detection/segmentation annotation file against the schema; `imagesDir` checks that every file_name exists. */
export async function checkCocoAnnotations(file: string, options: { imagesDir?: string } = {}): Promise<CocoReport> {
  const errors: string[] = []
  const coco = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  for (const key of ['images', 'annotations', 'categories']) if (!Array.isArray(coco[key])) errors.push(`"${key}" must be an array`)
  if (errors.length > 0) return { errors, images: 0, annotations: 0, categories: 0 }
  const images = coco.images as Record<string, unknown>[]
  const annotations = coco.annotations as Record<string, unknown>[]
  const categories = coco.categories as Record<string, unknown>[]
  const imageById = new Map<number, Record<string, unknown>>()
  for (const [i, image] of images.entries()) {
    const where = `images[${i}]`
    if (!isInt(image.id)) errors.push(`${where}.id must be an integer`)
    else if (imageById.has(image.id)) errors.push(`${where}.id ${image.id} is not unique`)
    else imageById.set(image.id, image)
    if (!isInt(image.width) || image.width <= 0) errors.push(`${where}.width must be a positive integer`)
    if (!isInt(image.height) || image.height <= 0) errors.push(`${where}.height must be a positive integer`)
    if (typeof image.file_name !== 'string' || image.file_name === '') errors.push(`${where}.file_name must be a string`)
    else if (options.imagesDir && !(await exists(path.join(options.imagesDir, image.file_name)))) errors.push(`${where}.file_name ${image.file_name} not found`)
  }
  const categoryIds = new Set<number>()
  for (const [i, category] of categories.entries()) {
    const where = `categories[${i}]`
    if (!isInt(category.id)) errors.push(`${where}.id must be an integer`)
    else if (categoryIds.has(category.id)) errors.push(`${where}.id ${category.id} is not unique`)
    else categoryIds.add(category.id)
    if (typeof category.name !== 'string' || category.name === '') errors.push(`${where}.name must be a string`)
    if ('supercategory' in category && typeof category.supercategory !== 'string') errors.push(`${where}.supercategory must be a string`)
  }
  const annotationIds = new Set<number>()
  for (const [i, a] of annotations.entries()) {
    const where = `annotations[${i}]`
    if (!isInt(a.id)) errors.push(`${where}.id must be an integer`)
    else if (annotationIds.has(a.id)) errors.push(`${where}.id ${a.id} is not unique`)
    else annotationIds.add(a.id)
    const image = isInt(a.image_id) ? imageById.get(a.image_id) : undefined
    if (!image) errors.push(`${where}.image_id ${String(a.image_id)} is not an image id`)
    if (!isInt(a.category_id) || !categoryIds.has(a.category_id)) errors.push(`${where}.category_id ${String(a.category_id)} is not a category id`)
    if (a.iscrowd !== 0 && a.iscrowd !== 1) errors.push(`${where}.iscrowd must be 0 or 1`)
    if (!isNum(a.area) || a.area < 0) errors.push(`${where}.area must be a number ≥ 0`)
    const bbox = a.bbox
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(isNum)) errors.push(`${where}.bbox must be [x, y, width, height]`)
    else {
      const [x, y, w, h] = bbox as number[]
      if (w <= 0 || h <= 0) errors.push(`${where}.bbox has no area`)
      if (image && (x < 0 || y < 0 || x + w > (image.width as number) + 0.5 || y + h > (image.height as number) + 0.5))
        errors.push(`${where}.bbox ${bbox.join(',')} leaves the ${String(image.width)}×${String(image.height)} image`)
    }
    const seg = a.segmentation
    if (a.iscrowd === 1) {
      // RLE: {counts, size: [height, width]}; counts a list of run lengths (uncompressed) or a string (compressed).
      const rle = seg as { counts?: unknown; size?: unknown } | undefined
      if (!rle || typeof rle !== 'object' || Array.isArray(rle)) errors.push(`${where}.segmentation must be RLE when iscrowd is 1`)
      else {
        const size = rle.size as number[] | undefined
        if (!Array.isArray(size) || size.length !== 2 || (image && (size[0] !== image.height || size[1] !== image.width)))
          errors.push(`${where}.segmentation.size must be [height, width] of its image`)
        if (Array.isArray(rle.counts)) {
          if (!rle.counts.every((c) => isInt(c) && c >= 0)) errors.push(`${where}.segmentation.counts must be run lengths`)
          else if (Array.isArray(size) && rle.counts.reduce((s: number, c: number) => s + c, 0) !== size[0] * size[1])
            errors.push(`${where}.segmentation.counts must add up to height × width`)
        } else if (typeof rle.counts !== 'string') errors.push(`${where}.segmentation.counts must be a list or a string`)
      }
    } else if (seg !== undefined) {
      if (!Array.isArray(seg)) errors.push(`${where}.segmentation must be a list of polygons when iscrowd is 0`)
      else
        for (const [j, polygon] of (seg as unknown[]).entries())
          if (!Array.isArray(polygon) || polygon.length < 6 || polygon.length % 2 !== 0 || !polygon.every(isNum))
            errors.push(`${where}.segmentation[${j}] must be [x1, y1, x2, y2, x3, y3, …] (≥ 3 points)`)
    }
  }
  return { errors, images: images.length, annotations: annotations.length, categories: categories.length }
}
