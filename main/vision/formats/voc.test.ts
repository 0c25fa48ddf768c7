import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dataset } from '../datasets/annotations'
import { expectSameTree, makeTempDir, smallDemoDataset } from './round-trip.fixture'
import { exportVoc, importVoc, parseVocXml } from './voc'

let tmp: Awaited<ReturnType<typeof makeTempDir>>
let dataset: Dataset
beforeAll(async () => {
  tmp = await makeTempDir()
  dataset = await smallDemoDataset(path.join(tmp.dir, 'source'))
})
afterAll(() => tmp.cleanup())

describe('Pascal VOC format', () => {
  it('export → import → export gives the same files, and boxes come back exactly', async () => {
    const a = path.join(tmp.dir, 'voc-a')
    const b = path.join(tmp.dir, 'voc-b')
    await exportVoc(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: a })
    const imported = await importVoc(a)
    await exportVoc(imported, { sourceRoot: a, outDir: b })
    expect(await expectSameTree(a, b)).toEqual({ equal: true, differences: [] })
    for (const original of dataset.images.filter((i) => i.labels.status === 'labeled')) {
      const back = imported.images.find((i) => i.id === original.id)!
      expect(back.labels.boxes).toEqual(original.labels.boxes)
      expect(back.split).toBe(original.split)
    }
  })

  it('uses 1-based inclusive corners', async () => {
    const withBox = dataset.images.find((i) => i.labels.status === 'labeled' && i.labels.boxes.length > 0)!
    const xml = await readFile(path.join(tmp.dir, 'voc-a', 'Annotations', `${withBox.id}.xml`), 'utf8')
    const b = withBox.labels.boxes[0]
    expect(xml).toContain(`<xmin>${b.x + 1}</xmin>`)
    expect(xml).toContain(`<xmax>${b.x + b.w}</xmax>`)
  })

  it('reports malformed XML with file and line, and unknown classes by name', async () => {
    expect(() => parseVocXml('<annotation>\n<size><width>3</width>\n</annotation>', 'a.xml', ['x'], false)).toThrow(/^a.xml:\d+: not well-formed XML/)
    const xml =
      '<annotation><filename>a.png</filename><size><width>10</width><height>10</height></size><object><name>dust</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>'
    expect(() => parseVocXml(xml, 'a.xml', ['scratch'], false)).toThrow('a.xml: <object> #1: class "dust" is not in classes.txt')
    const file = path.join(tmp.dir, 'voc-a', 'Annotations', `${dataset.images[0].id}.xml`)
    await writeFile(file, xml.replace('<xmax>2</xmax>', '<xmax>oops</xmax>').replace('dust', 'scratch'))
    await expect(importVoc(path.join(tmp.dir, 'voc-a'))).rejects.toThrow(`${file}: <object> #1 "scratch": <bndbox> needs numeric xmin, ymin, xmax, ymax`)
  })
})
