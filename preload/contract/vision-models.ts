import { z } from 'zod'
import { longTaskProgressSchema } from './schemas'

// The Vision models side: model registry, inference settings, pre-labels and their review, evaluation, live inspection.

export const visionModelKinds = ['yolo-detector', 'classifier', 'anomaly'] as const
export const visionModelKindSchema = z.enum(visionModelKinds)
export type VisionModelKind = z.infer<typeof visionModelKindSchema>

const datasetId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'dataset ids are lower-case letters, digits and dashes')
const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'model names are letters, digits, ".", "_" or "-" (max 64), starting with a letter or digit')
export const visionModelRefSchema = z.object({ name: modelName, version: z.number().int().min(1) }).strict()
export type VisionModelRef = z.infer<typeof visionModelRefSchema>

/** Where a model comes from: a path on the machine running the workbench, or bytes dropped into the window. */
export const visionModelSourceSchema = z.union([
  z.object({ path: z.string().trim().min(1).max(4096) }).strict(),
  z
    .object({
      upload: z.object({ fileName: z.string().min(1).max(255), base64: z.string().min(1).max(200_000_000) }).strict(),
    })
    .strict(),
])
export type VisionModelSource = z.infer<typeof visionModelSourceSchema>

const tensorInfo = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) })
export type VisionTensorInfo = z.infer<typeof tensorInfo>

export const visionModelSchema = z.object({
  name: z.string(),
  version: z.number(),
  kind: visionModelKindSchema,
  inputs: z.array(tensorInfo),
  outputs: z.array(tensorInfo),
  inputSize: z.object({ width: z.number(), height: z.number() }),
  classNames: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  importedAt: z.string(),
  sourceFile: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
})
export type VisionModel = z.infer<typeof visionModelSchema>

export const visionInferenceSettingsSchema = z
  .object({
    executionProvider: z.enum(['cpu', 'dml']),
    confidenceThreshold: z.number().min(0).max(1),
    iouThreshold: z.number().min(0.05).max(0.95),
    batchSize: z.number().int().min(1).max(64),
  })
  .strict()
export type VisionInferenceSettings = z.infer<typeof visionInferenceSettingsSchema>

/** What a draft is: a box from a detector or an anomaly model, or an image-level class from a classifier. */
export const visionDraftKinds = ['box', 'class'] as const
export const visionDraftKindSchema = z.enum(visionDraftKinds)
export type VisionDraftKind = z.infer<typeof visionDraftKindSchema>

const draftCommon = { imageId: z.string(), classId: z.number(), className: z.string(), confidence: z.number() }

/** A model's pre-label waiting for review: a draft box, or a draft image-level class, in the dataset. */
export const visionDraftSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('box'),
    ...draftCommon,
    /** Index of the box in the image's boxes. */
    index: z.number(),
    x: z.number(),
    y: z.number(),
    w: z.number(),
    h: z.number(),
  }),
  z.object({ kind: z.literal('class'), ...draftCommon }),
])
export type VisionDraft = z.infer<typeof visionDraftSchema>

const box = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() })

export const visionMistakeSchema = z.object({
  imageId: z.string(),
  type: z.enum(['false-positive', 'missed', 'wrong-class']),
  /** The class predicted (false positive, wrong class) or missed. */
  className: z.string(),
  /** For a wrong class: what the label says. */
  truthClassName: z.string().optional(),
  confidence: z.number().nullable(),
  /** Detectors: where; image-level models: null. */
  box: box.nullable(),
  /** Detectors: the label's box (missed or wrong class). */
  truthBox: box.nullable(),
})
export type VisionMistake = z.infer<typeof visionMistakeSchema>

