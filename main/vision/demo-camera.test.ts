import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createDemoCamera, DEMO_DEFECT_CLASSES } from './demo-camera'

describe('demo camera', () => {
  it('replays the same pixels and boxes for the same seed and index, in any order', () => {
    const a = createDemoCamera({ seed: 7, defectRate: 0.5 })
    const b = createDemoCamera({ seed: 7, defectRate: 0.5 })
    const late = b.render(5)
    expect(a.render(5).image.data).toEqual(late.image.data)
    expect(a.render(5).boxes).toEqual(late.boxes)
    expect(createDemoCamera({ seed: 8, defectRate: 0.5 }).render(5).image.data).not.toEqual(late.image.data)
  })

  it('produces defects near the configured rate, every class, boxes inside the image', () => {
    const camera = createDemoCamera({ seed: 3, defectRate: 0.4, width: 160, height: 120 })
    const parts = Array.from({ length: 120 }, (_, i) => camera.render(i))
    const defective = parts.filter((p) => p.defective).length
    expect(defective / parts.length).toBeGreaterThan(0.3)
    expect(defective / parts.length).toBeLessThan(0.5)
    const seen = new Set(parts.flatMap((p) => p.boxes.map((b) => b.className)))
    expect([...seen].sort()).toEqual([...DEMO_DEFECT_CLASSES].sort())
    for (const part of parts)
      for (const box of part.boxes) {
        expect(box.classId).toBe(DEMO_DEFECT_CLASSES.indexOf(box.className))
        expect(Math.max(box.w, box.h)).toBeGreaterThan(4)
        expect(box.x + box.w).toBeLessThanOrEqual(160)
        expect(box.y + box.h).toBeLessThanOrEqual(120)
      }
    expect(parts.filter((p) => !p.defective).every((p) => p.boxes.length === 0)).toBe(true)
  })

  it('defect rate 0 gives only good parts and restricted classes stay restricted', () => {
    const good = createDemoCamera({ seed: 1, defectRate: 0 })
    expect(Array.from({ length: 20 }, (_, i) => good.render(i).defective).some(Boolean)).toBe(false)
    const scratches = createDemoCamera({ seed: 1, defectRate: 1, defects: ['scratch'], width: 160, height: 120 })
    const boxes = Array.from({ length: 20 }, (_, i) => scratches.render(i).boxes).flat()
    expect(boxes.every((b) => b.className === 'scratch' && b.classId === 0)).toBe(true)
  })

  it('each box is exactly the extent of the pixels its defect changed', () => {
    // Same seed and frame: background, bottle and label come out identical; only the defect differs.
    const clean = createDemoCamera({ seed: 13, defectRate: 0, noise: 0, width: 160, height: 120 })
    const faulty = createDemoCamera({ seed: 13, defectRate: 1, noise: 0, width: 160, height: 120, defects: ['scratch', 'dent', 'stain', 'missing_label'] })
    let checked = 0
    for (let i = 0; i < 30; i++) {
      const part = faulty.render(i)
      if (part.boxes.length !== 1) continue
      const before = clean.render(i).image.data
      let minX = Infinity,
        minY = Infinity,
        maxX = -1,
        maxY = -1
      for (let p = 0; p < before.length; p += 3)
        if (before[p] !== part.image.data[p] || before[p + 1] !== part.image.data[p + 1] || before[p + 2] !== part.image.data[p + 2]) {
          const x = (p / 3) % 160,
            y = Math.floor(p / 3 / 160)
          minX = Math.min(minX, x)
          maxX = Math.max(maxX, x)
          minY = Math.min(minY, y)
          maxY = Math.max(maxY, y)
        }
      const { x, y, w, h } = part.boxes[0]
      expect({ x, y, w, h }, `frame ${i} ${part.boxes[0].className}`).toEqual({ x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 })
      checked++
    }
    expect(checked).toBeGreaterThan(15)
  })

  it('a missing label leaves the body colour where the label would be', () => {
    const camera = createDemoCamera({ seed: 11, defectRate: 1, defects: ['missing_label'], noise: 0 })
    const part = camera.render(0)
    const box = part.boxes[0]
    const centre = ((box.y + Math.floor(box.h / 2)) * part.image.width + box.x + Math.floor(box.w / 2)) * 3
    expect(part.image.data[centre]).toBeGreaterThan(part.image.data[centre + 2] + 50) // amber, not cream
  })

  it('encodes a PNG of the requested size and reports progress', async () => {
    const camera = createDemoCamera({ seed: 2 })
    const progress: number[] = []
    const shots = await camera.captureMany(2, { onProgress: (p) => progress.push(p.done) })
    const meta = await sharp(shots[0].png).metadata()
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 320, 240, 3])
    expect(progress).toEqual([1, 2])
    const controller = new AbortController()
    controller.abort()
    await expect(camera.captureMany(2, { signal: controller.signal })).rejects.toThrow()
  })

  it('refuses a defect rate outside 0..1 with a clear message', () => {
    expect(() => createDemoCamera({ defectRate: 1.5 })).toThrow(/defectRate 1.5 is outside 0..1/)
  })
})
