// Datasets crafted to read or write outside their folders, imported through VisionService as vision.import does, on real
// files in a temporary folder: each import is refused naming the entry and the rule, and no file appears anywhere else.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../../preload/contract'
import { VisionService } from './dataset-service'

let png: Buffer
beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
})

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

/** Every file (and link) under `root`, relative; directories are left out because the service may create empty ones. */
function filesUnder(root: string): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(child)
      else out.push(child)
    }
  }
  walk('')
  return out.sort()
}

function write(file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
}

function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'otw-hostile-'))
  roots.push(root)
  const dataDir = path.join(root, 'data')
  const service = new VisionService({ dataDir })
  return { root, dataDir, service }
}

function cocoFile(images: { file_name: string; otw_id?: string }[], categories = [{ id: 1, name: 'scratch' }]): string {
  return JSON.stringify({
    images: images.map((image, i) => ({ id: i + 1, width: 8, height: 6, ...image })),
    annotations: [],
    categories,
  })
}

/** Imports, expects the refusal with the entry and rule in the message and in details, and that nothing was written. */
async function expectRefused(
  context: ReturnType<typeof setup>,
  run: () => Promise<unknown>,
  expected: { entry: string; rule: string; text: RegExp },
): Promise<void> {
  const before = filesUnder(context.root)
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the import must be refused').toBeInstanceOf(WorkbenchError)
  expect((error as WorkbenchError).code).toBe('INVALID_INPUT')
  expect((error as WorkbenchError).message).toMatch(/nothing was imported/)
  expect((error as WorkbenchError).message).toContain(`"${expected.entry.replace(/\0/g, '\\x00')}"`)
  expect((error as WorkbenchError).message).toMatch(expected.text)
  expect((error as WorkbenchError).details).toMatchObject({ entry: expected.entry, rule: expected.rule })
  expect(filesUnder(context.root)).toEqual(before)
  expect(await context.service.listDatasets()).toEqual([])
  await context.service.close()
}

