// `otw vision`: demo data, dataset export/import, inference, evaluation and anomaly training from the command line.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { readCheckedFile, readCheckedText } from '../files/checked-file'
import { groundTruthBoxes, parseDataset, SPLITS, type Dataset } from './datasets/annotations'
import { createAnomalyDetector } from './anomaly/anomaly-detector'
import { trainAnomalyModel } from './anomaly/train-anomaly'
import { createClassifier } from './inference/classifier'
import { listImages } from './datasets/dataset-files'
import { writeDemoDataset } from './datasets/demo-dataset'
import { createDetector } from './inference/detector'
import { exportClassFolders, importClassFolders } from './formats/class-folders'
import { exportCoco, importCoco } from './formats/coco'
import { exportVoc, importVoc } from './formats/voc'
import { exportYolo, importYolo } from './formats/yolo'
import { type ApInterpolation, type DetectionMetrics, evaluateDetections } from './evaluation/metrics'
import { describeOnnxModel, MODEL_KINDS, type ModelKind } from './models/model-description'
import { readNamesFile } from './models/model-registry'
import { ImportReport } from './datasets/import-report'
import { splitDataset, splitSummary } from './datasets/split'

export interface VisionCommandIo {
  stdout(s: string): void
  stderr(s: string): void
}

const EXIT = { ok: 0, failed: 1, usage: 2 } as const
const FORMATS = ['yolo', 'coco', 'voc', 'class-folders'] as const
type Format = (typeof FORMATS)[number]

export const VISION_USAGE = `Usage: otw vision <command> [options] [--json]

  demo           --out <dir> [--count 50] [--defect-rate 0.3] [--seed 1] [--split 0.7,0.2,0.1]
                 writes demo-camera images and dataset.json (exact boxes)
  export         --dataset <dataset.json> --format yolo|coco|voc|class-folders --out <dir>
                 [--source <dir of the images, default: the dataset file's folder>] [--include-drafts] [--background-class good]
                 [--segments] (YOLO: polygons as segmentation rows; unlabeled images are left out of YOLO)
  import         --format yolo|coco|voc|class-folders --in <dir> [--out <dataset.json>] [--import-rest]
                 (bad entries are listed and refuse the import; --import-rest leaves them out and lists them)
  split          --dataset <dataset.json> [--split 0.7,0.2,0.1] [--seed 0] [--keep-existing]
                 splits the labelled and reviewed images, stratified by class, and writes dataset.json back
  infer          --model <model.onnx> <image>... [--kind yolo-detector|classifier|anomaly] [--names <file>]
                 [--conf 0.25] [--iou 0.45]
  eval           --model <detector.onnx> --dataset <dataset.json> [--source <dir>] [--split val]
                 [--conf 0.25] [--interpolation 101-point|all-point] [--names <file>]
  train-anomaly  --good <dir of good images> --out <model.onnx> [--val-good <dir>] [--val-defective <dir>]
                 [--size 160x120] [--max-fpr 0.01]

Exit codes: 0 ok, 1 failed, 2 usage error.
`

class UsageError extends Error {}

const OPTIONS = {
  out: { type: 'string' },
  in: { type: 'string' },
  dataset: { type: 'string' },
  source: { type: 'string' },
  format: { type: 'string' },
  model: { type: 'string' },
  kind: { type: 'string' },
  names: { type: 'string' },
  conf: { type: 'string' },
  iou: { type: 'string' },
  split: { type: 'string' },
  interpolation: { type: 'string' },
  good: { type: 'string' },
  'val-good': { type: 'string' },
  'val-defective': { type: 'string' },
  size: { type: 'string' },
  'max-fpr': { type: 'string' },
  count: { type: 'string' },
  'defect-rate': { type: 'string' },
  seed: { type: 'string' },
  'include-drafts': { type: 'boolean', default: false },
  'import-rest': { type: 'boolean', default: false },
  'keep-existing': { type: 'boolean', default: false },
  segments: { type: 'boolean', default: false },
  'background-class': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

function required(values: Values, ...names: (keyof Values)[]): void {
  for (const name of names) if (values[name] === undefined) throw new UsageError(`--${String(name)} is required`)
}

function number(values: Values, name: keyof Values, fallback: number, check: (n: number) => boolean, expected: string): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${String(name)} "${String(raw)}" must be ${expected}`)
  return n
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`)
  return value as T
}

