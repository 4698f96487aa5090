// Protobuf wire format, read: a cursor over one message's fields, and the packets of a Perfetto
// trace (field 1 of Trace, repeated) read from a file descriptor a chunk at a time, so a trace of
// any size is never one buffer: only the packet being decoded is held.
import { closeSync, openSync, readSync } from 'node:fs';

/** The bytes are not protobuf (a varint too long, a length past the end, a field 0...). */
export class MalformedProtobuf extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;
const decoder = new TextDecoder();

/**
 * Whether `head` (the first bytes of a file) reads as Perfetto packets: field 1 of Trace, each
 * packet's fields well formed as far as the head goes. A packet's length byte may be a space or
 * a newline, so a protobuf trace can look like JSON to a sniffer that skips whitespace; JSON
 * text, read as fields, breaks at once ('{' and '[' are group tags, which traces never hold).
 */
export function looksLikePerfetto(head: Uint8Array): boolean {
  if (head[0] !== 0x0a) return false;
  const trace = new Fields(head);
  try {
    while (trace.next()) {
      if (trace.field !== 1 || trace.wire !== WIRE_LEN) return false;
      const length = trace.varint();
      const start = trace.pos;
      const packet = new Fields(head, start, Math.min(start + length, head.length));
      while (packet.next()) packet.skip();
      if (start + length > head.length) return true; // the head ends inside this packet
      trace.pos = start + length;
    }
    return true;
  } catch (error) {
    if (!(error instanceof MalformedProtobuf)) throw error;
    // A field cut off by the end of the head says nothing; a bad tag or wire type says "not protobuf".
    return /runs past/.test(error.message);
  }
}

/** The fields of one message: `while (f.next()) switch (f.field) ...`, reading or skipping each. */
export class Fields {
  field = 0;
  wire = 0;
  /** Where the next field starts (moved on by each read). */
  pos: number;

  constructor(private readonly buf: Uint8Array, start = 0, private readonly end = buf.length) {
    this.pos = start;
  }

  /** Moves to the next field; false at the message's end. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const tag = this.varint();
    this.wire = tag % 8;
    this.field = Math.floor(tag / 8);
    if (this.field === 0) throw new MalformedProtobuf('field number 0');
    return true;
  }

  /** An unsigned varint (exact below 2^53). */
  varint(): number {
    const buf = this.buf;
    let p = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) throw new MalformedProtobuf('a varint runs past its message');
      const b = buf[p++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = p;
        return result;
      }
      scale *= 0x80;
    }
    throw new MalformedProtobuf('a varint longer than 10 bytes');
  }

  /** An int64 varint: two's complement, so a negative value is 10 bytes. */
  int64(): number {
    const start = this.pos;
    const value = this.varint();
    if (value < TWO_63) return value;
    let big = 0n;
    for (let p = this.pos - 1; p >= start; p--) big = (big << 7n) | BigInt(this.buf[p] & 0x7f);
    return Number(BigInt.asIntN(64, big));
  }

  /** A fixed64 as an unsigned number (exact below 2^53). */
  fixed64(): number {
    const p = this.need(8);
    const b = this.buf;
    const lo = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
    const hi = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16)) + b[p + 7] * 0x1000000;
    return hi * TWO_32 + lo;
  }

  double(): number {
    const p = this.need(8);
    return new DataView(this.buf.buffer, this.buf.byteOffset + p, 8).getFloat64(0, true);
  }

  /** A length-delimited field's bytes (a view: decode before the buffer moves on). */
  bytes(): Uint8Array {
    const length = this.varint();
    const p = this.need(length);
    return this.buf.subarray(p, p + length);
  }

  /** A length-delimited field as a nested message. */
  message(): Fields {
    const length = this.varint();
    const p = this.need(length);
    return new Fields(this.buf, p, p + length);
  }

  string(): string {
    return decoder.decode(this.bytes());
  }

  /** Each value of a repeated varint field, packed or not. */
  varints(each: (value: number) => void): void {
    if (this.wire !== WIRE_LEN) return each(this.varint());
    const packed = this.message();
    while (packed.pos < packed.end) each(packed.varint());
  }

  /** Each value of a repeated fixed64 field, packed or not. */
  fixed64s(each: (value: number) => void): void {
    if (this.wire !== WIRE_LEN) return each(this.fixed64());
    const packed = this.message();
    while (packed.pos < packed.end) each(packed.fixed64());
  }

  /** Skips the current field's value. */
  skip(): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.need(8);
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.need(4);
        return;
      default:
        throw new MalformedProtobuf(`wire type ${this.wire}`); // groups: never in a trace
    }
  }

  /** Reserves `n` bytes; returns where they start. */
  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new MalformedProtobuf('a field runs past its message');
    this.pos = p + n;
    return p;
  }
}

const CHUNK = 1 << 20;
/** A bigger packet is not ours: stop rather than buffer it. */
const MAX_PACKET = 256 << 20;

export interface PacketsRead {
  /** The file ends inside a packet (its writer was killed mid-write): that packet is left out. */
  truncated: boolean;
}

/** A varint at `p` in buf[p, end): [value, bytes], or undefined when the bytes end first. */
function headerVarint(buf: Uint8Array, p: number, end: number): [number, number] | undefined {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10 && p + i < end; i++) {
    const b = buf[p + i];
    result += (b & 0x7f) * scale;
    if (b < 0x80) return [result, i + 1];
    scale *= 0x80;
  }
  if (end - p >= 10) throw new MalformedProtobuf('a varint longer than 10 bytes');
  return undefined;
}

/**
 * Hands each packet of the trace at `path` to `packet`, in file order. The bytes are a view into
 * a buffer that is reused: decode them before returning.
 */
export function readPackets(path: string, packet: (bytes: Uint8Array) => void): PacketsRead {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.alloc(CHUNK);
    let start = 0;
    let end = 0;
    let eof = false;
    /** At least `n` bytes from `start` in the buffer; false when the file ends first. */
    const fill = (n: number): boolean => {
      while (end - start < n) {
        if (eof) return false;
        if (buf.length - start < n) {
          // move what is left to the front, into a bigger buffer if the packet needs one
          const target = n > buf.length ? Buffer.alloc(Math.max(n, buf.length * 2)) : buf;
          buf.copy(target, 0, start, end);
          buf = target;
          end -= start;
          start = 0;
        }
        const read = readSync(fd, buf, end, buf.length - end, null);
        if (read === 0) eof = true;
        end += read;
      }
      return true;
    };
    while (fill(1)) {
      fill(20); // a tag and a length: fewer only at the end of the file
      const tag = headerVarint(buf, start, end);
      const length = tag && headerVarint(buf, start + tag[1], end);
      if (!tag || !length) return { truncated: true };
      const wire = tag[0] % 8;
      const header = tag[1] + length[1];
      let size: number;
      if (wire === WIRE_LEN) size = header + length[0];
      else if (wire === WIRE_VARINT) size = header; // the "length" was the value
      else throw new MalformedProtobuf(`a top-level field of wire type ${wire}`);
      if (size > MAX_PACKET) throw new MalformedProtobuf(`a packet of ${length[0]} bytes`);
      if (!fill(size)) return { truncated: true };
      if (tag[0] === (1 << 3) + WIRE_LEN) packet(buf.subarray(start + header, start + size));
      start += size;
    }
    return { truncated: false };
  } finally {
    closeSync(fd);
  }
}
