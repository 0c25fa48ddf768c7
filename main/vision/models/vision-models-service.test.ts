import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import { LiveBus } from '../../live/live-bus'
import { softmax } from '../inference/classifier'
import { encodeModel, floatTensor, floatValueInfo, node } from './onnx-graph'
import { constantOutputModel, constantYoloModel } from '../onnx-test-models.fixture'
import { VisionService } from '../datasets/dataset-service'
import { DEMO_INSPECTION_TAGS, inspectionTagIds } from './live-inspection'
import { VisionModelsService } from './vision-models-service'

const INSPECTION_TAGS = inspectionTagIds(DEMO_INSPECTION_TAGS)

// 64×64 input: one scratch box (24, 28) 16×8 at 0.9 and a dent below any threshold. On a 320×240 image (scale 0.2, 8 px
// of padding on top) the scratch lands at (120, 100) 80×40.
const ANCHORS = [
  [32, 32, 16, 8, 0.9, 0.1],
  [10, 10, 4, 4, 0.1, 0.2],
]
const NAMES = { names: "{0: 'scratch', 1: 'dent'}" }

/** A colour classifier that really looks at the pixels: logits = 4 × the mean of each RGB channel (0–1), classes scratch, dent, good. */
function channelMeanClassifier(): Uint8Array {
  return encodeModel({
    name: 'channel-mean-classifier',
    nodes: [node('ReduceMean', ['images'], ['means'], { axes: [2, 3], keepdims: 0 }), node('Mul', ['means', 'gain'], ['logits'])],
    initializers: [floatTensor('gain', [], [4])],
    inputs: [floatValueInfo('images', [1, 3, 64, 64])],
    outputs: [floatValueInfo('logits', [1, 3])],
    metadata: { names: "{0: 'scratch', 1: 'dent', 2: 'good'}", task: 'classify' },
  })
}
/** What the classifier answers for a solid colour (channels 0–1), after the runner's softmax. */
const expected = (r: number, g: number, b: number) => softmax([4 * r, 4 * g, 4 * b])

/** Solid-colour parts and the classes of each (images given as [id, r, g, b]). */
const COLOURS: [string, number, number, number][] = [
  ['red', 1, 0, 0],
  ['green', 0, 1, 0],
  ['yellow', 1, 1, 0],
  ['blue', 0, 0, 1],
]

/**
 * A dataset folder exactly as the workbench wrote it before class drafts existed: no classDrafts anywhere, one draft box from
 * a detector run, one labelled image with a confirmed class.
 */
async function writeOldDataset(dataDir: string, id: string, imageClassMode?: 'single' | 'multi'): Promise<void> {
  const dir = path.join(dataDir, 'vision', 'datasets', id)
  mkdirSync(path.join(dir, 'images'), { recursive: true })
  const images = []
  for (const [name, r, g, b] of [...COLOURS, ['done', 0, 1, 0] as const]) {
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: r * 255, g: g * 255, b: b * 255 } } })
      .png()
      .toFile(path.join(dir, 'images', `${name}.png`))
    images.push({
      id: name,
      file: `images/${name}.png`,
      width: 64,
      height: 64,
      context: {},
      labels:
        name === 'done'
          ? { classes: [1], boxes: [], polygons: [], status: 'labeled' }
          : {
              classes: [],
              boxes: name === 'red' ? [{ classId: 0, x: 4, y: 4, w: 10, h: 10, confidence: 0.7, draft: true }] : [],
              polygons: [],
              status: 'unlabeled',
            },
    })
  }
  writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'Old parts', classes: ['scratch', 'dent'], images }, null, 1))
  writeFileSync(
    path.join(dir, 'workbench.json'),
    JSON.stringify({ reference: {}, anomalyModel: null, demoFrames: 0, ...(imageClassMode ? { imageClassMode } : {}) }),
  )
}

