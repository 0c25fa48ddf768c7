// Pascal VOC: JPEGImages/, Annotations/<stem>.xml with 1-based inclusive pixel corners, ImageSets/Main/<split>.txt, classes.txt.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import { type Box, type Dataset, type DatasetImage, exportableBoxes, parseDataset, parseImported, type Split, SPLITS } from '../datasets/annotations'
import { type ImportReport, perEntry } from '../datasets/import-report'
import { checkFile, readCheckedText } from '../../files/checked-file'
import { containedRelativePath } from '../../files/contained-path'
import { copyInto, datasetFolder, exists, imageSize, LabelFileError, listImages, type LongTaskOptions, stem, uniqueBaseNames } from '../datasets/dataset-files'

export interface VocExportOptions extends LongTaskOptions {
  sourceRoot: string
  outDir: string
  includeDrafts?: boolean
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false })
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'object', trimValues: true })

/** VOC pixel convention: the box x..x+w covers pixels x+1..x+w counted from 1. */
export function formatVocXml(image: DatasetImage, fileName: string, boxes: readonly Box[], classes: readonly string[]): string {
  const xml = builder.build({
    annotation: {
      folder: 'JPEGImages',
      filename: fileName,
      size: { width: image.width, height: image.height, depth: 3 },
      segmented: 0,
      object: boxes.map((b) => ({
        name: classes[b.classId],
        pose: 'Unspecified',
        truncated: 0,
        difficult: 0,
        bndbox: { xmin: b.x + 1, ymin: b.y + 1, xmax: b.x + b.w, ymax: b.y + b.h },
      })),
    },
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`
}

export function parseVocXml(
  text: string,
  file: string,
  classes: string[],
  addUnknownClasses: boolean,
): { fileName: string; width: number; height: number; boxes: Box[] } {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new LabelFileError(file, valid.err.line, `not well-formed XML: ${valid.err.msg}`)
  const doc = parser.parse(text) as { annotation?: Record<string, unknown> }
  const root = doc.annotation
  if (!root) throw new LabelFileError(file, undefined, 'no <annotation> root element — is this a Pascal VOC file?')
  const size = root.size as Record<string, string> | undefined
  const width = Number(size?.width)
  const height = Number(size?.height)
  if (!(width > 0 && height > 0)) throw new LabelFileError(file, undefined, '<size> needs positive <width> and <height>')
  const objects = (root.object as Record<string, unknown>[] | undefined) ?? []
  const boxes = objects.map((o, i): Box => {
    const where = `<object> #${i + 1}`
    const name = String(o.name ?? '')
    if (!name) throw new LabelFileError(file, undefined, `${where} has no <name>`)
    let classId = classes.indexOf(name)
    if (classId < 0) {
      if (!addUnknownClasses) throw new LabelFileError(file, undefined, `${where}: class "${name}" is not in classes.txt — add it there`)
      classId = classes.push(name) - 1
    }
    const bndbox = o.bndbox as Record<string, string> | undefined
    const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(bndbox?.[k]))
    if (![xmin, ymin, xmax, ymax].every(Number.isFinite))
      throw new LabelFileError(file, undefined, `${where} "${name}": <bndbox> needs numeric xmin, ymin, xmax, ymax`)
    if (xmax < xmin || ymax < ymin)
      throw new LabelFileError(file, undefined, `${where} "${name}": xmax/ymax (${xmax},${ymax}) lie before xmin/ymin (${xmin},${ymin})`)
    return { classId, x: xmin - 1, y: ymin - 1, w: xmax - xmin + 1, h: ymax - ymin + 1 }
  })
  return { fileName: String(root.filename ?? ''), width, height, boxes }
}

