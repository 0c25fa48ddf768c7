// The detector-shaped graph bench:vision measures: real convolutions, YOLO output layout, seeded weights.
import { encodeModel, floatTensor, floatValueInfo, int64Tensor, node } from '../vision/models/onnx-graph'
import { createSeededRandom } from '../vision/seeded-random'

const SIZE = 320
const CLASSES = 5

/** A small real-compute YOLO-layout net (3 convs, stride 4 → 80×80 anchors, dynamic batch as Ultralytics exports with dynamic=True) with seeded weights; class scores biased low as a trained model's mostly are. */
export function benchDetectorModel(): Uint8Array {
  const random = createSeededRandom(42)
  const weights = (n: number, scale: number) => Array.from({ length: n }, () => random.gaussian() * scale)
  const anchors = (SIZE / 4) ** 2
  const headBias = [...Array(4).fill(0), ...Array(CLASSES).fill(-2)]
  return encodeModel({
    name: 'bench-detector',
    nodes: [
      node('Conv', ['images', 'w1', 'b1'], ['c1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }),
      node('Relu', ['c1'], ['r1']),
      node('Conv', ['r1', 'w2', 'b2'], ['c2'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }),
      node('Relu', ['c2'], ['r2']),
      node('Conv', ['r2', 'w3', 'b3'], ['c3'], { kernel_shape: [1, 1] }),
      node('Sigmoid', ['c3'], ['s3']),
      node('Mul', ['s3', 'scale'], ['scaled']),
      node('Reshape', ['scaled', 'flat'], ['output0']),
    ],
    initializers: [
      floatTensor('w1', [16, 3, 3, 3], weights(16 * 27, 0.3)),
      floatTensor('b1', [16], weights(16, 0.1)),
      floatTensor('w2', [32, 16, 3, 3], weights(32 * 144, 0.1)),
      floatTensor('b2', [32], weights(32, 0.1)),
      floatTensor('w3', [4 + CLASSES, 32, 1, 1], weights((4 + CLASSES) * 32, 0.2)),
      floatTensor('b3', [4 + CLASSES], headBias),
      // Box channels to pixels (sigmoid·SIZE), scores left as probabilities.
      floatTensor('scale', [1, 4 + CLASSES, 1, 1], [SIZE, SIZE, SIZE / 4, SIZE / 4, ...Array(CLASSES).fill(1)]),
      int64Tensor('flat', [3], [0, 4 + CLASSES, anchors]),
    ],
    inputs: [floatValueInfo('images', ['batch', 3, SIZE, SIZE])],
    outputs: [floatValueInfo('output0', ['batch', 4 + CLASSES, anchors])],
    metadata: { names: "{0: 'scratch', 1: 'dent', 2: 'stain', 3: 'missing_label', 4: 'skewed_label'}", task: 'detect' },
  })
}
