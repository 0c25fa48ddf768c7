// Every contract channel that reads a file named by a path, called through the workbench's router as both hosts call it,
// with a FIFO (mkfifo), /dev/zero, a folder and an oversize (sparse) file: each is a clear typed error, and the host still
// answers — with more FIFOs in flight than libuv has file threads.
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchErrorShape } from '../../preload/contract'
import type { StreamSink } from '../ipc/handlers'
import { createWorkbench, type Workbench } from '../workbench'
import { FILE_KINDS } from './checked-file'

let root: string
let workbench: Workbench
const fifos: string[] = []

function fifo(name: string): string {
  const file = path.join(root, name)
  mkdirSync(path.dirname(file), { recursive: true })
  execFileSync('mkfifo', [file])
  fifos.push(file)
  return file
}

/** A file of `bytes` bytes that takes no disk space. */
function sparse(name: string, bytes: number): string {
  const file = path.join(root, name)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, '')
  truncateSync(file, bytes)
  return file
}

function folder(name: string): string {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

let png: Buffer
beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
  root = mkdtempSync(path.join(tmpdir(), 'otw-path-inputs-'))
  workbench = createWorkbench({ dataDir: path.join(root, 'data'), host: 'browser', demoPlant: false })
})

afterAll(async () => {
  // A reader stuck in open() on a FIFO (the defect) is released by a writer coming and going.
  for (const file of fifos) {
    try {
      closeSync(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK))
    } catch {
      // No reader waiting: nothing to release.
    }
  }
  await workbench.stop()
  rmSync(root, { recursive: true, force: true })
})

async function refused(channel: string, input: unknown): Promise<WorkbenchErrorShape> {
  const result = await workbench.router.call(channel, input)
  expect(result.ok, `${channel} must refuse ${JSON.stringify(input)}`).toBe(false)
  return (result as { ok: false; error: WorkbenchErrorShape }).error
}

/** Runs a stream to its end and returns the error it ended with. */
function streamError(channel: string, input: unknown): Promise<WorkbenchErrorShape> {
  return new Promise((resolve, reject) => {
    const sink: StreamSink<unknown> = {
      emit: (event) => {
        if ((event as { kind?: string }).kind === 'done') reject(new Error(`${channel} finished instead of refusing`))
      },
      end: (error) => (error ? resolve(error as WorkbenchErrorShape) : reject(new Error(`${channel} ended without an error`))),
      congested: () => false,
    }
    workbench.router.open(channel, input, sink)
  })
}

async function expectHostAnswers(): Promise<void> {
  const info = await workbench.router.call('app.info', undefined)
  expect(info.ok).toBe(true)
  // A file read needs a free libuv thread: it only completes if no refused path still holds one.
  const csv = path.join(root, 'ok.csv')
  writeFileSync(csv, 'name,address,dataType\nSpeed,hr:1,uint16\n')
  const preview = await workbench.router.call('tags.csvPreview', { source: { kind: 'path', path: csv } })
  expect(preview).toMatchObject({ ok: true, output: { rowCount: 1 } })
}

describe('tags.csvPreview with a path', () => {
  it('refuses six FIFOs at once (more than the four file threads) without waiting on them, and the host still answers', async () => {
    const pipes = Array.from({ length: 6 }, (_, i) => fifo(`pipe-${i}.csv`))
    const errors = await Promise.all(pipes.map((pipe) => refused('tags.csvPreview', { source: { kind: 'path', path: pipe } })))
    for (const [i, error] of errors.entries()) {
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toBe(`Tag CSV ${pipes[i]} is a FIFO (named pipe), not a regular file — give the path of the file itself`)
      expect(error.details).toMatchObject({ file: pipes[i], kind: 'tagCsv', rule: 'not-regular' })
    }
    await expectHostAnswers()
  })

  it('refuses /dev/zero instead of reading it', async () => {
    const error = await refused('tags.csvPreview', { source: { kind: 'path', path: '/dev/zero' } })
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('Tag CSV /dev/zero is a character device, not a regular file') })
    await expectHostAnswers()
  })

  it('refuses a folder and an oversize file, naming its size and the cap', async () => {
    const dir = folder('tags-folder.csv')
    expect((await refused('tags.csvPreview', { source: { kind: 'path', path: dir } })).message).toContain(`Tag CSV ${dir} is a folder, not a regular file`)
    const big = sparse('big.csv', FILE_KINDS.tagCsv.cap + 1)
    const error = await refused('tags.csvImport', { source: { kind: 'path', path: big }, connectionId: 'nope', mapping: { format: 'otw', columns: {} } })
    expect(error.message).toBe(`Tag CSV ${big} is 20 MB, over the 20 MB limit for this kind of file — split it into files of at most 20 MB`)
    expect(error.details).toMatchObject({ rule: 'too-large', size: FILE_KINDS.tagCsv.cap + 1, cap: FILE_KINDS.tagCsv.cap })
    await expectHostAnswers()
  })
})