describe('VisionModelsService', () => {
  const dirs: string[] = []
  const services: { close(): Promise<void> }[] = []
  const open = () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'otw-vision-models-'))
    dirs.push(dataDir)
    const live = new LiveBus()
    const vision: VisionService = new VisionService({ dataDir, contextSnapshot: (id) => models.contextSnapshot(id) })
    const models: VisionModelsService = new VisionModelsService({ dataDir, datasets: vision, live })
    services.push(models, vision)
    const file = (name: string, bytes: Uint8Array | string) => {
      const p = path.join(dataDir, name)
      writeFileSync(p, bytes)
      return p
    }
    return { dataDir, live, vision, models, file }
  }
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close()
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('imports a model by path or upload, shows its signature, keeps versions, refuses bad files clearly and deletes', async () => {
    const { models, file } = open()
    const detector = file('bottles.onnx', constantYoloModel(ANCHORS, 64, NAMES))
    const inspected = await models.inspect({ path: detector })
    expect(inspected).toMatchObject({
      detectedKind: 'yolo-detector',
      problem: null,
      classNames: ['scratch', 'dent'],
      inputs: [{ name: 'images', type: 'float32', shape: [1, 3, 64, 64] }],
      outputs: [{ name: 'output0', type: 'float32', shape: [1, 6, 2] }],
    })
    const v1 = await models.importModel({ source: { path: detector } })
    expect(v1).toMatchObject({ name: 'bottles', version: 1, kind: 'yolo-detector', classNames: ['scratch', 'dent'] })
    // Same bytes: the same version; changed bytes under the same name: version 2.
    expect((await models.importModel({ source: { path: detector } })).version).toBe(1)
    const changed = constantYoloModel([[32, 32, 20, 8, 0.8, 0.1]], 64, NAMES)
    const v2 = await models.importModel({ source: { upload: { fileName: 'bottles.onnx', base64: Buffer.from(changed).toString('base64') } } })
    expect(v2.version).toBe(2)
    expect((await models.list()).models.map((m) => `${m.name} v${m.version}`)).toEqual(['bottles v1', 'bottles v2'])

    const notOnnx = file('notes.onnx', 'this is not a model')
    await expect(models.importModel({ source: { path: notOnnx } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/notes\.onnx: not a usable ONNX model .* export the model to ONNX/),
    })
    const greyInput = file(
      'grey.onnx',
      constantOutputModel({ inputShape: [1, 1, 64, 64], outputName: 'output0', outputShape: [1, 6, 2], values: new Array(12).fill(0) }),
    )
    expect((await models.inspect({ path: greyInput })).problem).toMatch(/1 channels .* re-export the model for 3-channel RGB input/)
    await expect(models.importModel({ source: { path: greyInput } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/3 channels/),
    })
    await expect(models.importModel({ source: { path: path.join(path.dirname(detector), 'missing.onnx') } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/missing\.onnx: no such file — check the path/),
    })
    // Nothing else broke: the registry still lists both versions and runs.
    expect((await models.list()).models).toHaveLength(2)

    expect(await models.deleteModel('bottles', 1)).toEqual({ deleted: 1 })
    expect((await models.list()).models.map((m) => m.version)).toEqual([2])
    await expect(models.deleteModel('bottles', 7)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('pre-labels unlabeled images as drafts with confidence, and accepts or rejects them one by one or in bulk', async () => {
    const { models, vision, file } = open()
    const model = await models.importModel({ source: { path: file('bottles.onnx', constantYoloModel(ANCHORS, 64, NAMES)) } })
    const dataset = await vision.createDataset('Drafts')
    await vision.addDemoImages(dataset.id, 3, false)
    const done = await models.prelabel(dataset.id, model)
    expect(done).toMatchObject({ images: 3, drafts: 3, unmatched: [], failed: [] })
    const drafts = await models.drafts(dataset.id)
    expect(drafts).toHaveLength(3)
    expect(drafts[0]).toMatchObject({ classId: 0, className: 'scratch', index: 0, x: 120, y: 100, w: 80, h: 40 })
    expect(drafts[0].confidence).toBeCloseTo(0.9, 5)
    const stored = await vision.listImages(dataset.id)
    expect(stored[0].boxes[0]).toMatchObject({ draft: true, classId: 0 })

    expect(await models.review(dataset.id, { accept: true, items: [{ imageId: drafts[0].imageId, index: 0 }] })).toEqual({ accepted: 1, rejected: 0 })
    const accepted = (await vision.listImages(dataset.id)).find((i) => i.id === drafts[0].imageId)!
    expect(accepted.status).toBe('labeled')
    expect(accepted.boxes[0].draft).toBeUndefined()
    // Bulk by class and confidence: nothing of class dent, nothing above 0.95; then every scratch at 0.5 or more.
    expect(await models.review(dataset.id, { accept: false, classId: 1 })).toEqual({ accepted: 0, rejected: 0 })
    expect(await models.review(dataset.id, { accept: false, minConfidence: 0.95 })).toEqual({ accepted: 0, rejected: 0 })
    expect(await models.review(dataset.id, { accept: false, classId: 0, minConfidence: 0.5 })).toEqual({ accepted: 0, rejected: 2 })
    expect(await models.drafts(dataset.id)).toEqual([])
    expect((await vision.listImages(dataset.id, 'unlabeled')).every((i) => i.boxes.length === 0)).toBe(true)
    // Pre-labeling again touches only the images still unlabeled.
    expect((await models.prelabel(dataset.id, model)).drafts).toBe(2)
  })

  it('pre-labels image classes with a classifier on a dataset written before class drafts existed; review and exports', async () => {
    const { dataDir, models, vision, file } = open()
    await writeOldDataset(dataDir, 'old-parts')
    expect((await vision.listDatasets()).map((d) => [d.id, d.images, d.imageClassMode])).toEqual([['old-parts', 5, 'multi']])
    expect((await vision.listImages('old-parts')).map((i) => i.classDrafts)).toEqual([[], [], [], [], []])
    const model = await models.importModel({ source: { path: file('colours.onnx', channelMeanClassifier()) } })
    expect(model).toMatchObject({ kind: 'classifier', classNames: ['scratch', 'dent', 'good'] })

    // Multi-label: every class at or above the 0.25 threshold. Yellow is half scratch, half dent; blue is "good", a class the
    // dataset lacks (reported, not drafted); the labelled image is left alone.
    const done = await models.prelabel('old-parts', model)
    expect(done).toEqual({ images: 4, drafts: 4, unmatched: ['good'], failed: [] })
    const drafts = await models.drafts('old-parts')
    expect(drafts.map((d) => [d.kind, d.imageId, d.className])).toEqual([
      ['class', 'green', 'dent'],
      ['class', 'red', 'scratch'],
      ['box', 'red', 'scratch'],
      ['class', 'yellow', 'scratch'],
      ['class', 'yellow', 'dent'],
    ])
    const byId = new Map(drafts.filter((d) => d.kind === 'class').map((d) => [`${d.imageId}/${d.className}`, d.confidence]))
    expect(byId.get('red/scratch')).toBeCloseTo(expected(1, 0, 0)[0], 5)
    expect(byId.get('green/dent')).toBeCloseTo(expected(0, 1, 0)[1], 5)
    expect(byId.get('yellow/scratch')).toBeCloseTo(expected(1, 1, 0)[0], 5)
    expect(byId.get('yellow/dent')).toBeCloseTo(expected(1, 1, 0)[1], 5)
    // The earlier detector's draft box stays: each kind of pre-label replaces only its own kind.
    expect((await vision.listImages('old-parts')).find((i) => i.id === 'red')!.boxes).toHaveLength(1)

    // Persisted: a fresh service reads the drafts back from dataset.json.
    const stored = JSON.parse(readFileSync(path.join(dataDir, 'vision', 'datasets', 'old-parts', 'dataset.json'), 'utf8')) as {
      images: { id: string; labels: { classDrafts?: { classId: number }[] } }[]
    }
    expect(stored.images.map((i) => i.labels.classDrafts?.map((c) => c.classId) ?? null)).toEqual([[0], [1], [0, 1], null, null])
    const reopened = new VisionService({ dataDir })
    expect((await reopened.listImages('old-parts')).find((i) => i.id === 'yellow')!.classDrafts).toHaveLength(2)
    await reopened.close()

    // Pre-labeling again replaces the class drafts instead of adding to them.
    expect((await models.prelabel('old-parts', model)).drafts).toBe(4)
    expect((await models.drafts('old-parts')).filter((d) => d.kind === 'class')).toHaveLength(4)

    // One by one: yellow's scratch accepted (a real image class, the image becomes labeled), its dent draft still waiting.
    expect(await models.review('old-parts', { accept: true, items: [{ imageId: 'yellow', kind: 'class', classId: 0 }] })).toEqual({ accepted: 1, rejected: 0 })
    const yellow = (await vision.listImages('old-parts')).find((i) => i.id === 'yellow')!
    expect(yellow).toMatchObject({ status: 'labeled', classes: [0], classDrafts: [{ classId: 1 }] })

    // Exports leave class drafts out: COCO carries only the confirmed class, class folders file yellow under scratch.
    const coco = await vision.exportAs('old-parts', 'coco')
    const annotations = JSON.parse(readFileSync(path.join(coco.dir, 'annotations.json'), 'utf8')) as { images: { otw_id: string; otw_classes: number[] }[] }
    expect(annotations.images.map((i) => [i.otw_id, i.otw_classes])).toEqual([
      ['yellow', [0]],
      ['done', [1]],
    ])
    expect(JSON.stringify(annotations)).not.toMatch(/draft/i)
    const folders = await vision.exportAs('old-parts', 'class-folders')
    expect(readdirSync(path.join(folders.dir, 'train', 'scratch'))).toEqual(['yellow.png'])
    expect(readdirSync(path.join(folders.dir, 'train', 'dent'))).toEqual(['done.png'])

    // Filters: box drafts only (none of class dent), then class drafts at 0.9 or more in bulk; the rest rejected.
    expect(await models.review('old-parts', { accept: true, kind: 'box', classId: 1 })).toEqual({ accepted: 0, rejected: 0 })
    expect(await models.review('old-parts', { accept: true, kind: 'class', minConfidence: 0.9 })).toEqual({ accepted: 2, rejected: 0 })
    expect(await models.review('old-parts', { accept: false, kind: 'class' })).toEqual({ accepted: 0, rejected: 1 })
    const after = new Map((await vision.listImages('old-parts')).map((i) => [i.id, i]))
    expect([...after.values()].map((i) => [i.id, i.status, i.classes, i.classDrafts])).toEqual([
      ['red', 'labeled', [0], []],
      ['green', 'labeled', [1], []],
      ['yellow', 'labeled', [0], []],
      ['blue', 'unlabeled', [], []],
      ['done', 'labeled', [1], []],
    ])
    // Only the box draft is left, untouched by the class review.
    expect((await models.drafts('old-parts')).map((d) => d.kind)).toEqual(['box'])
  })

  it('single-label datasets: the top class is drafted, accepting one replaces the image class and drops its alternatives', async () => {
    const { dataDir, models, vision, file } = open()
    await writeOldDataset(dataDir, 'single-parts', 'multi')
    const model = await models.importModel({ source: { path: file('colours.onnx', channelMeanClassifier()) } })
    // Drafted while multi-label (yellow gets two), then switched: drafts are proposals and do not block the switch.
    await models.prelabel('single-parts', model)
    await vision.setImageClassMode('single-parts', 'single')
    expect(await models.review('single-parts', { accept: true, items: [{ imageId: 'yellow', kind: 'class', classId: 1 }] })).toEqual({
      accepted: 1,
      rejected: 1,
    })
    expect((await vision.listImages('single-parts')).find((i) => i.id === 'yellow')).toMatchObject({ classes: [1], classDrafts: [], status: 'labeled' })

    // Pre-labeling single-label: only the top class, even below the threshold (blue's top class is "good": not drafted).
    await models.saveSettings({ ...(await models.settings()), confidenceThreshold: 0.99 })
    expect(await models.prelabel('single-parts', model)).toMatchObject({ images: 3, drafts: 2, unmatched: ['good'] })
    expect((await models.drafts('single-parts')).filter((d) => d.kind === 'class').map((d) => [d.imageId, d.className])).toEqual([
      ['green', 'dent'],
      ['red', 'scratch'],
    ])
    expect((await vision.listImages('single-parts', 'unlabeled')).map((i) => [i.id, i.classDrafts?.map((c) => c.classId)])).toEqual([
      ['red', [0]],
      ['green', [1]],
      ['blue', []],
    ])

    // The labeling view saves an image class it accepted by hand: the class is confirmed, the draft gone; one it rejected stays gone.
    const saved = await vision.saveLabels('single-parts', 'red', { boxes: [], classes: [0], classDrafts: [], status: 'labeled' })
    expect(saved).toMatchObject({ classes: [0], classDrafts: [], status: 'labeled' })
    // A save without classDrafts (an older client) keeps the stored drafts, except for a class it confirms.
    expect(await vision.saveLabels('single-parts', 'green', { boxes: [], classes: [], status: 'unlabeled' })).toMatchObject({ classDrafts: [{ classId: 1 }] })
    expect(await vision.saveLabels('single-parts', 'green', { boxes: [], classes: [1], status: 'labeled' })).toMatchObject({ classDrafts: [] })
    await expect(
      vision.saveLabels('single-parts', 'blue', { boxes: [], classes: [], classDrafts: [{ classId: 5, confidence: 0.5 }], status: 'unlabeled' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/Class 5 on image blue/),
    })
  })

  it('evaluates a detector on the reviewed test images with numbers that can be checked by hand', async () => {
    const { models, vision, file } = open()
    const model = await models.importModel({ source: { path: file('bottles.onnx', constantYoloModel(ANCHORS, 64, NAMES)) } })
    const dataset = await vision.createDataset('Eval')
    await vision.addDemoImages(dataset.id, 3, false)
    // A: one scratch exactly where the model puts it. B: one dent elsewhere. C: reviewed but in train (left out).
    await vision.editForModels(dataset.id, (d) => {
      const [a, b, c] = d.images
      a.labels = { classes: [], polygons: [], status: 'reviewed', boxes: [{ classId: 0, x: 120, y: 100, w: 80, h: 40 }] }
      b.labels = { classes: [], polygons: [], status: 'reviewed', boxes: [{ classId: 1, x: 0, y: 0, w: 40, h: 40 }] }
      c.labels = { classes: [], polygons: [], status: 'reviewed', boxes: [] }
      a.split = 'test'
      b.split = 'test'
      c.split = 'train'
    })
    const result = await models.evaluate(dataset.id, model)
    expect(result).toMatchObject({ kind: 'yolo-detector', images: 2, skipped: 0 })
    const [scratch, dent] = result.classes
    // scratch: the prediction on A is right, the one on B is a false alarm → P 1/2, R 1/1, F1 2/3; AP 1 (the hit ranks first).
    expect(scratch).toMatchObject({ name: 'scratch', support: 1, truePositives: 1, falsePositives: 1, falseNegatives: 0, precision: 0.5, recall: 1, ap50: 1 })
    expect(scratch.f1).toBeCloseTo(2 / 3, 10)
    // dent: never predicted → missed.
    expect(dent).toMatchObject({ name: 'dent', support: 1, truePositives: 0, falseNegatives: 1, recall: 0, ap50: 0 })
    expect(result.map50).toBe(0.5)
    // Exact boxes: AP is 1 at every IoU threshold for scratch, so mAP@0.5:0.95 is also (1 + 0) / 2.
    expect(result.map50to95).toBe(0.5)
    expect(result.confusion).toEqual({
      labels: ['scratch', 'dent', 'background'],
      matrix: [
        [1, 0, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
    })
    expect(result.mistakes.map((m) => [m.type, m.className, m.imageId])).toEqual([
      ['false-positive', 'scratch', 'part-00001'],
      ['missed', 'dent', 'part-00001'],
    ])
    expect(result.prCurves.map((c) => c.name)).toEqual(['scratch', 'dent'])
    // Unreviewed test images are not truth unless asked.
    await vision.editForModels(dataset.id, (d) => (d.images[1].labels.status = 'labeled'))
    expect((await models.evaluate(dataset.id, model)).images).toBe(1)
    expect((await models.evaluate(dataset.id, model, { includeLabeled: true })).images).toBe(2)
  })

  it('evaluates a classifier by accuracy and per-class P/R/F1, images without defects counting as "good"', async () => {
    const { models, vision, file } = open()
    const classifier = constantOutputModel({
      inputShape: [1, 3, 64, 64],
      outputName: 'probs',
      outputShape: [1, 3],
      values: [0.7, 0.2, 0.1],
      metadata: { names: "{0: 'good', 1: 'scratch', 2: 'dent'}", task: 'classify' },
    })
    const model = await models.importModel({ source: { path: file('parts.onnx', classifier) } })
    expect(model.kind).toBe('classifier')
    const dataset = await vision.createDataset('Classes')
    await vision.addDemoImages(dataset.id, 3, false)
    await vision.editForModels(dataset.id, (d) => {
      // A good part (right), a scratch and a dent (both called good: wrong).
      d.images.forEach((image, i) => {
        image.split = 'test'
        image.labels = { classes: i === 0 ? [] : [i - 1], boxes: [], polygons: [], status: 'reviewed' }
      })
    })
    const result = await models.evaluate(dataset.id, model)
    expect(result.accuracy).toBeCloseTo(1 / 3, 10)
    expect(result.classes.map((c) => [c.name, c.support, c.truePositives, c.falsePositives, c.falseNegatives])).toEqual([
      ['good', 1, 1, 2, 0],
      ['scratch', 1, 0, 0, 1],
      ['dent', 1, 0, 0, 1],
    ])
    expect(result.classes[0].precision).toBeCloseTo(1 / 3, 10)
    expect(result.confusion.matrix).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ])
    expect(result.mistakes.map((m) => [m.type, m.truthClassName, m.className])).toEqual([
      ['wrong-class', 'scratch', 'good'],
      ['wrong-class', 'dent', 'good'],
    ])
    await expect(models.prelabel(dataset.id, model)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/no unlabeled images/) })
  })

  it('inspects demo-camera frames live and publishes result, score, class and reject count as tags', async () => {
    const { models, live, file } = open()
    const model = await models.importModel({ source: { path: file('bottles.onnx', constantYoloModel(ANCHORS, 64, NAMES)) } })
    const published: string[] = []
    live.onRaw((values) => published.push(...values.map((v) => v.tagId)))
    expect(models.inspectionTags()).toEqual([])
    await models.setLiveInspection({ enabled: true, model, intervalMs: 100 })
    // From then on the results are tags of the tag model (Tags view, Trends, OEE reject counter).
    expect(models.inspectionTags().map((t) => t.id)).toEqual(Object.values(INSPECTION_TAGS))
    expect(models.inspectionTags().find((t) => t.id === INSPECTION_TAGS.rejectCount)).toMatchObject({ dataType: 'uint32', unit: 'parts', access: 'read' })
    await expect.poll(() => live.lastValue(INSPECTION_TAGS.rejectCount)?.value, { timeout: 15_000 }).toBeGreaterThanOrEqual(2)
    const status = await models.setLiveInspection({ enabled: false })
    expect(status.running).toBe(false)
    expect(status.rejects).toBe(status.inspected)
    expect(live.lastValue(INSPECTION_TAGS.result)?.value).toBe('fail')
    expect(live.lastValue(INSPECTION_TAGS.className)?.value).toBe('scratch')
    expect(live.lastValue(INSPECTION_TAGS.score)?.value).toBeCloseTo(0.9, 5)
    expect(new Set(published)).toEqual(new Set(Object.values(INSPECTION_TAGS)))
  })

  it('snapshots the chosen live tags as process context', async () => {
    const { models, vision, live } = open()
    const dataset = await vision.createDataset('Context')
    await models.setContextTags(dataset.id, ['Line1.Filler.Speed', 'Line1.Filler.Running', 'Line1.Missing'])
    live.publish([
      { tagId: 'Line1.Filler.Speed', value: 412.5, quality: { status: 'good' }, sourceTime: 1, receiveTime: 1 },
      { tagId: 'Line1.Filler.Running', value: true, quality: { status: 'good' }, sourceTime: 1, receiveTime: 1 },
    ])
    expect(await models.contextSnapshot(dataset.id)).toEqual({ 'Line1.Filler.Speed': 412.5, 'Line1.Filler.Running': 'true' })
    expect((await models.contextTags(dataset.id)).tagIds).toHaveLength(3)
    await expect(models.setContextTags('no-such-dataset', [])).rejects.toMatchObject({ code: 'NOT_FOUND' })

    // Camera images keep the snapshot beside their capture time, and exports carry it as a sidecar JSON.
    await vision.addDemoImages(dataset.id, 2, true)
    const [first] = await vision.listImages(dataset.id)
    const context = await models.imageContext(dataset.id, first.id)
    expect(context.captureTime).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(context.context).toMatchObject({ camera: 'demo-camera-1', 'Line1.Filler.Speed': 412.5, 'Line1.Filler.Running': 'true' })
    const exported = await vision.exportAs(dataset.id, 'coco')
    const sidecar = JSON.parse(readFileSync(path.join(exported.dir, 'process-context.json'), 'utf8')) as {
      images: { id: string; file: string; context: object }[]
    }
    expect(sidecar.images).toHaveLength(2)
    expect(sidecar.images[0]).toMatchObject({ id: first.id, file: `${first.id}.png`, context: { 'Line1.Filler.Speed': 412.5 } })
  })
})
