// Gorilla XOR float64 coding on two 32-bit halves, so every bit pattern (NaN payloads, -0, ±Inf) round-trips.
import type { BitReader } from './bit-reader'
import type { BitWriter } from './bit-writer'

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer) // little-endian hosts: [0] = low word, [1] = high word

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x)
}

export function encodeGorilla(w: BitWriter, values: ArrayLike<number>, start: number, end: number): void {
  if (end <= start) return
  f64[0] = values[start]
  let prevLo = u32[0]
  let prevHi = u32[1]
  w.writeBits(prevHi, 32)
  w.writeBits(prevLo, 32)
  let prevLead = -1
  let prevTrail = 0
  for (let i = start + 1; i < end; i++) {
    f64[0] = values[i]
    const lo = u32[0]
    const hi = u32[1]
    const xHi = (hi ^ prevHi) >>> 0
    const xLo = (lo ^ prevLo) >>> 0
    prevHi = hi
    prevLo = lo
    if (xHi === 0 && xLo === 0) {
      w.writeBits(0, 1)
      continue
    }
    let lead = xHi !== 0 ? Math.clz32(xHi) : 32 + Math.clz32(xLo)
    if (lead > 31) lead = 31
    const trail = xLo !== 0 ? ctz32(xLo) : 32 + ctz32(xHi)
    if (prevLead >= 0 && lead >= prevLead && trail >= prevTrail) {
      w.writeBits(0b10, 2)
      writeMeaningful(w, xHi, xLo, prevLead, prevTrail)
    } else {
      const sig = 64 - lead - trail
      w.writeBits(0b11, 2)
      w.writeBits(lead, 5)
      w.writeBits(sig & 63, 6) // 64 is stored as 0
      writeMeaningful(w, xHi, xLo, lead, trail)
      prevLead = lead
      prevTrail = trail
    }
  }
}

/** Writes bits [trail, 64-lead) of the 64-bit word hi:lo, most significant first. */
function writeMeaningful(w: BitWriter, hi: number, lo: number, lead: number, trail: number): void {
  const top = 64 - lead
  if (trail >= 32) {
    w.writeBits(hi >>> (trail - 32), top - trail)
  } else if (top <= 32) {
    w.writeBits(lo >>> trail, top - trail)
  } else {
    w.writeBits(hi, top - 32)
    w.writeBits(lo >>> trail, 32 - trail)
  }
}

export function decodeGorilla(r: BitReader, count: number, out: Float64Array, offset = 0): void {
  if (count <= 0) return
  let hi = r.readBits(32)
  let lo = r.readBits(32)
  u32[0] = lo
  u32[1] = hi
  out[offset] = f64[0]
  let lead = 0
  let trail = 0
  for (let i = 1; i < count; i++) {
    if (r.readBit() === 1) {
      if (r.readBit() === 1) {
        lead = r.readBits(5)
        let sig = r.readBits(6)
        if (sig === 0) sig = 64
        trail = 64 - lead - sig
      }
      const top = 64 - lead
      let xHi = 0
      let xLo = 0
      if (trail >= 32) {
        xHi = (r.readBits(top - trail) << (trail - 32)) >>> 0
      } else if (top <= 32) {
        xLo = trail === 32 ? 0 : (r.readBits(top - trail) << trail) >>> 0
      } else {
        xHi = r.readBits(top - 32)
        xLo = trail === 32 ? 0 : (r.readBits(32 - trail) << trail) >>> 0
      }
      hi = (hi ^ xHi) >>> 0
      lo = (lo ^ xLo) >>> 0
      u32[0] = lo
      u32[1] = hi
    }
    out[offset + i] = f64[0]
  }
}
