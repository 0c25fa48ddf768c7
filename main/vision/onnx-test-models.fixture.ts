// Test fixture: tiny ONNX models whose output is a known constant (the input only fixes the shape), built with onnx-proto.
import { encodeModel, floatTensor, floatValueInfo, node } from './models/onnx-graph'

/** Output = ReduceSum(input)·0 + constant, so the model runs like a real one but answers exactly `values`. */
export function constantOutputModel(options: {
  inputName?: string
  inputShape: number[]
  outputName: string
  outputShape: number[]
  values: ArrayLike<number>
  metadata?: Record<string, string>
}): Uint8Array {
  const inputName = options.inputName ?? 'images'
  return encodeModel({
    name: 'constant-output',
    nodes: [
      node('ReduceSum', [inputName], ['sum'], { keepdims: 0 }),
      node('Mul', ['sum', 'zero'], ['zeroed']),
      node('Add', ['zeroed', 'answer'], [options.outputName]),
    ],
    initializers: [floatTensor('zero', [], [0]), floatTensor('answer', options.outputShape, options.values)],
    inputs: [floatValueInfo(inputName, options.inputShape)],
    outputs: [floatValueInfo(options.outputName, options.outputShape)],
    metadata: options.metadata,
  })
}

/** A YOLO-layout [1, 4+C, N] model from anchor rows [cx, cy, w, h, score per class]. */
export function constantYoloModel(anchors: number[][], size = 64, metadata?: Record<string, string>): Uint8Array {
  const channels = anchors[0].length
  const n = anchors.length
  const values = new Array<number>(channels * n)
  anchors.forEach((row, i) => row.forEach((v, c) => (values[c * n + i] = v)))
  return constantOutputModel({ inputShape: [1, 3, size, size], outputName: 'output0', outputShape: [1, channels, n], values, metadata })
}
