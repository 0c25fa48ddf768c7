// One compressed block: time-ordered samples of one tag (timestamps, values, quality runs).
import { BitReader } from './bit-reader'
import { BitWriter } from './bit-writer'
import { decodeDeltaOfDelta, encodeDeltaOfDelta } from './delta-of-delta'
import { decodeGorilla, encodeGorilla } from './gorilla'
import { QualityRuns } from './quality-runs'

const FORMAT_VERSION = 1
const VALUES_GORILLA = 0
const VALUES_INTEGER = 1 // all values are safe integers (counters, states, booleans): delta-of-delta
const INTEGER_LIMIT = 2 ** 46
const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()

export interface BlockSummary {
  count: number
  tFirst: number
  tLast: number
  /** Min/max/sum over non-NaN values; null when the block has none. */
  min: number | null
  max: number | null
  sum: number | null
  /** Number of non-NaN values (what averages divide by). */
  valueCount: number
}

export interface DecodedBlock {
  t: Float64Array
  v: Float64Array
  runs: QualityRuns
}

const sharedWriter = new BitWriter(64 * 1024)

function allSafeIntegers(v: ArrayLike<number>, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const x = v[i]
    if (!(x === Math.trunc(x)) || x > INTEGER_LIMIT || x < -INTEGER_LIMIT || (x === 0 && 1 / x < 0)) return false
  }
  return true
}

/** Encodes samples [start, end) of the given arrays; `runs` indices are relative to `start`. */
export function encodeBlock(t: ArrayLike<number>, v: ArrayLike<number>, runs: QualityRuns, start: number, end: number): Uint8Array {
  return encodeBlockView(t, v, runs, start, end).slice()
}

/**
 * encodeBlock without the copy: a view of a shared buffer, valid only until the next encode.
 * For handing straight to SQLite (which copies bound blobs).
 */
export function encodeBlockView(t: ArrayLike<number>, v: ArrayLike<number>, runs: QualityRuns, start: number, end: number): Uint8Array {
  const w = sharedWriter
  w.reset()
  const count = end - start
  const integer = allSafeIntegers(v, start, end)
  w.writeByte(FORMAT_VERSION)
  w.writeVarUint(count)
  w.writeByte(integer ? VALUES_INTEGER : VALUES_GORILLA)
  encodeDeltaOfDelta(w, t, start, end)
  if (integer) encodeDeltaOfDelta(w, v, start, end)
  else encodeGorilla(w, v, start, end)
  w.writeVarUint(runs.length)
  let prevStart = 0
  for (let i = 0; i < runs.length; i++) {
    w.writeVarUint(runs.start[i] - prevStart)
    prevStart = runs.start[i]
    w.writeByte(runs.quality[i])
    const reason = runs.reason[i]
    if (reason === null) {
      w.writeVarUint(0)
    } else {
      const bytes = utf8.encode(reason)
      w.writeVarUint(bytes.length + 1)
      w.writeBytes(bytes)
    }
  }
  return w.finishView()
}

export function summarize(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number): BlockSummary {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  let sum = 0
  let valueCount = 0
  for (let i = start; i < end; i++) {
    const x = v[i]
    if (x !== x) continue
    if (x < min) min = x
    if (x > max) max = x
    sum += x
    valueCount++
  }
  const none = valueCount === 0
  return {
    count: end - start,
    tFirst: t[start],
    tLast: t[end - 1],
    min: none ? null : min,
    max: none ? null : max,
    sum: none || Number.isNaN(sum) ? null : sum,
    valueCount,
  }
}

export function decodeBlock(data: Uint8Array): DecodedBlock {
  const count = blockCount(data)
  const t = new Float64Array(count)
  const v = new Float64Array(count)
  const runs = new QualityRuns()
  decodeBlockInto(data, t, v, 0, runs)
  return { t, v, runs }
}

function readHeader(r: BitReader): number {
  const version = r.readByte()
  if (version !== FORMAT_VERSION) {
    throw new Error(`Historian block has format version ${version}, this build reads ${FORMAT_VERSION}. Open the file with a newer OT Workbench.`)
  }
  return r.readVarUint()
}

/** Number of samples in an encoded block (reads the header only). */
export function blockCount(data: Uint8Array): number {
  return readHeader(new BitReader(data))
}

/**
 * Decodes a block into `t`/`v` at `offset` and appends its quality runs to `runs` shifted by `offset`
 * (a run continuing the previous block's merges). Returns the sample count.
 */
export function decodeBlockInto(data: Uint8Array, t: Float64Array, v: Float64Array, offset: number, runs: QualityRuns): number {
  const r = new BitReader(data)
  const count = readHeader(r)
  const mode = r.readByte()
  decodeDeltaOfDelta(r, count, t, offset)
  if (mode === VALUES_INTEGER) decodeDeltaOfDelta(r, count, v, offset)
  else decodeGorilla(r, count, v, offset)
  const nRuns = r.readVarUint()
  let prevStart = 0
  for (let i = 0; i < nRuns; i++) {
    prevStart += r.readVarUint()
    const quality = r.readByte()
    const len = r.readVarUint()
    const reason = len === 0 ? null : utf8Decoder.decode(r.readBytes(len - 1))
    if (offset === 0) {
      runs.start.push(prevStart)
      runs.quality.push(quality)
      runs.reason.push(reason)
    } else {
      runs.note(prevStart + offset, quality, reason)
    }
  }
  return count
}
