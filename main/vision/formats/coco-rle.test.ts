import { describe, expect, it } from 'vitest'
import { decodeRleString, rleBox } from './coco-rle'
import { encodeRleString, maskRuns } from './coco-rle.fixture'

describe('COCO RLE masks', () => {
  const mask = [
    [0, 0, 0, 0, 0, 0],
    [0, 0, 1, 1, 0, 0],
    [0, 1, 1, 1, 0, 0],
    [0, 0, 0, 1, 0, 0],
  ]

  it('gives the box of an uncompressed and a compressed mask alike', () => {
    const counts = maskRuns(mask)
    expect(rleBox({ counts, size: [4, 6] })).toEqual({ x: 1, y: 1, w: 3, h: 3 })
    const text = encodeRleString(counts)
    expect(decodeRleString(text)).toEqual(counts)
    expect(rleBox({ counts: text, size: [4, 6] })).toEqual({ x: 1, y: 1, w: 3, h: 3 })
  })

  it('round-trips large runs and negative deltas through the string form', () => {
    const counts = [100000, 3, 7, 250, 1, 40000, 2]
    expect(decodeRleString(encodeRleString(counts))).toEqual(counts)
  })

  it('handles a run that wraps into the next column, and an empty mask', () => {
    // Column 0 rows 2–3, column 1 rows 0–1: one run of 4 from index 2.
    expect(rleBox({ counts: [2, 4, 6], size: [4, 3] })).toEqual({ x: 0, y: 0, w: 2, h: 4 })
    expect(rleBox({ counts: [12], size: [4, 3] })).toBeUndefined()
  })

  it('refuses runs that do not fill the mask and characters outside the alphabet', () => {
    expect(() => rleBox({ counts: [2, 3], size: [4, 6] })).toThrow(/cover 5 pixels, but its size 6×4 has 24/)
    expect(() => decodeRleString('0~')).toThrow(/"~" at character 1/)
    expect(() => rleBox({ counts: [1.5, 22.5], size: [4, 6] })).toThrow(/not a whole number/)
  })
})
