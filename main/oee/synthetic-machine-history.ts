import type { MachineConfigInput } from './machine-config'
import type { Sample, TagSeries } from './machine-state'

export interface SyntheticHistoryOptions {
  machine: string
  from: number
  days: number
  /** Seed for the deterministic random generator, so runs are repeatable. */
  seed: number
  idealCycleS: number
}

/** State values written by the synthetic PLC (an enum tag). */
export const SYNTHETIC_STATE_MAP = { '1': 'running', '2': 'idle', '3': 'faulted', '4': 'setup', '6': 'blocked', '7': 'starved' } as const

/** The machine config that reads what `syntheticMachineHistory` writes for `machine`: its state enum, total and reject counters. */
export function syntheticMachineConfig(machine: string, idealCycleS: number, name?: string): MachineConfigInput {
  return {
    id: machine,
    ...(name !== undefined && { name }),
    state: { kind: 'enum', tag: `${machine}.State`, map: SYNTHETIC_STATE_MAP },
    counters: { totalTag: `${machine}.Total`, rejectTag: `${machine}.Reject`, bitWidth: 16 },
    idealCycleS,
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * 1 Hz history of one machine, every second sampled (the worst case for the engine): an enum state tag with runs,
 * minor stops, faults, setups, blocked/starved; a 16-bit total counter that wraps; and a reject counter.
 */
export function syntheticMachineHistory(o: SyntheticHistoryOptions): TagSeries {
  const cols = syntheticMachineColumns(o)
  const n = o.days * 86_400
  // One tag after the other, as a historian query would return them (not interleaved in memory).
  const series = (col: ArrayLike<number>): Sample[] => {
    const out: Sample[] = new Array(n)
    for (let i = 0; i < n; i++) out[i] = { t: o.from + i * 1000, v: col[i] }
    return out
  }
  return Object.fromEntries(Object.entries(cols.values).map(([tag, col]) => [tag, series(col)]))
}

/** The same history as columns, one value per second from `from`: what a PLC poll at 1 Hz would hand the recorder. */
export function syntheticMachineColumns(o: SyntheticHistoryOptions): { from: number; values: Record<string, Float64Array> } {
  const rnd = mulberry32(o.seed)
  const n = o.days * 86_400
  const stateCol = new Uint8Array(n)
  const totalCol = new Float64Array(n)
  const rejectCol = new Float64Array(n)
  let current = 1
  let remaining = 0
  let count = Math.floor(rnd() * 60_000)
  let rejects = 0
  let credit = 0
  const speed = 0.8 + rnd() * 0.15
  for (let i = 0; i < n; i++) {
    if (remaining <= 0) {
      if (current !== 1) {
        current = 1
        remaining = 600 + Math.floor(rnd() * 5400)
      } else {
        const r = rnd()
        if (r < 0.5) [current, remaining] = [2, 20 + Math.floor(rnd() * 90)]
        else if (r < 0.75) [current, remaining] = [3, 120 + Math.floor(rnd() * 2400)]
        else if (r < 0.82) [current, remaining] = [4, 600 + Math.floor(rnd() * 1800)]
        else if (r < 0.91) [current, remaining] = [6, 30 + Math.floor(rnd() * 600)]
        else [current, remaining] = [7, 30 + Math.floor(rnd() * 600)]
      }
    }
    remaining--
    if (current === 1) {
      credit += speed / o.idealCycleS
      while (credit >= 1) {
        credit -= 1
        count = (count + 1) % 65_536
        if (rnd() < 0.01) rejects++
      }
    }
    stateCol[i] = current
    totalCol[i] = count
    rejectCol[i] = rejects
  }
  return { from: o.from, values: { [`${o.machine}.State`]: Float64Array.from(stateCol), [`${o.machine}.Total`]: totalCol, [`${o.machine}.Reject`]: rejectCol } }
}