export async function exportVoc(input: Dataset, options: VocExportOptions): Promise<{ files: string[] }> {
  const dataset = parseDataset(input)
  const images = dataset.images.filter((i) => i.labels.status !== 'rejected')
  const names = uniqueBaseNames(images, 'VOC')
  const files: string[] = []
  const splitLists = new Map<Split, string[]>()
  for (const [done, image] of images.entries()) {
    options.signal?.throwIfAborted()
    const name = names.get(image.id)!
    await copyInto(path.join(options.sourceRoot, image.file), path.join(options.outDir, 'JPEGImages', name))
    files.push(`JPEGImages/${name}`)
    if (image.labels.status !== 'unlabeled') {
      const xmlOut = `Annotations/${stem(name)}.xml`
      await mkdir(path.join(options.outDir, 'Annotations'), { recursive: true })
      await writeFile(path.join(options.outDir, xmlOut), formatVocXml(image, name, exportableBoxes(image, options.includeDrafts), dataset.classes))
      files.push(xmlOut)
    }
    const split = image.split ?? 'train'
    splitLists.set(split, [...(splitLists.get(split) ?? []), stem(name)])
    options.onProgress?.({ done: done + 1, total: images.length })
  }
  await mkdir(path.join(options.outDir, 'ImageSets', 'Main'), { recursive: true })
  for (const [split, stems] of splitLists) {
    await writeFile(path.join(options.outDir, 'ImageSets', 'Main', `${split}.txt`), stems.join('\n') + '\n')
    files.push(`ImageSets/Main/${split}.txt`)
  }
  await writeFile(path.join(options.outDir, 'classes.txt'), dataset.classes.join('\n') + '\n')
  files.push('classes.txt')
  return { files: files.sort() }
}

export async function importVoc(dir: string, options: LongTaskOptions & { name?: string; report?: ImportReport } = {}): Promise<Dataset> {
  const root = await datasetFolder(dir, 'VOC')
  const classesFile = await root.resolve('classes.txt', 'VOC class list')
  const hasClassList = await exists(classesFile)
  const classes = hasClassList
    ? (await readCheckedText(classesFile, 'labelFile'))
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
    : []
  const splitOf = new Map<string, Split>()
  for (const split of SPLITS) {
    const listFile = await root.resolve(`ImageSets/Main/${split}.txt`, 'VOC split list')
    if (!(await exists(listFile))) continue
    for (const line of (await readCheckedText(listFile, 'labelFile')).split(/\r?\n/)) if (line.trim()) splitOf.set(line.trim(), split)
  }
  const imageNames = await listImages(
    await root.resolve('JPEGImages', 'VOC images folder'),
    root,
    options.report && ((name: string, error: unknown) => options.report!.fail(`JPEGImages/${name}`, error)),
  )
  await root.resolve('Annotations', 'VOC annotations folder')
  if (imageNames.length === 0) throw new Error(`VOC import: no images in ${path.join(dir, 'JPEGImages')} — point at the VOC root folder`)
  const images: DatasetImage[] = []
  for (const [done, name] of imageNames.entries()) {
    options.signal?.throwIfAborted()
    const image = await perEntry(
      options.report,
      `JPEGImages/${name}`,
      async (): Promise<DatasetImage> => {
        const file = containedRelativePath(`JPEGImages/${name}`, { folder: dir, source: 'VOC image' })
        const xmlFile = await root.resolve(`Annotations/${stem(name)}.xml`, 'VOC annotation file')
        const split = splitOf.get(stem(name))
        const base = { id: stem(name), file, context: {}, ...(split ? { split } : {}) }
        if (await exists(xmlFile)) {
          // Parsed on a copy of the class list: a file left out must not leave its new class names behind.
          const known = [...classes]
          const parsed = parseVocXml(await readCheckedText(xmlFile, 'labelFile'), xmlFile, known, !hasClassList)
          // Its size comes from the XML, so the image is checked here rather than by reading its header.
          await checkFile(path.join(dir, file), 'image')
          classes.splice(0, classes.length, ...known)
          return { ...base, width: parsed.width, height: parsed.height, labels: { classes: [], boxes: parsed.boxes, polygons: [], status: 'labeled' } }
        }
        return { ...base, ...(await imageSize(path.join(dir, 'JPEGImages', name))), labels: { classes: [], boxes: [], polygons: [], status: 'unlabeled' } }
      },
      options.signal,
    )
    if (image) images.push(image)
    options.onProgress?.({ done: done + 1, total: imageNames.length })
  }
  if (classes.length === 0) throw new Error(`VOC import: ${dir} has no classes.txt and no labelled objects — add classes.txt with one class name per line`)
  return parseImported({ name: options.name ?? path.basename(path.resolve(dir)), classes, images }, `VOC dataset ${dir}`, options.report)
}
