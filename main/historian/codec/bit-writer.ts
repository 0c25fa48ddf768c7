// Appends bit fields MSB-first into a growable byte buffer; no per-call allocation.
export class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  private acc = 0;
  private accBits = 0;

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Writes the low `n` bits (0..32) of `value`. */
  writeBits(value: number, n: number): void {
    if (n > 24) {
      // Split so the accumulator (at most 7 pending bits) never exceeds 31 bits.
      this.writeBits(Math.floor((value >>> 0) / 65536), n - 16);
      this.writeBits(value & 0xffff, 16);
      return;
    }
    if (n === 0) return;
    this.acc = (this.acc << n) | (value & ((1 << n) - 1));
    this.accBits += n;
    while (this.accBits >= 8) {
      this.accBits -= 8;
      if (this.pos >= this.buf.length) this.grow(1);
      this.buf[this.pos++] = (this.acc >>> this.accBits) & 0xff;
    }
    this.acc &= (1 << this.accBits) - 1;
  }

  writeBit(bit: number): void {
    this.writeBits(bit, 1);
  }

  /** Pads the current byte with zeros so byte-oriented fields can follow. */
  alignToByte(): void {
    if (this.accBits > 0) this.writeBits(0, 8 - this.accBits);
  }

  writeByte(b: number): void {
    this.alignToByte();
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b & 0xff;
  }

  /** Unsigned LEB128, for byte-aligned counts and lengths. */
  writeVarUint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.writeByte((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.writeByte(v);
  }

  writeBytes(bytes: Uint8Array): void {
    this.alignToByte();
    if (this.pos + bytes.length > this.buf.length) this.grow(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Copies the written bytes out (trailing partial byte zero-padded). */
  finish(): Uint8Array {
    this.alignToByte();
    return this.buf.slice(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
    this.acc = 0;
    this.accBits = 0;
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra + 64));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}
