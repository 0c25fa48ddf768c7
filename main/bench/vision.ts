// Benchmark: the inference pipeline (PNG file → letterbox → ONNX → decode/NMS), as pre-labeling and evaluation run it, vs bare
// session.run on the same preprocessed tensors, for a detector-shaped graph and the built-in anomaly model — the first run over
// a dataset (every PNG decoded) and a later one (decoded images from the preprocessing thread's cache), plus raw camera frames.
// Run: tsx main/bench/vision.ts [images=256]. The last line is one JSON object.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { trainAnomalyModel } from '../vision/anomaly/train-anomaly'
import { createDemoCamera } from '../vision/demo-camera'
import { batchSizeFor, DEFAULT_INFERENCE_SETTINGS, runInference, sessionOptions } from '../vision/inference/inference-runner'
import { describeOnnxModel, type ModelDescription } from '../vision/models/model-description'
import { benchDetectorModel } from './vision-bench-models'
import { type Letterbox, letterboxImage, planLetterbox } from '../vision/inference/preprocess'
import { type BatchPreparer, createBatchPreparer } from '../vision/inference/preprocess-pool'
import type { RgbImage } from '../vision/raster'
import { runDragBench } from './vision-drag'

interface BenchCase {
  name: string
  description: ModelDescription
  /** The session the app runs (sessionOptions: one core left for decoding). */
  session: ort.InferenceSession
  /** ONNX Runtime's defaults (every core), for reference: the bare rate the app could get with nothing else running. */
  reference: ort.InferenceSession
}

interface Figures {
  bare: number
  bareDefaultThreads: number
  /** Later runs over the same files: decoded images come from the preprocessing thread's cache. */
  pipeline: number
  /** The first run over a dataset: every PNG read and decoded. */
  cold: number
  preprocess: number
  /** The pipeline fed raw camera frames instead of PNG files. */
  camera: number
  batch: number
  /** Medians of the per-round ratios to bare (each pipeline run next to its own bare run, so slow drifts of a shared host cancel). */
  ratio: { pipeline: number; cold: number; camera: number; loop: number; copy: number }
}

/**
 * Peers that split the pipeline's cost: a "preparer" that hands back batches already in the buffer and has no decode (the loop, decoding
 * and NMS alone), and one that copies a prepared batch into the buffer on the inference thread (what writing the input
 * costs in memory bandwidth when nothing runs beside it).
 */
function readyPreparer(tensors: ort.Tensor[], plan: Letterbox, copy: boolean): BatchPreparer {
  let next = 0
  return {
    async prepare(images, _size, buffer) {
      const source = tensors[next++ % tensors.length].data as Float32Array
      if (copy) buffer.set(source.subarray(0, Math.min(source.length, buffer.length)))
      else if (next <= 2) buffer.set(source.subarray(0, Math.min(source.length, buffer.length)))
      return { buffer, letterboxes: images.map(() => plan), errors: [], cache: { hits: 0, misses: 0, bytes: 0, images: 0 } }
    },
    close: async () => undefined,
  }
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]

