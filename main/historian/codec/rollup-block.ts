// The fine rollup level (1 s by default) of one block, compressed like the block itself and stored in the same row.
//
// Per bucket touched by the block's samples: start, count (non-NaN values), min, max, sum, first, last.
// Starts and counts are delta-of-delta (a steady 10 Hz tag costs ~2 bits per bucket for both). min and max are
// first noted as "equal to first" / "equal to last" when they are (1-2 bits), and only otherwise stored. Each value
// stream is delta-of-delta when every value is a safe integer (counters, states) and Gorilla XOR otherwise, so
// every bit pattern (-0, ±Inf) round-trips. A bucket with count 1 stores only `first` (last = min = max = first,
// sum = 0 + first, exactly what the fold computes); a flat bucket (min = max = first = last) stores first and sum. Buckets whose samples are all NaN store start and count 0 only.
import { BitReader } from './bit-reader'
import { BitWriter } from './bit-writer'
import { decodeDeltaOfDelta, encodeDeltaOfDelta } from './delta-of-delta'
import { decodeGorilla, encodeGorilla } from './gorilla'

const FORMAT_VERSION = 1
const MODE_GORILLA = 0
const MODE_INTEGER = 1
const INTEGER_LIMIT = 2 ** 46

/** Decoded buckets, parallel arrays of length `length` (NaN/0 for count-0 buckets). */
export interface RollupBuckets {
  width: number
  length: number
  bucket: Float64Array
  count: Float64Array
  min: Float64Array
  max: Float64Array
  sum: Float64Array
  first: Float64Array
  last: Float64Array
}

/** Reusable scratch for folding and encoding (one per writer; grown on demand). */
export class RollupScratch {
  n = 0
  bucket = new Float64Array(256)
  count = new Float64Array(256)
  min = new Float64Array(256)
  max = new Float64Array(256)
  sum = new Float64Array(256)
  first = new Float64Array(256)
  last = new Float64Array(256)
  // value streams (explicit entries only)
  s0 = new Float64Array(256)
  s1 = new Float64Array(256)
  s2 = new Float64Array(256)
  s3 = new Float64Array(256)
  s4 = new Float64Array(256)

  ensure(n: number): void {
    if (n <= this.bucket.length) return
    let size = this.bucket.length
    while (size < n) size *= 2
    for (const k of ['bucket', 'count', 'min', 'max', 'sum', 'first', 'last', 's0', 's1', 's2', 's3', 's4'] as const) {
      this[k] = new Float64Array(size)
    }
  }
}

/**
 * Folds samples [start, end) (time-ordered) into buckets of `width` in `s`; NaN values count as no value.
 * Returns the number of buckets.
 */
export function foldBuckets(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number, width: number, s: RollupScratch): number {
  // At most one bucket per sample, so the arrays never need to grow mid-fold.
  s.ensure(end - start)
  const bucket = s.bucket
  const count = s.count
  const min = s.min
  const max = s.max
  const sum = s.sum
  const first = s.first
  const last = s.last
  let k = -1
  let hi = Number.NEGATIVE_INFINITY
  let c = 0
  let mn = 0
  let mx = 0
  let sm = 0
  let fs = 0
  let ls = 0
  for (let i = start; i < end; i++) {
    const ti = t[i]
    if (ti >= hi) {
      if (k >= 0) {
        count[k] = c
        min[k] = mn
        max[k] = mx
        sum[k] = sm
        first[k] = fs
        last[k] = ls
      }
      const b = Math.floor(ti / width) * width
      bucket[++k] = b
      hi = b + width
      c = 0
      sm = 0
      mn = mx = fs = ls = Number.NaN
    }
    const x = v[i]
    if (x !== x) continue
    if (c === 0) {
      mn = mx = fs = x
    } else {
      if (x < mn) mn = x
      if (x > mx) mx = x
    }
    sm += x
    ls = x
    c++
  }
  if (k >= 0) {
    count[k] = c
    min[k] = mn
    max[k] = mx
    sum[k] = sm
    first[k] = fs
    last[k] = ls
  }
  s.n = k + 1
  return s.n
}

function allSafeIntegers(v: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = v[i]
    if (!(x === Math.trunc(x)) || x > INTEGER_LIMIT || x < -INTEGER_LIMIT || (x === 0 && 1 / x < 0)) return false
  }
  return true
}

function writeStream(w: BitWriter, values: Float64Array, n: number): void {
  w.writeVarUint(n)
  if (n === 0) return
  const integer = allSafeIntegers(values, n)
  w.writeByte(integer ? MODE_INTEGER : MODE_GORILLA)
  if (integer) encodeDeltaOfDelta(w, values, 0, n)
  else encodeGorilla(w, values, 0, n)
}

function readStream(r: BitReader): Float64Array {
  const n = r.readVarUint()
  const out = new Float64Array(n)
  if (n === 0) return out
  const mode = r.readByte()
  if (mode === MODE_INTEGER) decodeDeltaOfDelta(r, n, out, 0)
  else decodeGorilla(r, n, out, 0)
  return out
}

