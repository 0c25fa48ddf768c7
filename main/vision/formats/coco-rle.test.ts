import { describe, expect, it } from 'vitest'
import { decodeRleString, rleBox } from './coco-rle'

/** pycocotools' rleToString, ported: the encoder CVAT and Detectron write masks with. */
export function encodeRleString(counts: number[]): string {
  let s = ''
  counts.forEach((count, i) => {
    let x = i > 2 ? count - counts[i - 2] : count
    let more = true
    while (more) {
      let c = x & 0x1f
      x >>= 5
      more = c & 0x10 ? x !== -1 : x !== 0
      if (more) c |= 0x20
      s += String.fromCharCode(c + 48)
    }
  })
  return s
}

/** Column-major runs of a mask given as rows of 0/1, starting with zeros. */
export function maskRuns(rows: number[][]): number[] {
  const height = rows.length
  const width = rows[0].length
  const runs: number[] = []
  let value = 0
  let run = 0
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; y++) {
      if (rows[y][x] !== value) {
        runs.push(run)
        run = 0
        value = rows[y][x]
      }
      run++
    }
  runs.push(run)
  return runs
}

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
