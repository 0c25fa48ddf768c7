// Delta-of-delta integer coding (Gorilla timestamps): regular series cost one bit per value.
import type { BitReader } from './bit-reader'
import type { BitWriter } from './bit-writer'

const TWO32 = 4294967296

/** Largest magnitude the coder accepts; keeps every intermediate a safe integer. */
export const MAX_SAFE_DOD_INPUT = 2 ** 48

function writeSigned64(w: BitWriter, x: number): void {
  const hi = Math.floor(x / TWO32)
  w.writeBits(hi >>> 0, 32)
  w.writeBits((x - hi * TWO32) >>> 0, 32)
}

function readSigned64(r: BitReader): number {
  const hi = r.readBits(32) | 0
  return hi * TWO32 + r.readBits(32)
}

/** Encodes `values[start..end)` (integers with |x| < 2^48). */
export function encodeDeltaOfDelta(w: BitWriter, values: ArrayLike<number>, start: number, end: number): void {
  if (end <= start) return
  let prev = values[start]
  writeSigned64(w, prev)
  let prevDelta = 0
  for (let i = start + 1; i < end; i++) {
    const x = values[i]
    const delta = x - prev
    const dod = delta - prevDelta
    prev = x
    prevDelta = delta
    if (dod === 0) {
      w.writeBits(0, 1)
      continue
    }
    const z = dod >= 0 ? dod * 2 : -dod * 2 - 1 // zigzag
    if (z < 128) {
      w.writeBits(0b10, 2)
      w.writeBits(z, 7)
    } else if (z < 512) {
      w.writeBits(0b110, 3)
      w.writeBits(z, 9)
    } else if (z < 4096) {
      w.writeBits(0b1110, 4)
      w.writeBits(z, 12)
    } else if (z < 1048576) {
      w.writeBits(0b11110, 5)
      w.writeBits(z, 20)
    } else {
      w.writeBits(0b11111, 5)
      writeSigned64(w, dod)
    }
  }
}

const DOD_BUCKET_BITS = [7, 9, 12, 20] as const

/** Decodes `count` values into `out[offset..]`. */
export function decodeDeltaOfDelta(r: BitReader, count: number, out: Float64Array, offset = 0): void {
  if (count <= 0) return
  let prev = readSigned64(r)
  out[offset] = prev
  let prevDelta = 0
  let i = 1
  while (i < count) {
    // Regular timestamps and steady counters are long runs of 0 bits (delta unchanged): take them a word at a time.
    const zeros = r.zeroBits()
    if (zeros > 0) {
      const m = Math.min(zeros, count - i)
      r.skip(m)
      for (let k = 0; k < m; k++) {
        prev += prevDelta
        out[offset + i++] = prev
      }
      continue
    }
    r.skip(1)
    // Each 1 bit of the prefix moves to the next wider bucket; four 1s mean a full 64-bit value follows.
    let z = Number.NaN
    for (let bucket = 0; bucket < DOD_BUCKET_BITS.length; bucket++) {
      if (r.readBit() === 0) {
        z = r.readBits(DOD_BUCKET_BITS[bucket])
        break
      }
    }
    const dod = Number.isNaN(z) ? readSigned64(r) : z % 2 === 0 ? z / 2 : -(z + 1) / 2
    prevDelta += dod
    prev += prevDelta
    out[offset + i++] = prev
  }
}
