// Seeded pseudo-random numbers so the demo plant replays the same story for the same seed.

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [low, high). */
  between(low: number, high: number): number
  /** Standard normal (mean 0, sd 1), Box-Muller from two uniforms. */
  gaussian(): number
  /** True with the given probability. */
  chance(probability: number): boolean
  /** Picks one item, weighted by `weight`. */
  pickWeighted<T extends { weight: number }>(items: readonly T[]): T
}

/** mulberry32: tiny, fast and good enough for a simulation (not for cryptography). */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    between: (low, high) => low + (high - low) * next(),
    gaussian: () => {
      const u1 = Math.max(next(), 1e-12)
      const u2 = next()
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
    },
    chance: (probability) => next() < probability,
    pickWeighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0)
      let roll = next() * total
      for (const item of items) {
        roll -= item.weight
        if (roll < 0) return item
      }
      return items[items.length - 1]
    },
  }
}
