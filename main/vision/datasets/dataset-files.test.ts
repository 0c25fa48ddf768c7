import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { forEachLimited, imageSize } from './dataset-files'

describe('dataset files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'otw-dataset-files-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads the size of PNGs from their header and of other images through sharp; a broken file names itself', async () => {
    const png = path.join(dir, 'a.png')
    const jpg = path.join(dir, 'b.jpg')
    const pixels = { create: { width: 37, height: 21, channels: 3 as const, background: '#808080' } }
    writeFileSync(png, await sharp(pixels).png().toBuffer())
    writeFileSync(jpg, await sharp(pixels).jpeg().toBuffer())
    expect(await imageSize(png)).toEqual({ width: 37, height: 21 })
    expect(await imageSize(jpg)).toEqual({ width: 37, height: 21 })
    const broken = path.join(dir, 'broken.png')
    writeFileSync(broken, 'not an image at all, long enough to pass 24 bytes')
    await expect(imageSize(broken)).rejects.toThrow(/broken\.png.*replace or remove the file/)
  })

  it('runs at most N at once, counts what finished, and stops starting work once cancelled', async () => {
    let running = 0
    let most = 0
    const finished: number[] = []
    await forEachLimited(
      Array.from({ length: 40 }, (_, i) => i),
      4,
      async (i) => {
        most = Math.max(most, ++running)
        await new Promise((r) => setTimeout(r, 1))
        running--
        finished.push(i)
      },
      { onDone: (done) => expect(done).toBe(finished.length) },
    )
    expect(most).toBe(4)
    expect(finished.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i))

    const abort = new AbortController()
    let started = 0
    const run = forEachLimited(
      Array.from({ length: 100 }, (_, i) => i),
      2,
      async () => {
        if (++started === 5) abort.abort(new Error('stop'))
        await new Promise((r) => setTimeout(r, 1))
      },
      { signal: abort.signal },
    )
    await expect(run).rejects.toThrow('stop')
    expect(started).toBeLessThan(8)
  })
})