async function loadDataset(file: string): Promise<Dataset> {
  let text: string
  try {
    text = await readCheckedText(file, 'datasetFile')
  } catch (error) {
    throw new Error(`cannot read dataset ${file}: ${(error as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`dataset ${file} is not valid JSON: ${(error as Error).message}`)
  }
  return parseDataset(json, `dataset ${file}`)
}

function summarise(dataset: Dataset): Record<string, unknown> {
  const boxes = dataset.images.reduce((n, i) => n + i.labels.boxes.length, 0)
  const bySplit = Object.fromEntries(SPLITS.map((s) => [s, dataset.images.filter((i) => i.split === s).length]))
  return { name: dataset.name, classes: dataset.classes, images: dataset.images.length, boxes, splits: bySplit }
}

function metricsTable(m: DetectionMetrics): string {
  const rows = m.classes.map((c) =>
    [
      c.name.padEnd(16),
      String(c.groundTruthCount).padStart(5),
      c.precision.toFixed(3),
      c.recall.toFixed(3),
      c.f1.toFixed(3),
      Number.isNaN(c.ap50) ? '  -  ' : c.ap50.toFixed(3),
      Number.isNaN(c.ap50to95) ? '  -  ' : c.ap50to95.toFixed(3),
    ].join('  '),
  )
  return [
    `${'class'.padEnd(16)}  truth  P      R      F1     AP50   AP50-95`,
    ...rows,
    `mAP@0.5 ${m.map50.toFixed(3)}   mAP@0.5:0.95 ${m.map50to95.toFixed(3)}   (AP ${m.interpolation}, P/R/F1 at confidence ${m.confidenceThreshold})`,
    '',
  ].join('\n')
}

/** Model class id → dataset class id, by name; models without names (class0, class1…) are taken to share the dataset's order. */
function classMapping(modelClasses: readonly string[], datasetClasses: readonly string[], modelFile: string): (id: number) => number {
  if (modelClasses.every((name, i) => name === `class${i}`)) return (id) => id
  const missing = modelClasses.filter((name) => !datasetClasses.includes(name))
  if (missing.length > 0)
    throw new Error(
      `model ${modelFile} predicts classes the dataset does not have (${missing.join(', ')}; dataset: ${datasetClasses.join(', ')}) — evaluate on a dataset labelled with the same classes, or pass --names`,
    )
  const ids = modelClasses.map((name) => datasetClasses.indexOf(name))
  return (id) => ids[id]
}

async function openModel(file: string, values: Values) {
  const bytes = await readCheckedFile(file, 'model')
  const kind = oneOf<ModelKind>(values.kind, MODEL_KINDS, 'kind')
  const classNames = values.names ? await readNamesFile(values.names) : undefined
  return describeOnnxModel(bytes, file, { kind, classNames })
}

async function run(command: string, values: Values, positionals: string[], io: VisionCommandIo): Promise<number> {
  const print = (json: unknown, text: string) => io.stdout(values.json ? JSON.stringify(json, null, 2) + '\n' : text)
  const progress = (label: string) => (p: { done: number; total: number }) => {
    if (!values.json && (p.done === p.total || p.done % 25 === 0)) io.stderr(`${label} ${p.done}/${p.total}\n`)
  }
  switch (command) {
    case 'demo': {
      required(values, 'out')
      const count = number(values, 'count', 50, (n) => Number.isInteger(n) && n > 0, 'a positive whole number')
      const defectRate = number(values, 'defect-rate', 0.3, (n) => n >= 0 && n <= 1, 'between 0 and 1')
      const seed = number(values, 'seed', 1, Number.isInteger, 'a whole number')
      const ratios = (values.split ?? '0.7,0.2,0.1').split(',').map(Number)
      if (ratios.length !== 3 || ratios.some((r) => !(r >= 0)))
        throw new UsageError(`--split "${values.split}" must be three ratios train,val,test such as 0.7,0.2,0.1`)
      const raw = await writeDemoDataset(values.out!, { count, defectRate, seed, onProgress: progress('rendered') })
      const dataset = splitDataset(raw, { seed, ratios: { train: ratios[0], val: ratios[1], test: ratios[2] } })
      await writeFile(path.join(values.out!, 'dataset.json'), JSON.stringify(dataset, null, 2) + '\n')
      print({ dataset: path.join(values.out!, 'dataset.json'), ...summarise(dataset) }, `wrote ${count} images and ${path.join(values.out!, 'dataset.json')}\n`)
      return EXIT.ok
    }
    case 'export': {
      required(values, 'dataset', 'format', 'out')
      const format = oneOf<Format>(values.format, FORMATS, 'format')!
      const dataset = await loadDataset(values.dataset!)
      const common = { sourceRoot: values.source ?? path.dirname(values.dataset!), outDir: values.out!, onProgress: progress('exported') }
      const { files, unlabeled = 0 }: { files: string[]; unlabeled?: number } =
        format === 'yolo'
          ? await exportYolo(dataset, { ...common, includeDrafts: values['include-drafts'], segments: values.segments })
          : format === 'coco'
            ? await exportCoco(dataset, { ...common, includeDrafts: values['include-drafts'] })
            : format === 'voc'
              ? await exportVoc(dataset, { ...common, includeDrafts: values['include-drafts'] })
              : await exportClassFolders(dataset, { ...common, backgroundClass: values['background-class'] })
      print(
        { format, out: values.out, files: files.length, ...(format === 'yolo' ? { unlabeledLeftOut: unlabeled } : {}) },
        `exported ${files.length} files as ${format} to ${values.out}${unlabeled > 0 ? ` (${unlabeled} unlabeled image(s) left out)` : ''}\n`,
      )
      return EXIT.ok
    }
    case 'import': {
      required(values, 'format', 'in')
      const format = oneOf<Format>(values.format, FORMATS, 'format')!
      const importer = { yolo: importYolo, coco: importCoco, voc: importVoc, 'class-folders': importClassFolders }[format]
      const report = new ImportReport()
      const dataset = await importer(values.in!, { onProgress: progress('imported'), report })
      const listed = report.failures.map((f) => `  ${f.entry}: ${f.reason}\n`).join('')
      const entries = `${report.failures.length} ${report.failures.length === 1 ? 'entry' : 'entries'}`
      if (report.failures.length > 0 && !values['import-rest'])
        throw new Error(
          `${entries} of ${values.in} cannot be imported (${dataset.images.length} can), nothing was written:\n${listed}fix them, or pass --import-rest to leave them out`,
        )
      if (report.failures.length > 0) io.stderr(`left out ${entries}:\n${listed}`)
      // File paths in the dataset are relative to the imported folder; a dataset.json written elsewhere needs --source on export.
      if (values.out) {
        await mkdir(path.dirname(values.out), { recursive: true })
        await writeFile(values.out, JSON.stringify(dataset, null, 2) + '\n')
      }
      const summary = summarise(dataset)
      print(
        values.out ? { ...summary, written: values.out, skipped: report.failures } : dataset,
        `${summary.images} images, ${summary.boxes} boxes, classes: ${dataset.classes.join(', ')}${values.out ? ` → ${values.out}` : ''}\n`,
      )
      return EXIT.ok
    }
    case 'split': {
      required(values, 'dataset')
      const ratios = (values.split ?? '0.7,0.2,0.1').split(',').map(Number)
      if (ratios.length !== 3 || ratios.some((r) => !(r >= 0)) || !(ratios[0] > 0))
        throw new UsageError(`--split "${values.split}" must be three ratios train,val,test such as 0.7,0.2,0.1, train above 0`)
      const seed = number(values, 'seed', 0, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0')
      const dataset = splitDataset(await loadDataset(values.dataset!), {
        seed,
        ratios: { train: ratios[0], val: ratios[1], test: ratios[2] },
        keepExisting: values['keep-existing'],
        clearOthers: true,
      })
      await writeFile(values.dataset!, JSON.stringify(dataset, null, 2) + '\n')
      const { total, byClass, withoutClass } = splitSummary(dataset)
      const row = (name: string, c: { train: number; val: number; test: number }) =>
        `${name.padEnd(16)} ${String(c.train).padStart(6)} ${String(c.val).padStart(6)} ${String(c.test).padStart(6)}\n`
      print(
        { dataset: values.dataset, splits: total, byClass: Object.fromEntries(dataset.classes.map((c, i) => [c, byClass[i]])), withoutClass },
        `${'class'.padEnd(16)} ${'train'.padStart(6)} ${'val'.padStart(6)} ${'test'.padStart(6)}\n${dataset.classes.map((c, i) => row(c, byClass[i])).join('')}${row('(nothing on it)', withoutClass)}${row('all', total)}` +
          (total.none > 0 ? `${total.none} labelled images kept out of a split\n` : ''),
      )
      return EXIT.ok
    }
    case 'infer': {
      required(values, 'model')
      if (positionals.length === 0) throw new UsageError('give at least one image file after the options')
      const conf = number(values, 'conf', 0.25, (n) => n >= 0 && n <= 1, 'between 0 and 1')
      const iou = number(values, 'iou', 0.45, (n) => n >= 0 && n <= 1, 'between 0 and 1')
      const { description, session } = await openModel(values.model!, values)
      const results: { image: string; result: unknown }[] = []
      const lines: string[] = []
      try {
        if (description.kind === 'yolo-detector') {
          const detector = createDetector(session, description)
          for (const image of positionals) {
            const found = await detector.detect(image, { confidenceThreshold: conf, iouThreshold: iou })
            results.push({ image, result: found })
            lines.push(
              `${image}: ${found.length} object(s)${found.map((d) => `\n  ${d.className} ${d.confidence.toFixed(3)} at ${Math.round(d.x)},${Math.round(d.y)} ${Math.round(d.w)}×${Math.round(d.h)}`).join('')}`,
            )
          }
        } else if (description.kind === 'classifier') {
          const classifier = createClassifier(session, description)
          for (const image of positionals) {
            const c = await classifier.classify(image)
            results.push({ image, result: c })
            lines.push(`${image}: ${c.className} ${c.confidence.toFixed(3)}`)
          }
        } else {
          const detector = createAnomalyDetector(session, description)
          for (const image of positionals) {
            const r = await detector.score(image)
            results.push({
              image,
              result: { score: r.score, threshold: r.threshold, anomalous: r.anomalous, gridWidth: r.gridWidth, gridHeight: r.gridHeight },
            })
            lines.push(`${image}: ${r.anomalous ? 'ANOMALOUS' : 'good'} (score ${r.score.toFixed(2)}, threshold ${r.threshold.toFixed(2)})`)
          }
        }
      } finally {
        await session.release()
      }
      print({ model: values.model, kind: description.kind, results }, lines.join('\n') + '\n')
      return EXIT.ok
    }
    case 'eval': {
      required(values, 'model', 'dataset')
      const conf = number(values, 'conf', 0.25, (n) => n >= 0 && n <= 1, 'between 0 and 1')
      const interpolation = oneOf<ApInterpolation>(values.interpolation, ['101-point', 'all-point'], 'interpolation') ?? '101-point'
      const split = oneOf(values.split, SPLITS, 'split')
      const dataset = await loadDataset(values.dataset!)
      const sourceRoot = values.source ?? path.dirname(values.dataset!)
      const images = dataset.images.filter((i) => (i.labels.status === 'labeled' || i.labels.status === 'reviewed') && (!split || i.split === split))
      if (images.length === 0)
        throw new Error(`dataset ${values.dataset} has no labelled images${split ? ` in split "${split}"` : ''} — label some or choose another split`)
      const { description, session } = await openModel(values.model!, { ...values, kind: values.kind ?? 'yolo-detector' })
      const detector = createDetector(session, description)
      const toDatasetClass = classMapping(description.classNames, dataset.classes, values.model!)
      const evaluation = []
      try {
        for (const [i, image] of images.entries()) {
          // Keep low-confidence boxes: AP needs the whole ranking; P/R/F1 apply --conf afterwards.
          const predictions = (await detector.detect(path.join(sourceRoot, image.file), { confidenceThreshold: 0.001 })).map((p) => ({
            ...p,
            classId: toDatasetClass(p.classId),
          }))
          evaluation.push({ groundTruth: groundTruthBoxes(image), predictions })
          progress('evaluated')({ done: i + 1, total: images.length })
        }
      } finally {
        await detector.release()
      }
      const metrics = evaluateDetections(evaluation, { classNames: dataset.classes, interpolation, confidenceThreshold: conf })
      print(metrics, metricsTable(metrics))
      return EXIT.ok
    }
    case 'train-anomaly': {
      required(values, 'good', 'out')
      const size = (values.size ?? '160x120').match(/^(\d+)x(\d+)$/)
      if (!size) throw new UsageError(`--size "${values.size}" must be WIDTHxHEIGHT such as 160x120`)
      const maxFpr = values['max-fpr'] === undefined ? undefined : number(values, 'max-fpr', 0, (n) => n >= 0 && n <= 1, 'between 0 and 1')
      const filesIn = async (dir: string | undefined) => (dir ? (await listImages(dir)).map((f) => path.join(dir, f)) : [])
      const good = await filesIn(values.good)
      if (good.length < 2) throw new Error(`${values.good} holds ${good.length} image(s); anomaly training needs at least 2 good images (20+ recommended)`)
      const validation = [
        ...(await filesIn(values['val-good'])).map((image) => ({ image, anomalous: false })),
        ...(await filesIn(values['val-defective'])).map((image) => ({ image, anomalous: true })),
      ]
      const trained = await trainAnomalyModel({
        good,
        validation,
        input: { width: Number(size[1]), height: Number(size[2]) },
        thresholdRule: maxFpr !== undefined ? { rule: 'false-positive-rate', rate: maxFpr } : undefined,
        onProgress: progress('fitted'),
      })
      await mkdir(path.dirname(path.resolve(values.out!)), { recursive: true })
      await writeFile(values.out!, trained.bytes)
      const { bytes: _bytes, ...report } = trained
      print(
        { out: values.out, ...report },
        `wrote ${values.out}: ${trained.trainedOn} good images, ${trained.gridWidth}×${trained.gridHeight} cells, threshold ${trained.threshold.toFixed(3)}${trained.validationAuroc !== undefined ? `, validation AUROC ${trained.validationAuroc.toFixed(3)}` : ''}\n`,
      )
      return EXIT.ok
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

/** `otw vision`: 0 when done, 1 when reading, inference or writing failed, 2 on a usage error. */
export async function runVisionCommand(argv: string[], io: VisionCommandIo): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(VISION_USAGE)
    return command ? EXIT.ok : EXIT.usage
  }
  let values: Values
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: true }))
    if (values.help) {
      io.stdout(VISION_USAGE)
      return EXIT.ok
    }
    if (command !== 'infer' && positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  } catch (error) {
    io.stderr(`otw vision: ${(error as Error).message}\n\n${VISION_USAGE}`)
    return EXIT.usage
  }
  try {
    return await run(command, values, positionals, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`otw vision ${command}: ${error.message}\n\n${VISION_USAGE}`)
      return EXIT.usage
    }
    io.stderr(`otw vision ${command} failed: ${(error as Error).message}\n`)
    return EXIT.failed
  }
}