/** Bare session.run over preprocessed tensors (same batch size as the pipeline) against the whole pipeline from PNG files, alternating. */
async function measure(
  bench: BenchCase,
  files: string[],
  frames: RgbImage[],
  rounds: number,
  preparers: { cached: BatchPreparer; uncached: BatchPreparer },
): Promise<Figures> {
  const { description, session, reference } = bench
  const { width, height } = description.inputSize
  const settings = { ...DEFAULT_INFERENCE_SETTINGS, batchSize: 8 }
  const batch = batchSizeFor(description, settings.batchSize)
  const perImage = 3 * width * height
  const tensors: ort.Tensor[] = []
  for (let i = 0; i < files.length; i += batch) {
    const chunk = files.slice(i, i + batch)
    const data = new Float32Array(batch * perImage)
    await Promise.all(chunk.map((file, b) => letterboxImage(file, { width, height }, { out: data, offset: b * perImage })))
    const n = typeof description.inputShape[0] === 'number' ? batch : chunk.length
    tensors.push(new ort.Tensor('float32', data.subarray(0, n * perImage), [n, 3, height, width]))
  }
  const items = files.map((file, i) => ({ id: String(i), image: file }))
  // Warm up both paths so first-run allocations are not timed.
  for (const tensor of tensors.slice(0, 2)) {
    await session.run({ [description.inputName]: tensor })
    await reference.run({ [description.inputName]: tensor })
  }
  await runInference(session, description, items.slice(0, 2 * batch), settings, { syncRead: true, preparer: preparers.uncached })
  // One run over the dataset fills the cache, as the first pre-labeling or evaluation run does in the app.
  await runInference(session, description, items, settings, { syncRead: true, preparer: preparers.cached })
  const bare: number[] = []
  const bareDefault: number[] = []
  const pipeline: number[] = []
  const cold: number[] = []
  const preprocess: number[] = []
  const camera: number[] = []
  const loop: number[] = []
  const copy: number[] = []
  const plan = planLetterbox(frames[0].width, frames[0].height, width, height)
  const frameItems = frames.map((image, i) => ({ id: String(i), image }))
  for (let round = 0; round < rounds; round++) {
    let start = performance.now()
    for (const tensor of tensors) await session.run({ [description.inputName]: tensor })
    bare.push(files.length / ((performance.now() - start) / 1000))
    start = performance.now()
    for (const tensor of tensors) await reference.run({ [description.inputName]: tensor })
    bareDefault.push(files.length / ((performance.now() - start) / 1000))
    start = performance.now()
    // As the inference worker runs it: decoding on a preprocessing thread, synchronous reads there — every PNG decoded.
    await runInference(session, description, items, settings, { syncRead: true, preparer: preparers.uncached })
    cold.push(files.length / ((performance.now() - start) / 1000))
    start = performance.now()
    // The same with the decoded images of the earlier run in the preprocessing thread's cache (files checked, not decoded).
    await runInference(session, description, items, settings, { syncRead: true, preparer: preparers.cached })
    pipeline.push(files.length / ((performance.now() - start) / 1000))
    start = performance.now()
    const out = new Float32Array(perImage)
    for (const file of files) await letterboxImage(file, { width, height }, { out, syncRead: true })
    preprocess.push(files.length / ((performance.now() - start) / 1000))
    start = performance.now()
    // The same images as raw camera frames (as "Inspect live" feeds them): no PNG encode/decode round trip.
    await runInference(session, description, frameItems, settings, { preparer: preparers.uncached })
    camera.push(frames.length / ((performance.now() - start) / 1000))
    start = performance.now()
    await runInference(session, description, items, settings, { preparer: readyPreparer(tensors, plan, false) })
    loop.push(files.length / ((performance.now() - start) / 1000))
    start = performance.now()
    await runInference(session, description, items, settings, { preparer: readyPreparer(tensors, plan, true) })
    copy.push(files.length / ((performance.now() - start) / 1000))
  }
  const ratio = (values: number[]) => median(values.map((v, i) => v / bare[i]))
  return {
    bare: median(bare),
    bareDefaultThreads: median(bareDefault),
    pipeline: median(pipeline),
    cold: median(cold),
    preprocess: median(preprocess),
    camera: median(camera),
    batch,
    ratio: { pipeline: ratio(pipeline), cold: ratio(cold), camera: ratio(camera), loop: ratio(loop), copy: ratio(copy) },
  }
}