const sharedWriter = new BitWriter(16 * 1024)

/** Encodes the `s.n` buckets in `s`; a view of a shared buffer, valid until the next encode (SQLite copies it). */
export function encodeRollupView(s: RollupScratch, width: number): Uint8Array {
  const w = sharedWriter
  w.reset()
  const n = s.n
  w.writeByte(FORMAT_VERSION)
  w.writeVarUint(width)
  w.writeVarUint(n)
  encodeDeltaOfDelta(w, s.bucket, 0, n)
  encodeDeltaOfDelta(w, s.count, 0, n)
  // Per bucket with count > 1: 1 = flat (min = max = first = last, bit for bit; only the sum follows), else 0 and
  // a selector each for min and max: 0 = stored, 10 = equals first, 11 = equals last.
  let nFirst = 0
  let nLast = 0
  let nSum = 0
  let nMin = 0
  let nMax = 0
  const firsts = s.s0
  const lasts = s.s1
  const mins = s.s2
  const maxs = s.s3
  const sums = s.s4
  for (let i = 0; i < n; i++) {
    const c = s.count[i]
    if (c === 0) continue
    const f = s.first[i]
    firsts[nFirst++] = f
    if (c === 1) continue
    sums[nSum++] = s.sum[i]
    const l = s.last[i]
    const mn = s.min[i]
    const mx = s.max[i]
    if (Object.is(mn, f) && Object.is(mx, f) && Object.is(l, f)) {
      w.writeBits(1, 1)
      continue
    }
    w.writeBits(0, 1)
    lasts[nLast++] = l
    if (Object.is(mn, f)) w.writeBits(0b10, 2)
    else if (Object.is(mn, l)) w.writeBits(0b11, 2)
    else {
      w.writeBits(0, 1)
      mins[nMin++] = mn
    }
    if (Object.is(mx, f)) w.writeBits(0b10, 2)
    else if (Object.is(mx, l)) w.writeBits(0b11, 2)
    else {
      w.writeBits(0, 1)
      maxs[nMax++] = mx
    }
  }
  writeStream(w, firsts, nFirst)
  writeStream(w, lasts, nLast)
  writeStream(w, sums, nSum)
  writeStream(w, mins, nMin)
  writeStream(w, maxs, nMax)
  return w.finishView()
}

export function encodeRollup(s: RollupScratch, width: number): Uint8Array {
  return encodeRollupView(s, width).slice()
}

/** Decodes an encoded rollup blob. */
export function decodeRollup(data: Uint8Array): RollupBuckets {
  const r = new BitReader(data)
  const version = r.readByte()
  if (version !== FORMAT_VERSION) {
    throw new Error(`Historian rollup has format version ${version}, this build reads ${FORMAT_VERSION}. Open the file with a newer OT Workbench.`)
  }
  const width = r.readVarUint()
  const n = r.readVarUint()
  const bucket = new Float64Array(n)
  const count = new Float64Array(n)
  decodeDeltaOfDelta(r, n, bucket, 0)
  decodeDeltaOfDelta(r, n, count, 0)
  // Per multi-value bucket: flat flag, else min and max selectors (0 stored, 1 first, 2 last); 3 = flat.
  const minSel = new Uint8Array(n)
  const maxSel = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    if (count[i] < 2) continue
    if (r.readBit() === 1) {
      minSel[i] = 3
      continue
    }
    minSel[i] = r.readBit() === 0 ? 0 : r.readBit() === 0 ? 1 : 2
    maxSel[i] = r.readBit() === 0 ? 0 : r.readBit() === 0 ? 1 : 2
  }
  const firsts = readStream(r)
  const lasts = readStream(r)
  const sums = readStream(r)
  const mins = readStream(r)
  const maxs = readStream(r)
  const min = new Float64Array(n)
  const max = new Float64Array(n)
  const sum = new Float64Array(n)
  const first = new Float64Array(n)
  const last = new Float64Array(n)
  let iF = 0
  let iL = 0
  let iS = 0
  let iMin = 0
  let iMax = 0
  for (let i = 0; i < n; i++) {
    const c = count[i]
    if (c === 0) {
      min[i] = max[i] = first[i] = last[i] = Number.NaN
      sum[i] = 0
      continue
    }
    const f = firsts[iF++]
    first[i] = f
    if (c === 1) {
      last[i] = min[i] = max[i] = f
      sum[i] = 0 + f
      continue
    }
    sum[i] = sums[iS++]
    if (minSel[i] === 3) {
      last[i] = min[i] = max[i] = f
      continue
    }
    const l = lasts[iL++]
    last[i] = l
    min[i] = minSel[i] === 0 ? mins[iMin++] : minSel[i] === 1 ? f : l
    max[i] = maxSel[i] === 0 ? maxs[iMax++] : maxSel[i] === 1 ? f : l
  }
  return { width, length: n, bucket, count, min, max, sum, first, last }
}
