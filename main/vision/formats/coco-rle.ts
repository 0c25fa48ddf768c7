// COCO run-length masks (iscrowd regions, and masks from CVAT or Detectron): decoded to the mask's extent, since the dataset
// model holds boxes and polygons, not bitmaps. Runs are column-major (x * height + y) and start with a run of zeros.

/** Counts of a compressed RLE string (pycocotools' rleFrString: 6-bit chunks from '0', deltas from the run two back). */
export function decodeRleString(text: string): number[] {
  const counts: number[] = []
  let p = 0
  while (p < text.length) {
    let x = 0
    let k = 0
    let more = true
    while (more) {
      if (p >= text.length) throw new Error(`RLE string ends inside a number at character ${p}`)
      const c = text.charCodeAt(p) - 48
      if (c < 0 || c > 63) throw new Error(`RLE string has "${text[p]}" at character ${p}, outside '0'…'o'`)
      x |= (c & 0x1f) << (5 * k)
      more = (c & 0x20) !== 0
      p++
      k++
      if (!more && (c & 0x10) !== 0) x |= -1 << (5 * k)
    }
    if (counts.length > 2) x += counts[counts.length - 2]
    counts.push(x)
  }
  return counts
}

/** The pixel box a mask covers, or undefined for an empty mask; throws when the runs do not fill height × width exactly. */
export function rleBox(rle: { counts: number[] | string; size: [number, number] }): { x: number; y: number; w: number; h: number } | undefined {
  const [height, width] = rle.size
  const counts = typeof rle.counts === 'string' ? decodeRleString(rle.counts) : rle.counts
  let at = 0
  let minX = Infinity
  let maxX = -Infinity
  let minY = Infinity
  let maxY = -Infinity
  counts.forEach((run, i) => {
    if (!Number.isInteger(run) || run < 0) throw new Error(`RLE run ${i} is ${run}, not a whole number ≥ 0`)
    if (i % 2 === 1 && run > 0) {
      const first = at
      const last = at + run - 1
      const x0 = Math.floor(first / height)
      const x1 = Math.floor(last / height)
      minX = Math.min(minX, x0)
      maxX = Math.max(maxX, x1)
      // A run over more than one column touches the bottom of the first and the top of the last.
      minY = Math.min(minY, x1 > x0 ? 0 : first % height)
      maxY = Math.max(maxY, x1 > x0 ? height - 1 : last % height)
    }
    at += run
  })
  if (at !== height * width) throw new Error(`RLE runs cover ${at} pixels, but its size ${width}×${height} has ${height * width}`)
  if (minX === Infinity) return undefined
  return { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 }
}