describe('hostile COCO files', () => {
  it('refuses file_name "../../../../../x/evil.sh", which used to be copied outside the data folder', async () => {
    const context = setup()
    // Deep enough that the source path lands on a real file and the destination climbs out of <dataDir>.
    const dataset = path.join(context.root, 'in', 'a', 'b', 'c', 'coco')
    write(path.join(dataset, 'annotations.json'), cocoFile([{ file_name: '../../../../../x/evil.sh' }]))
    write(path.join(dataset, 'images', 'ok.png'), png)
    write(path.join(context.root, 'in', 'x', 'evil.sh'), '#!/bin/sh\necho owned\n')
    await expectRefused(context, () => context.service.importDataset('coco', dataset, 'evil'), {
      entry: '../../../../../x/evil.sh',
      rule: 'climbs-out',
      text: /images\[0\]\.file_name: path .* climbs out of the folder/,
    })
    expect(lstatSync(path.join(context.root, 'x'), { throwIfNoEntry: false })).toBeUndefined()
  })

  it.each([
    ['/etc/passwd', 'absolute', /is an absolute path/],
    ['C:\\Users\\op\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\evil.bat', 'drive-letter', /Windows drive/],
    ['C:evil.png', 'drive-letter', /Windows drive/],
    ['\\\\server\\share\\evil.png', 'unc', /UNC/],
    ['//server/share/evil.png', 'unc', /UNC/],
    ['\\\\.\\PhysicalDrive0', 'device-namespace', /device path/],
    ['\\\\?\\C:\\evil.png', 'device-namespace', /device path/],
    ['CON', 'device-name', /device name/],
    ['nul.png', 'device-name', /device name/],
    ['sub/LPT1.jpg', 'device-name', /device name/],
    ['com1 .png', 'device-name', /device name/],
    ['ok\0.png', 'nul-byte', /NUL byte/],
    ['..\\..\\evil.png', 'climbs-out', /climbs out/],
    ['sub/../../evil.png', 'climbs-out', /climbs out/],
    ['ok.png:hidden', 'colon', /alternate data stream/],
    ['.. /evil.png', 'trailing-dot-or-space', /ending in "\." or " "/],
    ['', 'empty', /is empty/],
  ])('refuses file_name %j (%s)', async (fileName, rule, text) => {
    const context = setup()
    const dataset = path.join(context.root, 'coco')
    write(path.join(dataset, 'annotations.json'), cocoFile([{ file_name: 'ok.png' }, { file_name: fileName }]))
    write(path.join(dataset, 'images', 'ok.png'), png)
    await expectRefused(context, () => context.service.importDataset('coco', dataset, 'evil'), { entry: fileName, rule, text })
  })

  it('refuses an otw_id that would put its thumbnail outside the dataset', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'coco')
    write(path.join(dataset, 'annotations.json'), cocoFile([{ file_name: 'ok.png', otw_id: '../../../../../thumb' }]))
    write(path.join(dataset, 'images', 'ok.png'), png)
    await expectRefused(context, () => context.service.importDataset('coco', dataset, 'evil'), {
      entry: '../../../../../thumb',
      rule: 'climbs-out',
      text: /images\[0\]\.otw_id/,
    })
  })

  it('refuses an image that is a symbolic link to a file outside the dataset', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'coco')
    write(path.join(context.root, 'secret', 'private.png'), png)
    write(path.join(dataset, 'annotations.json'), cocoFile([{ file_name: 'linked.png' }]))
    mkdirSync(path.join(dataset, 'images'))
    symlinkSync(path.join(context.root, 'secret', 'private.png'), path.join(dataset, 'images', 'linked.png'))
    await expectRefused(context, () => context.service.importDataset('coco', dataset, 'evil'), {
      entry: 'linked.png',
      rule: 'link-leaves-folder',
      text: /symbolic link that leads outside/,
    })
  })

  it('refuses an images folder that is a symbolic link out of the dataset', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'coco')
    write(path.join(context.root, 'secret', 'private.png'), png)
    write(path.join(dataset, 'annotations.json'), cocoFile([{ file_name: 'private.png' }]))
    symlinkSync(path.join(context.root, 'secret'), path.join(dataset, 'images'))
    await expectRefused(context, () => context.service.importDataset('coco', dataset, 'evil'), {
      entry: 'images',
      rule: 'link-leaves-folder',
      text: /symbolic link that leads outside/,
    })
  })

  it('refuses to export a class whose name climbs out, as a class folder, and writes nothing outside', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'coco')
    write(
      path.join(dataset, 'annotations.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'ok.png', width: 8, height: 6, otw_classes: [0] }],
        annotations: [],
        categories: [{ id: 1, name: '../../../../escaped' }],
      }),
    )
    write(path.join(dataset, 'images', 'ok.png'), png)
    const { id } = await context.service.importDataset('coco', dataset, 'odd class')
    const before = filesUnder(context.root)
    const out = path.join(context.root, 'export', 'deep', 'er')
    const error = await context.service.exportAs(id, 'class-folders', { dir: out }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkbenchError)
    expect((error as WorkbenchError).message).toMatch(
      /class "\.\.\/\.\.\/\.\.\/\.\.\/escaped".*climbs out|path "\.\.\/\.\.\/\.\.\/\.\.\/escaped" contains "\/"/,
    )
    expect((error as WorkbenchError).details).toMatchObject({ entry: '../../../../escaped' })
    expect(filesUnder(context.root)).toEqual(before)
    await context.service.close()
  })
})

describe('hostile YOLO datasets', () => {
  const dataYaml = (train: string) => `names:\n  0: scratch\ntrain: ${train}\nval: images/val\n`

  it('refuses a train entry in data.yaml that climbs out, whose images used to be copied outside the data folder', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'in', 'a', 'b', 'c', 'yolo')
    write(path.join(dataset, 'data.yaml'), dataYaml('../../../../outside/images/train'))
    write(path.join(context.root, 'in', 'outside', 'images', 'train', 'stolen.png'), png)
    await expectRefused(context, () => context.service.importDataset('yolo', dataset, 'evil'), {
      entry: '../../../../outside/images/train',
      rule: 'climbs-out',
      text: /data\.yaml.*train: path .* climbs out/,
    })
    expect(lstatSync(path.join(context.root, 'outside'), { throwIfNoEntry: false })).toBeUndefined()
  })

  it.each([
    ['/srv/images/train', 'absolute'],
    ['C:/datasets/images/train', 'drive-letter'],
    ['//nas/share/images/train', 'unc'],
  ])('refuses train: %s (%s)', async (train, rule) => {
    const context = setup()
    const dataset = path.join(context.root, 'yolo')
    write(path.join(dataset, 'data.yaml'), dataYaml(train))
    await expectRefused(context, () => context.service.importDataset('yolo', dataset, 'evil'), { entry: train, rule, text: /data\.yaml/ })
  })

  it('refuses an images folder that is a symbolic link out of the dataset', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'yolo')
    write(path.join(dataset, 'data.yaml'), dataYaml('images/train'))
    write(path.join(context.root, 'secret', 'private.png'), png)
    mkdirSync(path.join(dataset, 'images'), { recursive: true })
    symlinkSync(path.join(context.root, 'secret'), path.join(dataset, 'images', 'train'))
    await expectRefused(context, () => context.service.importDataset('yolo', dataset, 'evil'), {
      entry: 'images/train',
      rule: 'link-leaves-folder',
      text: /symbolic link/,
    })
  })

  it('refuses a label file that is a symbolic link to a file outside', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'yolo')
    write(path.join(dataset, 'data.yaml'), dataYaml('images/train'))
    write(path.join(dataset, 'images', 'train', 'part.png'), png)
    write(path.join(context.root, 'secret.txt'), '0 0.5 0.5 0.1 0.1\n')
    mkdirSync(path.join(dataset, 'labels', 'train'), { recursive: true })
    symlinkSync(path.join(context.root, 'secret.txt'), path.join(dataset, 'labels', 'train', 'part.txt'))
    await expectRefused(context, () => context.service.importDataset('yolo', dataset, 'evil'), {
      entry: 'labels/train/part.txt',
      rule: 'link-leaves-folder',
      text: /symbolic link/,
    })
  })
})