export const visionEvaluationSchema = z.object({
  model: visionModelRefSchema,
  kind: visionModelKindSchema,
  datasetId: z.string(),
  /** Test images evaluated and how many were left out (unreviewed, or unreadable). */
  images: z.number(),
  skipped: z.number(),
  confidenceThreshold: z.number(),
  classes: z.array(
    z.object({
      name: z.string(),
      support: z.number(),
      truePositives: z.number(),
      falsePositives: z.number(),
      falseNegatives: z.number(),
      precision: z.number(),
      recall: z.number(),
      f1: z.number(),
      /** Detectors (and the anomaly "defect" class): AP at IoU 0.5; null where it does not apply or the class has no labels. */
      ap50: z.number().nullable(),
      ap50to95: z.number().nullable(),
    }),
  ),
  map50: z.number().nullable(),
  map50to95: z.number().nullable(),
  /** Classifiers and anomaly models. */
  accuracy: z.number().nullable(),
  /** matrix[true][predicted]; detectors end with "background" (missed / false alarm). */
  confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) }),
  prCurves: z.array(z.object({ name: z.string(), recall: z.array(z.number()), precision: z.array(z.number()) })),
  mistakes: z.array(visionMistakeSchema),
})
export type VisionEvaluation = z.infer<typeof visionEvaluationSchema>

export const visionLiveInspectionSchema = z.object({
  running: z.boolean(),
  model: visionModelRefSchema.nullable(),
  intervalMs: z.number(),
  inspected: z.number(),
  rejects: z.number(),
  last: z.object({ result: z.enum(['pass', 'fail']), className: z.string(), score: z.number(), at: z.number(), frame: z.number() }).nullable(),
  error: z.string().nullable(),
  /** The tag ids written on the live bus. */
  tags: z.array(z.string()),
})
export type VisionLiveInspection = z.infer<typeof visionLiveInspectionSchema>

export const visionContextSchema = z.object({ datasetId: z.string(), tagIds: z.array(z.string()) })
export type VisionContextSettings = z.infer<typeof visionContextSchema>

