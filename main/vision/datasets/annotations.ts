// The dataset model every format imports to and exports from; zod so files from elsewhere are checked once at the edge.
import { z } from 'zod'
import { UNSAFE_PATH_RULE_TEXT, unsafePathRule } from '../../files/contained-path'

export const REVIEW_STATUSES = ['unlabeled', 'labeled', 'reviewed', 'rejected'] as const
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES)
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>

export const SPLITS = ['train', 'val', 'test'] as const
export const SplitSchema = z.enum(SPLITS)
export type Split = z.infer<typeof SplitSchema>

const classId = z.number().int().nonnegative()

/** Axis-aligned box in pixels; x, y is the top-left corner. */
export const BoxSchema = z.object({
  classId,
  x: z.number().nonnegative(),
  y: z.number().nonnegative(),
  w: z.number().positive(),
  h: z.number().positive(),
  /** Set on model predictions and pre-labels. */
  confidence: z.number().min(0).max(1).optional(),
  /** A pre-label nobody has confirmed yet; exports leave drafts out unless asked. */
  draft: z.boolean().optional(),
})
export type Box = z.infer<typeof BoxSchema>

export const PolygonSchema = z.object({
  classId,
  /** [x, y] vertices in pixels, at least three. */
  points: z.array(z.tuple([z.number(), z.number()])).min(3),
  /** Set on model predictions and pre-labels. */
  confidence: z.number().min(0).max(1).optional(),
  draft: z.boolean().optional(),
})
export type Polygon = z.infer<typeof PolygonSchema>

/** An image-level class a model proposed (classifier pre-label) that nobody has confirmed yet. */
export const ClassDraftSchema = z.object({
  classId,
  confidence: z.number().min(0).max(1),
})
export type ClassDraft = z.infer<typeof ClassDraftSchema>

export const ImageLabelsSchema = z.object({
  /** Image-level classes (classification), e.g. "stain" anywhere on the part. */
  classes: z.array(classId).default([]),
  /**
   * Image-level drafts from a classifier, highest confidence first. Optional so files written before drafts existed (and
   * formats that have none) load unchanged; exports leave them out unless drafts are asked for, like draft boxes.
   */
  classDrafts: z.array(ClassDraftSchema).optional(),
  boxes: z.array(BoxSchema).default([]),
  polygons: z.array(PolygonSchema).default([]),
  status: ReviewStatusSchema.default('unlabeled'),
})
export type ImageLabels = z.infer<typeof ImageLabelsSchema>

export const DatasetImageSchema = z.object({
  id: z.string().min(1),
  /** Path relative to the dataset root, with forward slashes; never one that leads out of it. */
  file: z
    .string()
    .min(1)
    .superRefine((file, context) => {
      const rule = unsafePathRule(file)
      if (rule)
        context.addIssue({ code: 'custom', message: `"${file}" ${UNSAFE_PATH_RULE_TEXT[rule]} — image files must be relative paths inside the dataset folder` })
    }),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** ISO 8601; absent when the source format does not carry it (YOLO, class folders). */
  captureTime: z.string().optional(),
  /** What was true on the line when the picture was taken: recipe, shift, camera, speed... */
  context: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
  split: SplitSchema.optional(),
  labels: ImageLabelsSchema.default({ classes: [], boxes: [], polygons: [], status: 'unlabeled' }),
})
export type DatasetImage = z.infer<typeof DatasetImageSchema>

export const DatasetSchema = z
  .object({
    name: z.string().min(1),
    classes: z.array(z.string().min(1)).min(1),
    images: z.array(DatasetImageSchema),
  })
  .superRefine((dataset, ctx) => {
    const ids = new Set<string>()
    dataset.images.forEach((image, i) => {
      if (ids.has(image.id)) ctx.addIssue({ code: 'custom', path: ['images', i, 'id'], message: `duplicate image id "${image.id}"` })
      ids.add(image.id)
      const check = (id: number, where: (string | number)[]) => {
        if (id >= dataset.classes.length)
          ctx.addIssue({
            code: 'custom',
            path: ['images', i, 'labels', ...where],
            message: `class id ${id} on image "${image.id}" is beyond the ${dataset.classes.length} classes — add the class or fix the label`,
          })
      }
      image.labels.classes.forEach((c, j) => check(c, ['classes', j]))
      image.labels.classDrafts?.forEach((c, j) => check(c.classId, ['classDrafts', j, 'classId']))
      image.labels.boxes.forEach((b, j) => {
        check(b.classId, ['boxes', j, 'classId'])
        // Half a pixel of slack: formats round to pixel centres or to 6 decimals.
        if (b.x + b.w > image.width + 0.5 || b.y + b.h > image.height + 0.5)
          ctx.addIssue({
            code: 'custom',
            path: ['images', i, 'labels', 'boxes', j],
            message: `box ${j} on image "${image.id}" (${b.x},${b.y} ${b.w}×${b.h}) leaves the ${image.width}×${image.height} image`,
          })
      })
      image.labels.polygons.forEach((p, j) => check(p.classId, ['polygons', j, 'classId']))
    })
  })