async function main(): Promise<void> {
  // 256 images = 32 batches: a small dataset; with a handful of batches the pipeline's fill (the first batch decoded before
  // anything runs) and drain would be a large share of the time.
  const count = Number(process.argv[2] ?? 256)
  const rounds = 7
  const dir = await mkdtemp(path.join(tmpdir(), 'otw-bench-vision-'))
  try {
    const camera = createDemoCamera({ seed: 7, defectRate: 0.3 })
    const files: string[] = []
    const frames: RgbImage[] = []
    for (const shot of await camera.captureMany(count)) {
      frames.push(shot.image)
      const file = path.join(dir, `part-${String(shot.index).padStart(5, '0')}.png`)
      await writeFile(file, shot.png)
      files.push(file)
    }
    const good = createDemoCamera({ seed: 8, defectRate: 0 })
    const anomaly = await trainAnomalyModel({ good: (await good.captureMany(24)).map((s) => s.png), name: 'bench-anomaly' })
    const cases: BenchCase[] = []
    for (const [name, bytes] of [
      ['detector', benchDetectorModel()],
      ['anomaly', anomaly.bytes],
    ] as const) {
      const { description } = await describeOnnxModel(bytes, name)
      const session = await ort.InferenceSession.create(bytes, sessionOptions('cpu'))
      const reference = await ort.InferenceSession.create(bytes)
      cases.push({ name, description, session, reference })
    }
    const figures: Record<string, Figures> = {}
    const preparers = { cached: createBatchPreparer(), uncached: createBatchPreparer({ cacheBytes: 0 }) }
    for (const bench of cases) {
      const f = await measure(bench, files, frames, rounds, preparers)
      figures[bench.name] = f
      const d = bench.description
      console.log(
        `${bench.name}: input [${d.inputShape.join(', ')}] → ${d.outputShapes.map((s) => `[${s.join(', ')}]`).join(' ')}, batch ${f.batch}; ` +
          `bare session.run ${f.bare.toFixed(1)} images/s; pipeline (PNG file → letterbox → run → decode) first run ${f.cold.toFixed(1)} images/s ` +
          `(${(f.ratio.cold * 100).toFixed(0)} %), later runs (decoded images cached) ${f.pipeline.toFixed(1)} images/s (${(f.ratio.pipeline * 100).toFixed(0)} %); ` +
          `preprocessing from PNG alone ${f.preprocess.toFixed(1)} images/s; ` +
          `bare with ONNX Runtime's default threads ${f.bareDefaultThreads.toFixed(1)} images/s; ` +
          `pipeline from raw camera frames ${f.camera.toFixed(1)} images/s (${(f.ratio.camera * 100).toFixed(0)} %); ` +
          `the pipeline's loop with tensors ready (no preparation, outputs decoded on the inference thread) ${(f.ratio.loop * 100).toFixed(0)} %, the same with each batch's tensor copied in on the inference thread ${(f.ratio.copy * 100).toFixed(0)} %`,
      )
      await bench.session.release()
      await bench.reference.release()
    }
    await preparers.cached.close()
    await preparers.uncached.close()
    console.log(
      `${count} demo images 320×240 PNG from files; medians of ${rounds} alternating rounds (percentages: median of each round's ratio to its bare run); pipeline_efficiency = the lower of the two models` +
        ` over the dataset's later runs, pipeline_efficiency_first_run with every PNG decoded`,
    )
    const efficiency = (pick: (f: Figures) => number) => Math.min(...Object.values(figures).map(pick))
    // The labeling canvas in Chromium: one box dragged among 500 (peers: 50 boxes, and 500 redrawn in full every frame).
    const drag = await runDragBench()
    console.log(
      `drag one box among 500 in Chromium: p95 frame work ${drag.drag_frame_p95_ms} ms (50 boxes: ${drag.peer_50_boxes_frame_p95_ms} ms; full redraw: ${drag.peer_full_redraw_frame_p95_ms} ms; frame interval p95 ${drag.drag_raf_interval_p95_ms} ms)`,
    )
    console.log(
      JSON.stringify({
        images: count,
        rounds,
        intra_op_threads: sessionOptions('cpu').intraOpNumThreads,
        detector_bare_images_per_s: Number(figures.detector.bare.toFixed(2)),
        detector_bare_default_threads_images_per_s: Number(figures.detector.bareDefaultThreads.toFixed(2)),
        detector_pipeline_images_per_s: Number(figures.detector.pipeline.toFixed(2)),
        detector_pipeline_first_run_images_per_s: Number(figures.detector.cold.toFixed(2)),
        anomaly_bare_images_per_s: Number(figures.anomaly.bare.toFixed(2)),
        anomaly_pipeline_images_per_s: Number(figures.anomaly.pipeline.toFixed(2)),
        anomaly_pipeline_first_run_images_per_s: Number(figures.anomaly.cold.toFixed(2)),
        anomaly_bare_default_threads_images_per_s: Number(figures.anomaly.bareDefaultThreads.toFixed(2)),
        detector_camera_frames_pipeline_images_per_s: Number(figures.detector.camera.toFixed(2)),
        anomaly_camera_frames_pipeline_images_per_s: Number(figures.anomaly.camera.toFixed(2)),
        pipeline_efficiency_first_run: Number(efficiency((f) => f.ratio.cold).toFixed(3)),
        pipeline_efficiency_camera_frames: Number(efficiency((f) => f.ratio.camera).toFixed(3)),
        pipeline_loop_only_ratio: Number(efficiency((f) => f.ratio.loop).toFixed(3)),
        pipeline_input_copy_ratio: Number(efficiency((f) => f.ratio.copy).toFixed(3)),
        pipeline_efficiency: Number(efficiency((f) => f.ratio.pipeline).toFixed(3)),
        drag_frame_p95_ms: drag.drag_frame_p95_ms,
        drag_peer_50_boxes_frame_p95_ms: drag.peer_50_boxes_frame_p95_ms,
        drag_peer_full_redraw_frame_p95_ms: drag.peer_full_redraw_frame_p95_ms,
      }),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
