// What an ONNX model is and how to feed it, read from the file itself (inputs, outputs, metadata) so a wrong model fails at import, not mid-shift.
import * as ort from 'onnxruntime-node'
import { readModelMetadata } from './onnx-graph'

export const MODEL_KINDS = ['yolo-detector', 'classifier', 'anomaly'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

export interface ModelDescription {
  kind: ModelKind
  inputName: string
  inputShape: (number | string)[]
  /** Pixels the model expects; images are letterboxed to this. */
  inputSize: { width: number; height: number }
  outputNames: string[]
  outputShapes: (number | string)[][]
  classNames: string[]
  metadata: Record<string, string>
}

/** A model that cannot be used, with what is wrong and what to do. */
export class ModelImportError extends Error {
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`Model ${source}: ${problem}`)
    this.name = 'ModelImportError'
  }
}

export interface DescribeOptions {
  kind?: ModelKind
  classNames?: readonly string[]
  /** For models with dynamic height/width and no `imgsz` metadata. */
  inputSize?: { width: number; height: number }
}

/** Ultralytics writes names as a Python dict literal: "{0: 'scratch', 1: 'dent'}". */
export function parseUltralyticsNames(text: string): string[] | undefined {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    try {
      const list = JSON.parse(trimmed.replace(/'/g, '"')) as unknown
      if (Array.isArray(list) && list.every((n) => typeof n === 'string')) return list
    } catch {
      return undefined
    }
  }
  const entries = [...trimmed.matchAll(/(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)].map((m) => [Number(m[1]), m[2] ?? m[3]] as const)
  if (entries.length === 0) return undefined
  entries.sort((a, b) => a[0] - b[0])
  if (!entries.every(([k], i) => k === i)) return undefined
  return entries.map(([, v]) => v)
}

function parseImgsz(text: string | undefined): { width: number; height: number } | undefined {
  const numbers = text?.match(/\d+/g)?.map(Number)
  if (!numbers || numbers.length === 0) return undefined
  return numbers.length === 1 ? { width: numbers[0], height: numbers[0] } : { height: numbers[0], width: numbers[1] }
}

function inferKind(metadata: Record<string, string>, outputNames: string[], outputShapes: (number | string)[][], source: string): ModelKind {
  if ((MODEL_KINDS as readonly string[]).includes(metadata.otw_kind)) return metadata.otw_kind as ModelKind
  if (metadata.task === 'detect') return 'yolo-detector'
  if (metadata.task === 'classify') return 'classifier'
  if (outputNames.includes('score_map')) return 'anomaly'
  if (outputShapes.length >= 1 && outputShapes[0].length === 3) return 'yolo-detector'
  if (outputShapes.length === 1 && outputShapes[0].length === 2) return 'classifier'
  throw new ModelImportError(
    source,
    `cannot tell whether this is a detector, classifier or anomaly model (outputs ${outputNames.join(', ')}) — choose the kind when importing`,
  )
}

/** Loads the model once to read its signature and checks it fits one of the pipelines. */
export async function describeOnnxModel(
  bytes: Uint8Array,
  source: string,
  options: DescribeOptions = {},
): Promise<{ description: ModelDescription; session: ort.InferenceSession }> {
  let metadata: Record<string, string>
  let session: ort.InferenceSession
  try {
    metadata = readModelMetadata(bytes).metadata
    session = await ort.InferenceSession.create(bytes)
  } catch (error) {
    throw new ModelImportError(
      source,
      `not a usable ONNX model (${error instanceof Error ? error.message.split('\n')[0] : String(error)}) — export the model to ONNX (e.g. "yolo export format=onnx") and import the .onnx file`,
    )
  }
  const fail = async (problem: string): Promise<never> => {
    await session.release()
    throw new ModelImportError(source, problem)
  }
  const tensorShape = (m: ort.InferenceSession.ValueMetadata) => (m.isTensor ? [...m.shape] : [])
  if (session.inputNames.length !== 1)
    await fail(
      `has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); image pipelines feed exactly one — re-export with a single image input`,
    )
  const input = session.inputMetadata[0]
  const inputShape = tensorShape(input)
  if (!input.isTensor || input.type !== 'float32')
    await fail(
      `input "${input.name}" is ${input.isTensor ? input.type : 'not a tensor'}; the pipeline feeds float32 — re-export with a float32 input (no int8/fp16 input)`,
    )
  if (inputShape.length !== 4)
    await fail(
      `input "${input.name}" has shape [${inputShape.join(', ')}]; the pipeline feeds images as [batch, 3, height, width] — re-export the model with an NCHW image input`,
    )
  if (typeof inputShape[1] === 'number' && inputShape[1] !== 3)
    await fail(
      `input "${input.name}" has ${inputShape[1]} channels ([${inputShape.join(', ')}]); the pipeline feeds RGB, 3 channels — re-export the model for 3-channel RGB input`,
    )
  const fixedSize =
    typeof inputShape[2] === 'number' && typeof inputShape[3] === 'number' && inputShape[2] > 0 && inputShape[3] > 0
      ? { height: inputShape[2] as number, width: inputShape[3] as number }
      : undefined
  const inputSize = fixedSize ?? options.inputSize ?? parseImgsz(metadata.imgsz) ?? { width: 640, height: 640 }

  const outputShapes = session.outputMetadata.map(tensorShape)
  const kind = options.kind ?? inferKind(metadata, [...session.outputNames], outputShapes, source)
  const namesFromModel = metadata.names !== undefined ? parseUltralyticsNames(metadata.names) : undefined
  let classNames = options.classNames ? [...options.classNames] : (namesFromModel ?? [])
  if (kind === 'yolo-detector') {
    const shape = outputShapes[0]
    const channels = shape?.[1]
    if (shape?.length !== 3)
      await fail(
        `detector output "${session.outputNames[0]}" has shape [${shape?.join(', ')}]; expected [1, 4 + classes, boxes] as Ultralytics exports — check the export (no NMS, no end2end)`,
      )
    if (typeof channels === 'number') {
      if (channels < 5) await fail(`detector output has ${channels} channels; expected 4 box values plus at least one class score`)
      if (classNames.length === 0) classNames = Array.from({ length: channels - 4 }, (_, i) => `class${i}`)
      if (classNames.length !== channels - 4)
        await fail(`has ${channels - 4} class scores but ${classNames.length} class names were given — use the names file that belongs to this model`)
    } else if (classNames.length === 0) await fail('has a dynamic class dimension and no class names — supply a names file')
  } else if (kind === 'classifier') {
    const classes = outputShapes[0]?.[1]
    if (typeof classes === 'number') {
      if (classNames.length === 0) classNames = Array.from({ length: classes }, (_, i) => `class${i}`)
      if (classNames.length !== classes)
        await fail(`has ${classes} outputs but ${classNames.length} class names were given — use the names file that belongs to this model`)
    }
  } else if (!session.outputNames.includes('score') || !session.outputNames.includes('score_map')) {
    await fail(`anomaly models need outputs "score" and "score_map", found ${session.outputNames.join(', ')}`)
  }
  return {
    description: { kind, inputName: session.inputNames[0], inputShape, inputSize, outputNames: [...session.outputNames], outputShapes, classNames, metadata },
    session,
  }
}
