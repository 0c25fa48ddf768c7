// Image classification layout (ImageNet/Ultralytics classify): <split>/<class name>/<image>, one class per image.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { type Dataset, type DatasetImage, parseDataset, parseImported, SPLITS } from '../datasets/annotations'
import { type ImportReport, perEntry } from '../datasets/import-report'
import { containedFileName, containedRelativePath } from '../../files/contained-path'
import { copyInto, datasetFolder, imageSize, listFolders, listImages, type LongTaskOptions, stem, uniqueBaseNames } from '../datasets/dataset-files'

export interface ClassFoldersExportOptions extends LongTaskOptions {
  sourceRoot: string
  outDir: string
  /** Class for labelled images without an image-level class (e.g. "good"); without it they are an error. */
  backgroundClass?: string
}

export async function exportClassFolders(input: Dataset, options: ClassFoldersExportOptions): Promise<{ files: string[] }> {
  const dataset = parseDataset(input)
  const classes = [...dataset.classes]
  if (options.backgroundClass && !classes.includes(options.backgroundClass)) classes.push(options.backgroundClass)
  // Unlabeled and rejected images have no class to file them under.
  const images = dataset.images.filter((i) => i.labels.status === 'labeled' || i.labels.status === 'reviewed')
  const names = uniqueBaseNames(images, 'Class-folder')
  const files: string[] = []
  const splits = new Set(images.map((i) => i.split ?? 'train'))
  // Every split gets every class folder, because classifiers infer the class list from the folders.
  const classFolder = (name: string) => containedFileName(name, { folder: options.outDir, source: `class "${name}" as a folder name` })
  for (const split of splits) for (const name of classes) await mkdir(path.join(options.outDir, split, classFolder(name)), { recursive: true })
  for (const [done, image] of images.entries()) {
    options.signal?.throwIfAborted()
    const ids = image.labels.classes
    if (ids.length > 1)
      throw new Error(
        `Class-folder export: image "${image.id}" has ${ids.length} classes (${ids.map((c) => dataset.classes[c]).join(', ')}) — this layout holds one class per image; use COCO or YOLO`,
      )
    const className = ids.length === 1 ? dataset.classes[ids[0]] : options.backgroundClass
    if (!className)
      throw new Error(`Class-folder export: image "${image.id}" is labelled but has no image-level class — set one, or pass a background class such as "good"`)
    const out = `${image.split ?? 'train'}/${classFolder(className)}/${names.get(image.id)}`
    await copyInto(path.join(options.sourceRoot, image.file), path.join(options.outDir, out))
    files.push(out)
    options.onProgress?.({ done: done + 1, total: images.length })
  }
  return { files: files.sort() }
}

/** Class ids are the sorted folder names, as classifier trainers number them. */
export async function importClassFolders(dir: string, options: LongTaskOptions & { name?: string; report?: ImportReport } = {}): Promise<Dataset> {
  const contained = await datasetFolder(dir, 'Class-folder')
  const present = (await listFolders(dir, contained)).filter((f): f is (typeof SPLITS)[number] => (SPLITS as readonly string[]).includes(f))
  const roots = present.length > 0 ? present.map((split) => ({ split, folder: split })) : [{ split: undefined, folder: '' }]
  const classSet = new Set<string>()
  for (const root of roots)
    for (const c of await listFolders(path.join(dir, root.folder), contained)) {
      // Class names become folder names again on export, wherever the dataset goes.
      classSet.add(containedFileName(c, { folder: path.join(dir, root.folder), source: 'class folder' }))
    }
  const classes = [...classSet].sort()
  if (classes.length === 0) throw new Error(`Class-folder import: no class folders in ${dir} — expected <split>/<class>/<image> or <class>/<image>`)
  const found: { file: string; classId: number; split: (typeof SPLITS)[number] | undefined }[] = []
  for (const root of roots)
    for (const [classId, className] of classes.entries())
      for (const name of await listImages(
        path.join(dir, root.folder, className),
        contained,
        options.report && ((name: string, error: unknown) => options.report!.fail(path.posix.join(root.folder, className, name), error)),
      )) {
        const entry = path.posix.join(root.folder, className, name)
        const file = await perEntry(options.report, entry, () => containedRelativePath(entry, { folder: dir, source: 'class-folder image' }))
        if (file !== undefined) found.push({ file, classId, split: root.split })
      }
  const images: DatasetImage[] = []
  for (const [done, item] of found.entries()) {
    options.signal?.throwIfAborted()
    const size = await perEntry(options.report, item.file, () => imageSize(path.join(dir, item.file)), options.signal)
    if (size)
      images.push({
        id: stem(item.file),
        file: item.file,
        ...size,
        context: {},
        ...(item.split ? { split: item.split } : {}),
        labels: { classes: [item.classId], boxes: [], polygons: [], status: 'labeled' },
      })
    options.onProgress?.({ done: done + 1, total: found.length })
  }
  return parseImported({ name: options.name ?? path.basename(path.resolve(dir)), classes, images }, `class-folder dataset ${dir}`, options.report)
}
