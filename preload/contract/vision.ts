import { z } from 'zod'
import { longTaskProgressSchema } from './schemas'

export const visionStatuses = ['unlabeled', 'labeled', 'reviewed', 'rejected'] as const
export const visionStatusSchema = z.enum(visionStatuses)
export type VisionStatus = z.infer<typeof visionStatusSchema>

/** Training splits; only labelled (or reviewed) images take part in one. */
export const visionSplits = ['train', 'val', 'test'] as const
export const visionSplitSchema = z.enum(visionSplits)
export type VisionSplit = z.infer<typeof visionSplitSchema>
const splitCountsSchema = z.object({ train: z.number(), val: z.number(), test: z.number(), none: z.number() })

const datasetId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'dataset ids are lower-case letters, digits and dashes')
const imageId = z.string().min(1).max(200)

/** A model's score on a pre-label or prediction, 0–1. */
const confidence = z.number().min(0).max(1)

/** Pixels; x, y is the top-left corner. `draft` marks a model's pre-label nobody has accepted yet (exports leave drafts out). */
export const visionBoxSchema = z
  .object({
    classId: z.number().int().min(0).max(99),
    x: z.number().min(0),
    y: z.number().min(0),
    w: z.number().positive(),
    h: z.number().positive(),
    confidence: confidence.optional(),
    draft: z.boolean().optional(),
  })
  .strict()
export type VisionBox = z.infer<typeof visionBoxSchema>

/** A closed outline in pixels: [x, y] vertices, at least three. */
export const visionPolygonSchema = z
  .object({
    classId: z.number().int().min(0).max(99),
    points: z
      .array(z.tuple([z.number().min(0), z.number().min(0)]))
      .min(3)
      .max(2000),
    confidence: confidence.optional(),
    draft: z.boolean().optional(),
  })
  .strict()
export type VisionPolygon = z.infer<typeof visionPolygonSchema>

/** An image-level class a classifier proposed, waiting to be accepted or rejected (exports leave it out). */
export const visionClassDraftSchema = z.object({ classId: z.number().int().min(0).max(99), confidence }).strict()
export type VisionClassDraft = z.infer<typeof visionClassDraftSchema>

/** Image-level classes: one per image (classification) or any number (multi-label). */
export const visionImageClassModes = ['single', 'multi'] as const
export const visionImageClassModeSchema = z.enum(visionImageClassModes)
export type VisionImageClassMode = z.infer<typeof visionImageClassModeSchema>

export const visionDatasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  classes: z.array(z.string()),
  imageClassMode: visionImageClassModeSchema,
  images: z.number(),
  byStatus: z.record(z.string(), z.number()),
  /** Labelled and reviewed images per split; `none`: not split yet. */
  bySplit: splitCountsSchema,
  /** Set once an anomaly model was trained on this dataset. */
  anomalyModel: z.object({ threshold: z.number(), trainedOn: z.number(), trainedAt: z.string() }).nullable(),
})
export type VisionDataset = z.infer<typeof visionDatasetSchema>

export const visionImageSchema = z.object({
  id: z.string(),
  width: z.number(),
  height: z.number(),
  status: visionStatusSchema,
  /** Absent: in no split (unlabeled, rejected, or not split yet). */
  split: visionSplitSchema.optional(),
  boxes: z.array(visionBoxSchema),
  polygons: z.array(visionPolygonSchema),
  /** Image-level classes. */
  classes: z.array(z.number()),
  /** Image-level classes a classifier proposed (pre-labels), highest confidence first; absent: none. */
  classDrafts: z.array(visionClassDraftSchema).optional(),
  /** Ground truth of the demo camera, kept aside when images were added unlabeled (for checking, never exported). */
  reference: z.array(visionBoxSchema).optional(),
})
export type VisionImage = z.infer<typeof visionImageSchema>

/** The grid's filter: a status, a class anywhere on the image (image class, box or polygon), a range some shape's confidence is in. */
export const visionImageFilterSchema = z
  .object({
    status: z.union([visionStatusSchema, z.literal('all')]),
    classId: z.union([z.number().int().min(0).max(99), z.literal('any')]),
    minConfidence: z.number().min(0).max(1),
    maxConfidence: z.number().min(0).max(1),
    /** 'none': labelled images not in a split yet, and images that take no part. Absent: any. */
    split: z.union([visionSplitSchema, z.literal('none'), z.literal('all')]).optional(),
  })
  .strict()
