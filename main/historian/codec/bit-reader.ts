// Reads bit fields MSB-first, the mirror of BitWriter.
export class BitReader {
  private bitPos = 0

  constructor(
    private readonly buf: Uint8Array,
    byteOffset = 0,
  ) {
    this.bitPos = byteOffset * 8
  }

  /** Reads `n` bits (0..32) as an unsigned number. */
  readBits(n: number): number {
    if (n > 25) {
      const high = this.readBits(n - 16)
      return high * 65536 + this.readBits(16)
    }
    if (n === 0) return 0
    const buf = this.buf
    const i = this.bitPos >>> 3
    const off = this.bitPos & 7
    // 32-bit window; reads past the end yield zeros (undefined | 0).
    const window = ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | (buf[i + 3] | 0)) >>> 0
    this.bitPos += n
    return ((window << off) >>> 0) >>> (32 - n)
  }

  /** How many 0 bits follow (1..25 looked at; fewer near a byte boundary), without moving. */
  zeroBits(): number {
    const buf = this.buf
    const i = this.bitPos >>> 3
    const off = this.bitPos & 7
    const window = ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | (buf[i + 3] | 0)) >>> 0
    const w = (window << off) >>> 0
    const valid = 32 - off
    return w === 0 ? valid : Math.min(Math.clz32(w), valid)
  }

  skip(n: number): void {
    this.bitPos += n
  }

  readBit(): number {
    const i = this.bitPos >>> 3
    const bit = (this.buf[i] >>> (7 - (this.bitPos & 7))) & 1
    this.bitPos++
    return bit
  }

  alignToByte(): void {
    this.bitPos = (this.bitPos + 7) & ~7
  }

  readByte(): number {
    this.alignToByte()
    const b = this.buf[this.bitPos >>> 3]
    if (b === undefined) throw new Error('Historian block is truncated: read past its end. The file may be damaged; run PRAGMA integrity_check.')
    this.bitPos += 8
    return b
  }

  readVarUint(): number {
    let result = 0
    let scale = 1
    for (;;) {
      const b = this.readByte()
      result += (b & 0x7f) * scale
      if (b < 0x80) return result
      scale *= 128
    }
  }

  readBytes(n: number): Uint8Array {
    this.alignToByte()
    const start = this.bitPos >>> 3
    this.bitPos += n * 8
    return this.buf.subarray(start, start + n)
  }
}
