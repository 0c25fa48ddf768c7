import { describe, expect, it } from 'vitest'
import { classDraftsOf, parseDataset } from './annotations'

describe('dataset schema', () => {
  it('fills defaults and accepts a minimal dataset', () => {
    const d = parseDataset({ name: 'd', classes: ['scratch'], images: [{ id: 'a', file: 'a.png', width: 10, height: 8 }] })
    expect(d.images[0].labels).toEqual({ classes: [], boxes: [], polygons: [], status: 'unlabeled' })
    expect(d.images[0].context).toEqual({})
  })

  it('names every problem: unknown class, box outside the image, duplicate id', () => {
    const image = (id: string) => ({
      id,
      file: `${id}.png`,
      width: 10,
      height: 8,
      labels: { boxes: [{ classId: 3, x: 5, y: 0, w: 8, h: 2 }], status: 'labeled' },
    })
    expect(() => parseDataset({ name: 'd', classes: ['scratch'], images: [image('a'), image('a')] }, 'demo.json')).toThrow(
      /Invalid demo.json:[\s\S]*class id 3 on image "a" is beyond the 1 classes[\s\S]*box 0 on image "a" \(5,0 8×2\) leaves the 10×8 image[\s\S]*duplicate image id "a"/,
    )
  })

  it('reads files written before class drafts existed, and checks the class of a class draft', () => {
    const old = parseDataset({
      name: 'd',
      classes: ['scratch', 'dent'],
      images: [{ id: 'a', file: 'a.png', width: 10, height: 8, labels: { classes: [1], boxes: [], polygons: [], status: 'labeled' } }],
    })
    expect(old.images[0].labels.classDrafts).toBeUndefined()
    expect(classDraftsOf(old.images[0])).toEqual([])
    const drafted = parseDataset({
      name: 'd',
      classes: ['scratch', 'dent'],
      images: [{ id: 'a', file: 'a.png', width: 10, height: 8, labels: { classDrafts: [{ classId: 0, confidence: 0.87 }] } }],
    })
    expect(classDraftsOf(drafted.images[0])).toEqual([{ classId: 0, confidence: 0.87 }])
    expect(() =>
      parseDataset({
        name: 'd',
        classes: ['scratch'],
        images: [{ id: 'a', file: 'a.png', width: 10, height: 8, labels: { classDrafts: [{ classId: 2, confidence: 0.5 }] } }],
      }),
    ).toThrow(/images\.0\.labels\.classDrafts\.0\.classId: class id 2 on image "a" is beyond the 1 classes/)
  })
})
