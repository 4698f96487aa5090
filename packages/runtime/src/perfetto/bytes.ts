// Protobuf wire encoding into one growable byte buffer: varints, fixed64 and length-delimited
// fields, written in place. Nothing is allocated per field; a message's length is fixed up after
// its body is written (one byte reserved, the body moved in the rare case it needs more).

const TWO_32 = 2 ** 32;

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** The bytes written so far (a view: copy or consume before writing more). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A non-negative integer below 2^53. */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    if (value < 0x80000000) {
      let v = value | 0;
      while (v >= 0x80) {
        buf[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[p++] = v;
    } else {
      let v = value;
      while (v >= 0x80) {
        buf[p++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      buf[p++] = v;
    }
    this.pos = p;
  }

  /** A 64-bit little-endian unsigned integer below 2^53, or given as a bigint. */
  fixed64(value: number | bigint): void {
    this.ensure(8);
    const lo = typeof value === 'bigint' ? Number(value & 0xffffffffn) : value % TWO_32;
    const hi = typeof value === 'bigint' ? Number((value >> 32n) & 0xffffffffn) : Math.floor(value / TWO_32);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = lo & 0xff;
    buf[p + 1] = (lo >>> 8) & 0xff;
    buf[p + 2] = (lo >>> 16) & 0xff;
    buf[p + 3] = lo >>> 24;
    buf[p + 4] = hi & 0xff;
    buf[p + 5] = (hi >>> 8) & 0xff;
    buf[p + 6] = (hi >>> 16) & 0xff;
    buf[p + 7] = hi >>> 24;
    this.pos = p + 8;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A tag (field number and wire type). */
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A length-delimited field holding `data`. */
  lenField(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.bytes(data);
  }

  stringField(field: number, text: string): void {
    this.lenField(field, utf8(text));
  }

  varintField(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  /** Opens a length-delimited field; returns the mark to give close(). */
  open(field: number): number {
    this.tag(field, 2);
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of the field opened at `mark`, moving its body if the length needs > 1 byte. */
  close(mark: number): void {
    const length = this.pos - mark - 1;
    if (length < 0x80) {
      this.buf[mark] = length;
      return;
    }
    let extra = 0;
    for (let v = length >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    this.pos += extra;
    let p = mark;
    let v = length;
    while (v >= 0x80) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A message built apart (an interned entry, a descriptor) as its own bytes. */
export function message(build: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter(64);
  build(w);
  return w.view().slice();
}
