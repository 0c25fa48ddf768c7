// PostgreSQL's binary COPY format for sensor_data rows (time timestamptz, device_id text, tag_name text, value float8,
// quality int2, seq int4): no number or timestamp is printed by the sync nor parsed by the server, which is most of a
// text COPY's cost on both sides. See https://www.postgresql.org/docs/15/sql-copy.html (Binary Format).

/** 2000-01-01T00:00:00Z in ms: PostgreSQL's epoch for binary timestamps (µs since then). */
const PG_EPOCH_MS = 946_684_800_000
const TWO_32 = 4_294_967_296
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])
const TRAILER = Buffer.from([0xff, 0xff])

/** Device and tag name as the two length-prefixed text fields of a row, encoded once per tag. */
export function nameFields(deviceId: string, tagName: string): Buffer {
  const d = Buffer.from(deviceId, 'utf8')
  const t = Buffer.from(tagName, 'utf8')
  const out = Buffer.allocUnsafe(8 + d.length + t.length)
  out.writeInt32BE(d.length, 0)
  d.copy(out, 4)
  out.writeInt32BE(t.length, 4 + d.length)
  t.copy(out, 8 + d.length)
  return out
}

/** Appends rows into buffers of about `chunkBytes`; `finish()` returns the whole COPY stream (header … trailer). */
export class BinaryCopyWriter {
  private readonly chunks: Buffer[] = [HEADER]
  private buf: Buffer
  private view: DataView
  private off = 0
  bytes = HEADER.length

  constructor(private readonly chunkBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(chunkBytes)
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
  }

  /** One row; `names` from nameFields(). `t` in ms since 1970 (integers), `v` any double (NaN, ±Infinity included). */
  row(t: number, names: Buffer, v: number, q: number, seq: number): void {
    const size = 2 + 12 + names.length + 12 + 6 + 8
    if (this.off + size > this.buf.length) this.grow(size)
    const view = this.view
    let o = this.off
    view.setInt16(o, 6)
    o += 2
    const us = (t - PG_EPOCH_MS) * 1000
    const hi = Math.floor(us / TWO_32)
    view.setInt32(o, 8)
    view.setInt32(o + 4, hi)
    view.setUint32(o + 8, us - hi * TWO_32)
    o += 12
    names.copy(this.buf, o)
    o += names.length
    view.setInt32(o, 8)
    view.setFloat64(o + 4, v)
    o += 12
    view.setInt32(o, 2)
    view.setInt16(o + 4, q)
    o += 6
    view.setInt32(o, 4)
    view.setInt32(o + 4, seq)
    o += 8
    this.bytes += o - this.off
    this.off = o
  }

  private grow(size: number): void {
    if (this.off > 0) this.chunks.push(this.buf.subarray(0, this.off))
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, size))
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
    this.off = 0
  }

  finish(): Buffer[] {
    if (this.off > 0) this.chunks.push(this.buf.subarray(0, this.off))
    this.off = 0
    this.buf = Buffer.alloc(0)
    this.chunks.push(TRAILER)
    this.bytes += TRAILER.length
    return this.chunks
  }
}
