// Protobuf wire encoding written at a position of a Uint8Array the caller made room in: each
// function takes the buffer and a position and returns the position after what it wrote, so the
// encoder's loop keeps its position in a local and V8 inlines these small functions into it.

const TWO_32 = 2 ** 32;

/** A non-negative integer below 2^53 as a varint at `pos`; returns the position after it. */
export function varint(buf: Uint8Array, pos: number, value: number): number {
  if (value < 0x80) {
    buf[pos] = value;
    return pos + 1;
  }
  if (value > 0x7fffffff) return bigVarint(buf, pos, value);
  let v = value;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos] = v;
  return pos + 1;
}

function bigVarint(buf: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[pos] = v;
  return pos + 1;
}

/** A flow id (below 2^53) as fixed64, after its tag. */
export function flow(buf: Uint8Array, pos: number, id: number, terminating: boolean): number {
  // tags of fields 47 and 48, wire type 1 (fixed64)
  buf[pos++] = terminating ? 0x81 : 0xf9;
  buf[pos++] = terminating ? 0x03 : 0x02;
  const lo = id % TWO_32;
  const hi = Math.floor(id / TWO_32);
  buf[pos] = lo & 0xff;
  buf[pos + 1] = (lo >>> 8) & 0xff;
  buf[pos + 2] = (lo >>> 16) & 0xff;
  buf[pos + 3] = lo >>> 24;
  buf[pos + 4] = hi & 0xff;
  buf[pos + 5] = (hi >>> 8) & 0xff;
  buf[pos + 6] = (hi >>> 16) & 0xff;
  buf[pos + 7] = hi >>> 24;
  return pos + 8;
}

/** An unsigned integer annotation. */
export function uintAnnotation(buf: Uint8Array, pos: number, iid: number, value: number): number {
  buf[pos] = 0x22;
  const mark = pos + 1;
  buf[pos + 2] = 0x08;
  buf[pos + 3] = iid;
  buf[pos + 4] = 0x18;
  const after = varint(buf, pos + 5, value);
  buf[mark] = after - mark - 1;
  return after;
}

/** Copies `bytes` in (set() is a memcpy: several times faster than a loop over 50 bytes). */
export function copy(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  buf.set(bytes, pos);
  return pos + bytes.length;
}

export function varintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/**
 * Sets the length of the field whose one-byte length slot is at `mark`, the field's body running
 * to `pos`; returns the end of the field (moved on when the length needs more than one byte).
 */
export function close(buf: Uint8Array, mark: number, pos: number): number {
  const length = pos - mark - 1;
  if (length < 0x80) {
    buf[mark] = length;
    return pos;
  }
  let extra = 0;
  for (let v = length >>> 7; v > 0; v >>>= 7) extra++;
  buf.copyWithin(mark + 1 + extra, mark + 1, pos);
  let p = mark;
  let v = length;
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[p] = v;
  return pos + extra;
}