export const visionModelsRequests = {
  'visionModels.list': {
    input: z.object({}).strict().optional(),
    output: z.object({
      models: z.array(visionModelSchema),
      settings: visionInferenceSettingsSchema,
      /** Execution providers this machine offers (DirectML only on Windows). */
      providers: z.array(z.enum(['cpu', 'dml'])),
    }),
  },
  /** Reads a model's signature without registering it, so the kind can be chosen with the inputs and outputs in view. */
  'visionModels.inspect': {
    input: z.object({ source: visionModelSourceSchema }).strict(),
    output: z.object({
      fileName: z.string(),
      inputs: z.array(tensorInfo),
      outputs: z.array(tensorInfo),
      /** What the model says it is (metadata, output names and shapes); null when it cannot tell. */
      detectedKind: visionModelKindSchema.nullable(),
      /** Why the model cannot be imported as it is (wrong input shape…), with what to do; null when it can. */
      problem: z.string().nullable(),
      classNames: z.array(z.string()),
      metadata: z.record(z.string(), z.string()),
    }),
  },
  /** Registers a model; the same name with different bytes or classes becomes the next version. */
  'visionModels.import': {
    input: z
      .object({
        source: visionModelSourceSchema,
        name: modelName.optional(),
        kind: visionModelKindSchema.optional(),
        /** One name per line, a YOLO data.yaml or a JSON list, on the workbench machine. */
        namesFile: z.string().trim().min(1).max(4096).optional(),
      })
      .strict(),
    output: visionModelSchema,
  },
  /** Deletes one version, or every version when none is given. */
  'visionModels.delete': {
    input: z.object({ name: modelName, version: z.number().int().min(1).optional() }).strict(),
    output: z.object({ deleted: z.number() }),
  },
  'visionModels.saveSettings': { input: visionInferenceSettingsSchema, output: visionInferenceSettingsSchema },
  'visionModels.drafts': { input: z.object({ datasetId }).strict(), output: z.array(visionDraftSchema) },
  /**
   * Accept or reject drafts one by one (`items`) or in bulk (every draft, optionally of one kind, of one class and/or at or
   * above a confidence). An accepted image class is added to the image's classes; on a single-label dataset it replaces them
   * (and the image's other class drafts, its alternatives, go).
   */
  'visionModels.review': {
    input: z
      .object({
        datasetId,
        accept: z.boolean(),
        items: z
          .array(
            z.union([
              z.object({ imageId: z.string().min(1).max(200), kind: z.literal('box').default('box'), index: z.number().int().min(0) }).strict(),
              z.object({ imageId: z.string().min(1).max(200), kind: z.literal('class'), classId: z.number().int().min(0) }).strict(),
            ]),
          )
          .max(100_000)
          .optional(),
        /** Bulk: only draft boxes, or only draft image classes. */
        kind: visionDraftKindSchema.optional(),
        classId: z.number().int().min(0).optional(),
        minConfidence: z.number().min(0).max(1).optional(),
      })
      .strict(),
    output: z.object({ accepted: z.number(), rejected: z.number() }),
  },
  'visionModels.liveStatus': { input: z.object({}).strict().optional(), output: visionLiveInspectionSchema },
  /** "Inspect live": demo-camera frames through a model, results published as Line1.Inspection.* tags. */
  'visionModels.setLiveInspection': {
    input: z.object({ enabled: z.boolean(), model: visionModelRefSchema.optional(), intervalMs: z.number().int().min(100).max(60_000).optional() }).strict(),
    output: visionLiveInspectionSchema,
  },
  /** Which live tags are snapshotted with each camera image of a dataset (process context). */
  'visionModels.contextTags': { input: z.object({ datasetId }).strict(), output: visionContextSchema },
  'visionModels.setContextTags': {
    input: z.object({ datasetId, tagIds: z.array(z.string().min(1).max(512)).max(50) }).strict(),
    output: visionContextSchema,
  },
  /** An image's process context: capture time and the tag values snapshotted with it. */
  'visionModels.imageContext': {
    input: z.object({ datasetId, imageId: z.string().min(1).max(200) }).strict(),
    output: z.object({ captureTime: z.string().nullable(), context: z.record(z.string(), z.union([z.number(), z.string()])) }),
  },
} as const

const progressEvent = longTaskProgressSchema

export const visionPrelabelInputSchema = z
  .object({
    datasetId,
    model: visionModelRefSchema,
    /** Anomaly models: the dataset class their regions are drafted as. Classifiers draft image-level classes instead of boxes. */
    anomalyClassId: z.number().int().min(0).optional(),
  })
  .strict()
export const visionPrelabelEventSchema = z.discriminatedUnion('kind', [
  progressEvent,
  z.object({
    kind: z.literal('done'),
    images: z.number(),
    drafts: z.number(),
    /** Predictions of classes the dataset does not have, left out. */
    unmatched: z.array(z.string()),
    failed: z.array(z.object({ imageId: z.string(), error: z.string() })),
  }),
])
export type VisionPrelabelEvent = z.infer<typeof visionPrelabelEventSchema>

export const visionEvaluateInputSchema = z
  .object({
    datasetId,
    model: visionModelRefSchema,
    /** Count labelled but not yet reviewed images as truth too. */
    includeLabeled: z.boolean().default(false),
  })
  .strict()
export const visionEvaluateEventSchema = z.discriminatedUnion('kind', [
  progressEvent,
  z.object({ kind: z.literal('done'), evaluation: visionEvaluationSchema }),
])
export type VisionEvaluateEvent = z.infer<typeof visionEvaluateEventSchema>

/** Pre-labels from a model over the unlabeled images, and a model's evaluation on the test split: progress, then the result. */
export const visionModelsStreams = {
  'visionModels.prelabel': { kind: 'stream' as const, input: visionPrelabelInputSchema, event: visionPrelabelEventSchema },
  'visionModels.evaluate': { kind: 'stream' as const, input: visionEvaluateInputSchema, event: visionEvaluateEventSchema },
}