describe('hostile Pascal VOC datasets', () => {
  it('refuses a JPEGImages folder that is a symbolic link out of the dataset', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'voc')
    write(path.join(dataset, 'classes.txt'), 'scratch\n')
    write(path.join(context.root, 'secret', 'private.png'), png)
    symlinkSync(path.join(context.root, 'secret'), path.join(dataset, 'JPEGImages'))
    await expectRefused(context, () => context.service.importDataset('voc', dataset, 'evil'), {
      entry: 'JPEGImages',
      rule: 'link-leaves-folder',
      text: /symbolic link/,
    })
  })

  it('refuses an annotation file that is a symbolic link to a file outside', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'voc')
    write(path.join(dataset, 'classes.txt'), 'scratch\n')
    write(path.join(dataset, 'JPEGImages', 'part.png'), png)
    write(path.join(context.root, 'secret.xml'), '<annotation><size><width>8</width><height>6</height></size></annotation>')
    mkdirSync(path.join(dataset, 'Annotations'))
    symlinkSync(path.join(context.root, 'secret.xml'), path.join(dataset, 'Annotations', 'part.xml'))
    await expectRefused(context, () => context.service.importDataset('voc', dataset, 'evil'), {
      entry: 'Annotations/part.xml',
      rule: 'link-leaves-folder',
      text: /symbolic link/,
    })
  })

  it('refuses a classes.txt that is a symbolic link to a file outside', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'voc')
    write(path.join(context.root, 'secret.txt'), 'root:x:0:0\n')
    write(path.join(dataset, 'JPEGImages', 'part.png'), png)
    symlinkSync(path.join(context.root, 'secret.txt'), path.join(dataset, 'classes.txt'))
    await expectRefused(context, () => context.service.importDataset('voc', dataset, 'evil'), {
      entry: 'classes.txt',
      rule: 'link-leaves-folder',
      text: /symbolic link/,
    })
  })

  it('refuses an image named like a Windows device', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'voc')
    write(path.join(dataset, 'classes.txt'), 'scratch\n')
    write(path.join(dataset, 'JPEGImages', 'aux.png'), png)
    await expectRefused(context, () => context.service.importDataset('voc', dataset, 'evil'), {
      entry: 'JPEGImages/aux.png',
      rule: 'device-name',
      text: /device name/,
    })
  })
})

describe('hostile class-folder datasets', () => {
  it('refuses a class folder named like a Windows device', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'classes')
    write(path.join(dataset, 'good', 'a.png'), png)
    write(path.join(dataset, 'PRN', 'b.png'), png)
    await expectRefused(context, () => context.service.importDataset('class-folders', dataset, 'evil'), {
      entry: 'PRN',
      rule: 'device-name',
      text: /device name/,
    })
  })

  it('refuses a split folder that is a symbolic link out of the dataset', async () => {
    const context = setup()
    const dataset = path.join(context.root, 'classes')
    write(path.join(dataset, 'val', 'good', 'a.png'), png)
    write(path.join(context.root, 'secret', 'good', 'private.png'), png)
    symlinkSync(path.join(context.root, 'secret'), path.join(dataset, 'train'))
    await expectRefused(context, () => context.service.importDataset('class-folders', dataset, 'evil'), {
      entry: 'train',
      rule: 'link-leaves-folder',
      text: /symbolic link/,
    })
  })
})