describe('visionModels.inspect and visionModels.import with paths', () => {
  it('refuses a FIFO, /dev/zero, a folder and an oversize model file', async () => {
    const pipe = fifo('model.onnx')
    expect((await refused('visionModels.inspect', { source: { path: pipe } })).message).toContain(
      `Model file ${pipe} is a FIFO (named pipe), not a regular file`,
    )
    expect((await refused('visionModels.import', { source: { path: '/dev/zero' } })).message).toContain('Model file /dev/zero is a character device')
    const dir = folder('model-folder.onnx')
    expect((await refused('visionModels.inspect', { source: { path: dir } })).message).toContain(`Model file ${dir} is a folder`)
    const big = sparse('big.onnx', FILE_KINDS.model.cap + 1)
    const error = await refused('visionModels.inspect', { source: { path: big } })
    expect(error.message).toContain(`Model file ${big} is 1 GB, over the 1 GB limit`)
    expect(error.details).toMatchObject({ rule: 'too-large', kind: 'model' })
    await expectHostAnswers()
  })

  it('refuses a names file that is a FIFO, /dev/zero, a folder or oversize', async () => {
    const model = path.join(root, 'some.onnx')
    writeFileSync(model, 'not really a model')
    const pipe = fifo('names.txt')
    const dir = folder('names-folder.txt')
    const big = sparse('names-big.txt', FILE_KINDS.namesFile.cap + 1)
    for (const [namesFile, text] of [
      [pipe, 'is a FIFO (named pipe)'],
      ['/dev/zero', 'is a character device'],
      [dir, 'is a folder'],
      [big, 'is 4 MB, over the 4 MB limit'],
    ]) {
      const error = await refused('visionModels.import', { source: { path: model }, namesFile })
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toContain(`Names file ${namesFile} ${text}`)
    }
    await expectHostAnswers()
  })
})

describe('vision.import: the files inside a dataset folder', () => {
  const coco = (images: { file_name: string }[]) =>
    JSON.stringify({
      images: images.map((image, i) => ({ id: i + 1, width: 8, height: 6, ...image })),
      annotations: [],
      categories: [{ id: 1, name: 'scratch' }],
    })

  it('refuses an annotations.json that is a FIFO, a folder or oversize', async () => {
    fifo('coco-fifo/annotations.json')
    folder('coco-folder/annotations.json')
    sparse('coco-big/annotations.json', FILE_KINDS.cocoAnnotations.cap + 1)
    for (const [name, text] of [
      ['coco-fifo', 'is a FIFO (named pipe)'],
      ['coco-folder', 'is a folder'],
      ['coco-big', 'is 500 MB, over the 500 MB limit'],
    ]) {
      const dir = path.join(root, name)
      const error = await streamError('vision.import', { format: 'coco', dir, name })
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toContain(`nothing was imported: COCO annotations file ${path.join(dir, 'annotations.json')} ${text}`)
    }
    await expectHostAnswers()
  })

  it('refuses an image that is a FIFO or oversize', async () => {
    const fifoSet = folder('coco-image-fifo')
    writeFileSync(path.join(fifoSet, 'annotations.json'), coco([{ file_name: 'part.png' }]))
    fifo('coco-image-fifo/images/part.png')
    const bigSet = folder('coco-image-big')
    writeFileSync(path.join(bigSet, 'annotations.json'), coco([{ file_name: 'part.png' }]))
    sparse('coco-image-big/images/part.png', FILE_KINDS.image.cap + 1)
    for (const [dir, text] of [
      [fifoSet, 'is a FIFO (named pipe)'],
      [bigSet, 'is 200 MB, over the 200 MB limit'],
    ]) {
      const error = await streamError('vision.import', { format: 'coco', dir, name: path.basename(dir) })
      expect(error.message).toContain(`nothing was imported: Image ${path.join(dir, 'images', 'part.png')} ${text}`)
    }
    await expectHostAnswers()
  })

  it('refuses a YOLO data.yaml or label file that is a FIFO, and a VOC annotation that is a folder', async () => {
    fifo('yolo-yaml/data.yaml')
    const labelSet = folder('yolo-label')
    writeFileSync(path.join(labelSet, 'data.yaml'), 'names:\n  0: scratch\ntrain: images/train\n')
    mkdirSync(path.join(labelSet, 'images', 'train'), { recursive: true })
    writeFileSync(path.join(labelSet, 'images', 'train', 'part.png'), png)
    fifo('yolo-label/labels/train/part.txt')
    const vocSet = folder('voc-folder')
    writeFileSync(path.join(vocSet, 'classes.txt'), 'scratch\n')
    mkdirSync(path.join(vocSet, 'JPEGImages'))
    writeFileSync(path.join(vocSet, 'JPEGImages', 'part.png'), png)
    folder('voc-folder/Annotations/part.xml')
    for (const [format, dir, text] of [
      ['yolo', path.join(root, 'yolo-yaml'), `Label file ${path.join(root, 'yolo-yaml', 'data.yaml')} is a FIFO (named pipe)`],
      ['yolo', labelSet, `Label file ${path.join(labelSet, 'labels', 'train', 'part.txt')} is a FIFO (named pipe)`],
      ['voc', vocSet, `Label file ${path.join(vocSet, 'Annotations', 'part.xml')} is a folder`],
    ]) {
      const error = await streamError('vision.import', { format, dir, name: path.basename(dir) })
      expect(error.message).toContain(`nothing was imported: ${text}`)
    }
    await expectHostAnswers()
  })
})
