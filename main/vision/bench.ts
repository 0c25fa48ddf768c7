// Benchmark: detector pipeline (decode PNG → letterbox → ONNX → decode → NMS) vs bare session.run on the same tensors.
// Run: tsx main/vision/bench.ts [images=60]. The last line is one JSON object.
import * as ort from 'onnxruntime-node'
import { createDemoCamera } from './demo-camera'
import { createDetector } from './detector'
import { describeOnnxModel } from './model-description'
import { encodeModel, floatTensor, floatValueInfo, int64Tensor, node } from './onnx-graph'
import { letterboxImage } from './preprocess'
import { createSeededRandom } from './seeded-random'

const SIZE = 320
const CLASSES = 5

/** A small real-compute YOLO-layout net (3 convs, stride 4 → 80×80 anchors) with seeded weights; class scores biased low as a trained model's mostly are. */
function benchModel(): Uint8Array {
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
      int64Tensor('flat', [3], [1, 4 + CLASSES, anchors]),
    ],
    inputs: [floatValueInfo('images', [1, 3, SIZE, SIZE])],
    outputs: [floatValueInfo('output0', [1, 4 + CLASSES, anchors])],
    metadata: { names: "{0: 'scratch', 1: 'dent', 2: 'stain', 3: 'missing_label', 4: 'skewed_label'}", task: 'detect' },
  })
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 60)
  const camera = createDemoCamera({ seed: 7, defectRate: 0.3 })
  const pngs = (await camera.captureMany(count)).map((c) => c.png)
  const { description, session } = await describeOnnxModel(benchModel(), 'bench-detector')
  const detector = createDetector(session, description)
  const tensors = await Promise.all(
    pngs.map(async (png) => new ort.Tensor('float32', (await letterboxImage(png, { width: SIZE, height: SIZE })).tensor, [1, 3, SIZE, SIZE])),
  )

  // Warm up both paths so the first-run allocations are not timed.
  for (let i = 0; i < 5; i++) {
    await session.run({ images: tensors[i % count] })
    await detector.detect(pngs[i % count])
  }
  // Rounds alternate the two paths and the median is reported: the CPU is shared, so load drifts during a run.
  const rounds = 5
  const bareRates: number[] = []
  const pipelineRates: number[] = []
  const preprocessRates: number[] = []
  let boxes = 0
  for (let round = 0; round < rounds; round++) {
    let start = performance.now()
    for (const tensor of tensors) await session.run({ images: tensor })
    bareRates.push(count / ((performance.now() - start) / 1000))
    start = performance.now()
    const found = await detector.detectMany(pngs)
    pipelineRates.push(count / ((performance.now() - start) / 1000))
    boxes = found.reduce((n, f) => n + f.length, 0)
    start = performance.now()
    for (const png of pngs) await letterboxImage(png, { width: SIZE, height: SIZE })
    preprocessRates.push(count / ((performance.now() - start) / 1000))
  }
  await detector.release()

  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]
  const bare = median(bareRates)
  const pipeline = median(pipelineRates)
  console.log(
    `model: ${SIZE}×${SIZE} input, [1, ${4 + CLASSES}, ${(SIZE / 4) ** 2}] output; ${count} demo images 320×240 PNG; median of ${rounds} alternating rounds`,
  )
  console.log(`bare session.run on preprocessed tensors: ${bare.toFixed(1)} images/s`)
  console.log(`pipeline (PNG decode, letterbox, run, decode, NMS, un-letterbox): ${pipeline.toFixed(1)} images/s, ${boxes} boxes`)
  console.log(`preprocessing alone (PNG decode + letterbox + CHW): ${median(preprocessRates).toFixed(1)} images/s`)
  console.log(
    JSON.stringify({
      images: count,
      rounds,
      bare_images_per_s: Number(bare.toFixed(2)),
      pipeline_images_per_s: Number(pipeline.toFixed(2)),
      pipeline_efficiency: Number((pipeline / bare).toFixed(3)),
    }),
  )
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
