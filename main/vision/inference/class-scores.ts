// Classifier scores → probabilities. No ONNX Runtime here (the preprocessing thread decodes batches with it).

/** Numerically stable softmax (subtracts the max first). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i])
  const exps = Array.from(logits, (v) => Math.exp(v - max))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / sum)
}

/**
 * Scores that are already probabilities: a softmax (Ultralytics classifiers end in one; a second would flatten the
 * scores) or per-class sigmoids (multi-label models, whose scores need not sum to 1). Anything outside 0..1 is logits.
 */
export function looksLikeProbabilities(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!(values[i] >= 0 && values[i] <= 1)) return false
  return values.length > 0
}
