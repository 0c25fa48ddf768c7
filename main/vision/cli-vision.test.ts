import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runVisionCommand } from './cli-vision'
import { createDemoCamera } from './demo-camera'
import { makeTempDir } from './formats/round-trip.fixture'
import { constantYoloModel } from './onnx-test-models.fixture'

let tmp: Awaited<ReturnType<typeof makeTempDir>>
beforeAll(async () => {
  tmp = await makeTempDir()
})
afterAll(() => tmp.cleanup())

async function otw(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runVisionCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) })
  return { code, stdout, stderr }
}

describe('otw vision', () => {
  it('demo → export yolo → import gives the same images and boxes', async () => {
    const demo = path.join(tmp.dir, 'demo')
    const made = await otw('demo', '--out', demo, '--count', '8', '--defect-rate', '0.5', '--seed', '3', '--json')
    expect(made.code).toBe(0)
    expect(JSON.parse(made.stdout)).toMatchObject({ images: 8, classes: ['scratch', 'dent', 'stain', 'missing_label', 'skewed_label'] })
    expect((await otw('export', '--dataset', path.join(demo, 'dataset.json'), '--format', 'yolo', '--out', path.join(tmp.dir, 'yolo'))).code).toBe(0)
    const back = await otw('import', '--format', 'yolo', '--in', path.join(tmp.dir, 'yolo'), '--out', path.join(tmp.dir, 'back.json'), '--json')
    expect(back.code).toBe(0)
    const original = JSON.parse(await readFile(path.join(demo, 'dataset.json'), 'utf8'))
    expect(JSON.parse(back.stdout)).toMatchObject({
      images: 8,
      boxes: original.images.reduce((n: number, i: { labels: { boxes: unknown[] } }) => n + i.labels.boxes.length, 0),
    })
  })

  it('split writes train/val/test into dataset.json, stratified; import lists bad entries and --import-rest leaves them out', async () => {
    const demo = path.join(tmp.dir, 'demo-split')
    expect((await otw('demo', '--out', demo, '--count', '20', '--seed', '4', '--split', '1,0,0')).code).toBe(0)
    const file = path.join(demo, 'dataset.json')
    const split = await otw('split', '--dataset', file, '--split', '0.6,0.2,0.2', '--seed', '2', '--json')
    expect(split.code).toBe(0)
    expect(JSON.parse(split.stdout).splits).toEqual({ train: 12, val: 4, test: 4, none: 0 })
    const written = JSON.parse(await readFile(file, 'utf8')) as { images: { split?: string }[] }
    expect(written.images.filter((i) => i.split === 'test')).toHaveLength(4)
    expect((await otw('split', '--dataset', file, '--split', '0,1,0')).code).toBe(2)

    const yolo = path.join(tmp.dir, 'yolo-broken')
    expect((await otw('export', '--dataset', file, '--format', 'yolo', '--out', yolo)).code).toBe(0)
    const [label] = (await readdir(path.join(yolo, 'labels', 'train'))).sort()
    await writeFile(path.join(yolo, 'labels', 'train', label), '0 0.5 0.5\n')
    const refused = await otw('import', '--format', 'yolo', '--in', yolo)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/1 entry of .* cannot be imported \(19 can\), nothing was written:\n {2}images\/train\/.*: .*:1/)
    const rest = await otw('import', '--format', 'yolo', '--in', yolo, '--import-rest', '--out', path.join(tmp.dir, 'rest.json'), '--json')
    expect(rest.code).toBe(0)
    expect(JSON.parse(rest.stdout)).toMatchObject({ images: 19, skipped: [{ entry: expect.stringMatching(/^images\/train\//) }] })
  })

  it('infer and eval a detector: a model that finds exactly the labelled box scores mAP 1', async () => {
    const dir = path.join(tmp.dir, 'eval')
    await mkdir(dir, { recursive: true })
    const png = (await createDemoCamera({ seed: 1, defectRate: 0 }).capture(0)).png
    await writeFile(path.join(dir, 'part.png'), png)
    // 320×240 letterboxed into 64×64: scale 0.2, 8 px on top. Box 100,50 40×20 → centre (24, 20), size 8×4.
    await writeFile(path.join(dir, 'model.onnx'), constantYoloModel([[24, 20, 8, 4, 0.9, 0.1]], 64, { names: "{0: 'scratch', 1: 'dent'}" }))
    const dataset = {
      name: 'one',
      classes: ['scratch', 'dent'],
      images: [{ id: 'part', file: 'part.png', width: 320, height: 240, labels: { boxes: [{ classId: 0, x: 100, y: 50, w: 40, h: 20 }], status: 'labeled' } }],
    }
    await writeFile(path.join(dir, 'dataset.json'), JSON.stringify(dataset))
    const inferred = await otw('infer', '--model', path.join(dir, 'model.onnx'), path.join(dir, 'part.png'), '--json')
    expect(inferred.code).toBe(0)
    const box = JSON.parse(inferred.stdout).results[0].result[0]
    expect(box.className).toBe('scratch')
    expect(box.x).toBeCloseTo(100, 6)
    expect(box.w).toBeCloseTo(40, 6)
    const evaluated = await otw('eval', '--model', path.join(dir, 'model.onnx'), '--dataset', path.join(dir, 'dataset.json'), '--json')
    expect(evaluated.code).toBe(0)
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ map50: 1, map50to95: 1 })
    const renamed = { ...dataset, classes: ['dent', 'crack'] }
    await writeFile(path.join(dir, 'renamed.json'), JSON.stringify(renamed))
    const mismatch = await otw('eval', '--model', path.join(dir, 'model.onnx'), '--dataset', path.join(dir, 'renamed.json'))
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toMatch(/predicts classes the dataset does not have \(scratch; dataset: dent, crack\)/)
    const table = await otw('eval', '--model', path.join(dir, 'model.onnx'), '--dataset', path.join(dir, 'dataset.json'))
    expect(table.stdout).toMatch(/mAP@0.5 1.000 {3}mAP@0.5:0.95 1.000/)
  })

  it('train-anomaly writes a model that infer runs', async () => {
    const good = path.join(tmp.dir, 'good')
    await mkdir(good, { recursive: true })
    const camera = createDemoCamera({ seed: 9, defectRate: 0 })
    for (let i = 0; i < 6; i++) await writeFile(path.join(good, `g${i}.png`), (await camera.capture(i)).png)
    const trained = await otw('train-anomaly', '--good', good, '--out', path.join(tmp.dir, 'anomaly.onnx'), '--size', '80x60', '--json')
    expect(trained.code).toBe(0)
    expect(JSON.parse(trained.stdout)).toMatchObject({ trainedOn: 6, input: { width: 80, height: 60 } })
    const inferred = await otw('infer', '--model', path.join(tmp.dir, 'anomaly.onnx'), path.join(good, 'g0.png'))
    expect(inferred.code).toBe(0)
    expect(inferred.stdout).toMatch(/g0.png: good \(score [\d.]+, threshold [\d.]+\)/)
  })

  it('exit 2 on usage errors, 1 on failures, with a message saying what to do', async () => {
    expect((await otw()).code).toBe(2)
    expect(await otw('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') })
    expect(await otw('export', '--format', 'yolo')).toMatchObject({ code: 2, stderr: expect.stringContaining('--dataset is required') })
    expect(await otw('export', '--dataset', 'd.json', '--format', 'png', '--out', 'x')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format must be one of yolo, coco, voc, class-folders'),
    })
    expect(await otw('import', '--bogus')).toMatchObject({ code: 2 })
    const missing = await otw('eval', '--model', path.join(tmp.dir, 'nope.onnx'), '--dataset', path.join(tmp.dir, 'nope.json'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/otw vision eval failed: cannot read dataset .*nope.json: .* check the path/)
    expect((await otw('--help')).code).toBe(0)
  })
})
