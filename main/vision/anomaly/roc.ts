// Separating scores: AUROC and the operating threshold (max F1 or a chosen false-positive rate) picked on a validation split.

/** Probability that a random anomalous part scores above a random good one (ties count half). */
export function auroc(scores: readonly number[], anomalous: readonly boolean[]): number {
  const ranked = scores.map((s, i) => ({ s, a: anomalous[i] })).sort((x, y) => x.s - y.s)
  let rankSum = 0
  let positives = 0
  for (let i = 0; i < ranked.length;) {
    let j = i
    while (j < ranked.length && ranked[j].s === ranked[i].s) j++
    const averageRank = (i + 1 + j) / 2
    for (let m = i; m < j; m++)
      if (ranked[m].a) {
        rankSum += averageRank
        positives++
      }
    i = j
  }
  const negatives = ranked.length - positives
  if (positives === 0 || negatives === 0)
    throw new Error(`AUROC needs both good and anomalous parts (got ${negatives} good, ${positives} anomalous) — label a few of each`)
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

export type ThresholdRule = { rule: 'max-f1' } | { rule: 'false-positive-rate'; rate: number }

export interface ThresholdChoice {
  threshold: number
  precision: number
  recall: number
  f1: number
  falsePositiveRate: number
}

/** Candidate thresholds are midpoints between sorted scores; "anomalous" means score > threshold. */
export function chooseThreshold(scores: readonly number[], anomalous: readonly boolean[], rule: ThresholdRule = { rule: 'max-f1' }): ThresholdChoice {
  const sorted = [...new Set(scores)].sort((a, b) => a - b)
  const candidates = [sorted[0] - 1e-6, ...sorted.slice(0, -1).map((s, i) => (s + sorted[i + 1]) / 2), sorted.at(-1)! + 1e-6]
  const positives = anomalous.filter(Boolean).length
  const negatives = anomalous.length - positives
  const evaluate = (threshold: number): ThresholdChoice => {
    let tp = 0
    let fp = 0
    scores.forEach((s, i) => {
      if (s <= threshold) return
      if (anomalous[i]) tp++
      else fp++
    })
    const precision = tp + fp > 0 ? tp / (tp + fp) : 1
    const recall = positives > 0 ? tp / positives : 0
    return {
      threshold,
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      falsePositiveRate: negatives > 0 ? fp / negatives : 0,
    }
  }
  const all = candidates.map(evaluate)
  if (rule.rule === 'max-f1') return all.reduce((best, c) => (c.f1 > best.f1 ? c : best))
  // The lowest threshold (most recall) whose false-positive rate stays within the budget.
  const allowed = all.filter((c) => c.falsePositiveRate <= rule.rate)
  return allowed.reduce((best, c) => (c.threshold < best.threshold ? c : best))
}
