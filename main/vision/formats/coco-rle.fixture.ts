// Test helpers: masks to COCO runs and pycocotools' string form, to write RLE masks as CVAT and Detectron do.

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
