import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createClassifier, looksLikeProbabilities, softmax } from './classifier'
import { describeOnnxModel } from '../models/model-description'
import { constantOutputModel } from '../onnx-test-models.fixture'

describe('classifier', () => {
  it('softmax matches a hand-worked case and survives large logits', () => {
    const p = softmax([0, Math.log(3)])
    expect(p[0]).toBeCloseTo(0.25, 12)
    expect(p[1]).toBeCloseTo(0.75, 12)
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5])
    expect(looksLikeProbabilities([0.2, 0.8])).toBe(true)
    expect(looksLikeProbabilities([2, -1])).toBe(false)
    // A multi-label model's per-class sigmoids: probabilities that need not sum to 1 — no softmax over them.
    expect(looksLikeProbabilities([0.9, 0.7, 0.05])).toBe(true)
    expect(looksLikeProbabilities([0.5, NaN])).toBe(false)
  })

  it('classifies through ONNX Runtime with names from metadata', async () => {
    const bytes = constantOutputModel({
      inputShape: [1, 3, 32, 32],
      outputName: 'output0',
      outputShape: [1, 3],
      values: [0, Math.log(3), 0],
      metadata: { names: "{0: 'good', 1: 'stain', 2: 'dent'}" },
    })
    const { description, session } = await describeOnnxModel(bytes, 'memory')
    expect(description.kind).toBe('classifier')
    const classifier = createClassifier(session, description)
    const image = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#000' } })
      .png()
      .toBuffer()
    const result = await classifier.classify(image)
    expect(result.className).toBe('stain')
    expect(result.confidence).toBeCloseTo(0.6, 6)
    await classifier.release()
  })
})