export type Dataset = z.infer<typeof DatasetSchema>

/** Parses a dataset and turns zod issues into one readable message per problem. */
export function parseDataset(input: unknown, source = 'dataset'): Dataset {
  const result = DatasetSchema.safeParse(input)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n')
  throw new Error(`Invalid ${source}:\n${problems}\nFix these fields and load it again.`)
}

/**
 * parseDataset for importers: with a report, an image the schema refuses (a box outside it, an unknown class, a duplicate id)
 * is recorded under its entry name and left out; problems outside the images still refuse the whole dataset.
 */
export function parseImported(
  input: { name: string; classes: string[]; images: DatasetImage[] },
  source: string,
  report: { fail(entry: string, error: unknown): void } | undefined,
  entryOf: (index: number) => string = (i) => input.images[i].file,
): Dataset {
  if (!report) return parseDataset(input, source)
  const result = DatasetSchema.safeParse(input)
  if (result.success) return result.data
  const bad = new Map<number, string[]>()
  for (const issue of result.error.issues) {
    const [where, index] = issue.path
    if (where !== 'images' || typeof index !== 'number') return parseDataset(input, source)
    bad.set(index, [...(bad.get(index) ?? []), `${issue.path.slice(2).join('.')}: ${issue.message}`])
  }
  for (const [index, problems] of bad) report.fail(entryOf(index), new Error(`${source}: ${problems.join('; ')}`))
  return parseDataset({ ...input, images: input.images.filter((_, i) => !bad.has(i)) }, source)
}

/** The labels an export writes: confirmed ones, plus drafts only on request. */
export function exportableBoxes(image: DatasetImage, includeDrafts = false): Box[] {
  return image.labels.boxes.filter((b) => includeDrafts || !b.draft)
}

/** The image's class drafts; none in files written before class drafts existed. */
export function classDraftsOf(image: DatasetImage): ClassDraft[] {
  return image.labels.classDrafts ?? []
}

export function exportablePolygons(image: DatasetImage, includeDrafts = false): Polygon[] {
  return image.labels.polygons.filter((p) => includeDrafts || !p.draft)
}

/** A polygon's bounding box, clipped to the image; undefined when it has no area left (a sliver on the edge). */
export function polygonBox(polygon: Polygon, width: number, height: number): Box | undefined {
  const xs = polygon.points.map(([x]) => Math.max(0, Math.min(x, width)))
  const ys = polygon.points.map(([, y]) => Math.max(0, Math.min(y, height)))
  const x = Math.min(...xs)
  const y = Math.min(...ys)
  const w = Math.max(...xs) - x
  const h = Math.max(...ys) - y
  if (!(w > 0 && h > 0)) return undefined
  return {
    classId: polygon.classId,
    x,
    y,
    w,
    h,
    ...(polygon.confidence !== undefined ? { confidence: polygon.confidence } : {}),
    ...(polygon.draft ? { draft: true } : {}),
  }
}

/** The image's ground-truth objects as boxes: its boxes and the bounding boxes of its polygons (confirmed ones; drafts on request). */
export function groundTruthBoxes(image: DatasetImage, includeDrafts = false): Box[] {
  const fromPolygons = exportablePolygons(image, includeDrafts)
    .map((p) => polygonBox(p, image.width, image.height))
    .filter((b): b is Box => b !== undefined)
  return [...exportableBoxes(image, includeDrafts), ...fromPolygons]
}

/**
 * A confirmed good part: labelled or reviewed and nothing on it — no box, no polygon, no image class, and no pending draft
 * (a model's suspicion nobody has ruled out). The only images an anomaly model may learn "normal" from.
 */
export function isConfirmedGood(image: DatasetImage): boolean {
  return (
    (image.labels.status === 'labeled' || image.labels.status === 'reviewed') &&
    image.labels.boxes.length === 0 &&
    image.labels.polygons.length === 0 &&
    image.labels.classes.length === 0 &&
    classDraftsOf(image).length === 0
  )
}