export type VisionImageFilter = z.infer<typeof visionImageFilterSchema>

/** Chosen by the UI when it starts an export or import, so it can cancel that job and still hear how it ended. */
export const visionJobIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'job ids are letters, digits, "_" and "-"')

export const visionRequests = {
  'vision.datasets': { input: z.object({}).strict().optional(), output: z.array(visionDatasetSchema) },
  'vision.createDataset': { input: z.object({ name: z.string().trim().min(1).max(80) }).strict(), output: visionDatasetSchema },
  /** Adds demo-camera parts; `keepLabels: false` hides the ground truth so a person labels them. */
  'vision.addDemoImages': {
    input: z.object({ datasetId, count: z.number().int().min(1).max(500), keepLabels: z.boolean().default(false) }).strict(),
    output: visionDatasetSchema,
  },
  'vision.images': { input: z.object({ datasetId, status: visionStatusSchema.optional() }).strict(), output: z.array(visionImageSchema) },
  /**
   * The images matching `filter` (default: all), in dataset order: ids and one status letter each (u unlabeled, l labeled,
   * r reviewed, x rejected). Slim on purpose: the grid of a 20,000-image dataset scrolls on this and fetches records by id.
   */
  'vision.imageIndex': {
    input: z.object({ datasetId, filter: visionImageFilterSchema.optional() }).strict(),
    output: z.object({
      total: z.number(),
      ids: z.array(z.string()),
      status: z.string(),
      /** One letter per id: t train, v val, s test, - none. */
      split: z.string(),
      /** Each id's place in the whole dataset, 1-based: the #N shown everywhere ("#N of total"). */
      numbers: z.array(z.number()),
    }),
  },
  /** The label records of these images, in the order asked; unknown ids are left out. */
  'vision.imagesById': {
    input: z.object({ datasetId, imageIds: z.array(imageId).min(1).max(500) }).strict(),
    output: z.array(visionImageSchema),
  },
  /** Small JPEG thumbnails as data: URLs (cached on disk). */
  'vision.thumbnails': {
    input: z.object({ datasetId, imageIds: z.array(imageId).min(1).max(200) }).strict(),
    output: z.array(z.object({ id: z.string(), url: z.string() })),
  },
  /** The full image as a PNG data: URL. */
  'vision.image': { input: z.object({ datasetId, imageId }).strict(), output: z.object({ url: z.string(), image: visionImageSchema }) },
  'vision.saveLabels': {
    input: z
      .object({
        datasetId,
        imageId,
        boxes: z.array(visionBoxSchema).max(5000),
        polygons: z.array(visionPolygonSchema).max(1000).default([]),
        classes: z.array(z.number().int().min(0)).max(100),
        /** The image-class drafts still waiting; absent: the stored ones stay (minus classes now confirmed). */
        classDrafts: z.array(visionClassDraftSchema).max(100).optional(),
        status: visionStatusSchema,
      })
      .strict(),
    output: visionImageSchema,
  },
  /**
   * Splits the labelled and reviewed images into train/val/test, stratified by each image's rarest class, with this seed
   * (same seed, same split); unlabeled and rejected images leave any split. `keepExisting` re-splits only images without one.
   */
  'vision.split': {
    input: z
      .object({
        datasetId,
        ratios: z
          .object({ train: z.number().min(0).max(100), val: z.number().min(0).max(100), test: z.number().min(0).max(100) })
          .strict()
          .refine((r) => r.train + r.val + r.test > 0, 'the ratios may not all be 0'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
        keepExisting: z.boolean().default(false),
      })
      .strict(),
    output: z.object({
      dataset: visionDatasetSchema,
      /** Images per split that have the class anywhere (box, polygon or image class). */
      byClass: z.array(splitCountsSchema.extend({ className: z.string() })),
      /** Images per split with nothing on them (good parts, confirmed backgrounds). */
      withoutClass: splitCountsSchema,
    }),
  },
  'vision.datasetSettings': {
    input: z.object({ datasetId, imageClassMode: visionImageClassModeSchema }).strict(),
    output: visionDatasetSchema,
  },
  /** Scores an image with the dataset's anomaly model; `overlay` is the heat map over the image as a PNG data: URL. */
  'vision.runAnomaly': {
    input: z.object({ datasetId, imageId }).strict(),
    output: z.object({ score: z.number(), threshold: z.number(), anomalous: z.boolean(), overlay: z.string() }),
  },
  /**
   * Cancels the export, import or anomaly training started with this `jobId`; its stream then ends with CANCELLED once
   * the staged files are removed (or with its result, if it finished first). `cancelled: false`: no such job is running (any more).
   */
  'vision.cancelJob': { input: z.object({ jobId: visionJobIdSchema }).strict(), output: z.object({ cancelled: z.boolean() }) },
} as const

const progressEvent = longTaskProgressSchema

export const visionExportInputSchema = z.object({ datasetId, jobId: visionJobIdSchema.optional() }).strict()
export const visionExportEventSchema = z.discriminatedUnion('kind', [progressEvent, z.object({ kind: z.literal('done'), dir: z.string(), images: z.number() })])
export type VisionExportEvent = z.infer<typeof visionExportEventSchema>

export const visionTrainInputSchema = z.object({ datasetId, jobId: visionJobIdSchema.optional() }).strict()
export const visionTrainEventSchema = z.discriminatedUnion('kind', [
  progressEvent,
  z.object({ kind: z.literal('done'), threshold: z.number(), trainedOn: z.number() }),
])
export type VisionTrainEvent = z.infer<typeof visionTrainEventSchema>

export const visionExchangeFormats = ['yolo', 'coco', 'voc', 'class-folders'] as const
export const visionExchangeFormatSchema = z.enum(visionExchangeFormats)
export type VisionExchangeFormat = z.infer<typeof visionExchangeFormatSchema>

const folderPath = z.string().trim().min(1, 'enter a folder path').max(1000)

/** Export labelled images in a format; `dir` is an empty or new folder (default: a fresh folder under <dataDir>/vision/exports/). */
export const visionExportAsInputSchema = z
  .object({
    datasetId,
    format: visionExchangeFormatSchema,
    dir: folderPath.optional(),
    /** Class folders: where labelled images without an image-level class go, e.g. "good". */
    backgroundClass: z.string().trim().min(1).max(80).optional(),
    /** YOLO: segmentation labels (polygons as vertices, boxes as four corners) instead of detection boxes. */
    segments: z.boolean().optional(),
    jobId: visionJobIdSchema.optional(),
  })
  .strict()
export const visionExportAsEventSchema = z.discriminatedUnion('kind', [
  progressEvent,
  z.object({ kind: z.literal('done'), dir: z.string(), images: z.number(), files: z.number() }),
])
export type VisionExportAsEvent = z.infer<typeof visionExportAsEventSchema>

/**
 * Import a dataset folder in a format as a new dataset; all files are checked before anything is written. Entries that cannot
 * be imported refuse the import (INVALID_INPUT, `details.failures` lists them) unless `importRest`: then they are left out and
 * listed in the result.
 */
export const visionImportInputSchema = z
  .object({
    format: visionExchangeFormatSchema,
    dir: folderPath,
    name: z.string().trim().min(1).max(80),
    importRest: z.boolean().optional(),
    jobId: visionJobIdSchema.optional(),
  })
  .strict()
/** An entry an import left out: the image as the folder names it, why, and the rule it broke (climbs-out, missing…). */
export const visionImportFailureSchema = z.object({ entry: z.string(), reason: z.string(), rule: z.string().optional() })
export type VisionImportFailure = z.infer<typeof visionImportFailureSchema>
export const visionImportEventSchema = z.discriminatedUnion('kind', [
  progressEvent,
  z.object({
    kind: z.literal('done'),
    dataset: visionDatasetSchema,
    /** Left out with `importRest` (the first 200); `skippedCount` counts them all. */
    skipped: z.array(visionImportFailureSchema),
    skippedCount: z.number(),
  }),
])
export type VisionImportEvent = z.infer<typeof visionImportEventSchema>

/** Export to / import from YOLO, COCO, Pascal VOC and class folders: progress, then the result; closing the stream or vision.cancelJob cancels. */
export const visionExchangeStreams = {
  'vision.exportAs': { kind: 'stream' as const, input: visionExportAsInputSchema, event: visionExportAsEventSchema },
  'vision.import': { kind: 'stream' as const, input: visionImportInputSchema, event: visionImportEventSchema },
}
