// Appends bit fields MSB-first into a growable byte buffer; no per-call allocation.
// Bits gather in a 32-bit accumulator and leave as whole big-endian words, so most calls are one shift and one or.
export class BitWriter {
  private buf: Uint8Array
  private pos = 0
  /** Pending bits, right-aligned; `accBits` of them (0..31). */
  private acc = 0
  private accBits = 0

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(initialBytes)
  }

  /** Writes the low `n` bits (0..32) of `value`. */
  writeBits(value: number, n: number): void {
    if (n <= 0) return
    const bits = (value & (0xffffffff >>> (32 - n))) >>> 0
    const free = 32 - this.accBits
    if (n < free) {
      this.acc = (this.acc << n) | bits
      this.accBits += n
      return
    }
    // Fill the word with the top `free` bits, emit it, keep the remaining low bits.
    const rest = n - free
    const word = free === 32 ? bits : ((this.acc << free) | (bits >>> rest)) >>> 0
    if (this.pos + 4 > this.buf.length) this.grow(4)
    const buf = this.buf
    const p = this.pos
    buf[p] = word >>> 24
    buf[p + 1] = word >>> 16
    buf[p + 2] = word >>> 8
    buf[p + 3] = word
    this.pos = p + 4
    this.acc = rest === 0 ? 0 : bits & ((1 << rest) - 1)
    this.accBits = rest
  }

  writeBit(bit: number): void {
    this.writeBits(bit, 1)
  }

  /** Pads the current byte with zeros so byte-oriented fields can follow (pending whole bytes are written out). */
  alignToByte(): void {
    let n = this.accBits
    if (n === 0) return
    let acc = this.acc
    const pad = (8 - (n & 7)) & 7
    acc = (acc << pad) >>> 0
    n += pad
    if (this.pos + 4 > this.buf.length) this.grow(4)
    while (n > 0) {
      n -= 8
      this.buf[this.pos++] = (acc >>> n) & 0xff
    }
    this.acc = 0
    this.accBits = 0
  }

  writeByte(b: number): void {
    this.alignToByte()
    if (this.pos >= this.buf.length) this.grow(1)
    this.buf[this.pos++] = b & 0xff
  }

  /** Unsigned LEB128, for byte-aligned counts and lengths. */
  writeVarUint(value: number): void {
    let v = value
    while (v >= 0x80) {
      this.writeByte((v % 128) | 0x80)
      v = Math.floor(v / 128)
    }
    this.writeByte(v)
  }

  writeBytes(bytes: Uint8Array): void {
    this.alignToByte()
    if (this.pos + bytes.length > this.buf.length) this.grow(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /** Copies the written bytes out (trailing partial byte zero-padded). */
  finish(): Uint8Array {
    this.alignToByte()
    return this.buf.slice(0, this.pos)
  }

  /** Like finish() but returns a view of the internal buffer, valid only until the next write or reset. */
  finishView(): Uint8Array {
    this.alignToByte()
    return this.buf.subarray(0, this.pos)
  }

  reset(): void {
    this.pos = 0
    this.acc = 0
    this.accBits = 0
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra + 64))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }
}
