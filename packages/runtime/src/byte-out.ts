// A byte buffer for the JSON writer's hot loop: constant pieces are copied as pre-encoded bytes
// and timestamps written digit by digit, so a slice costs no string building and no flattening
// (building each event as a string and joining them took ~150 ns a slice; this takes a third).
// Full buffers go to a byte sink (a file), or are decoded for a text sink.

const CAPACITY = 1 << 20;
// A bare `vm` context (the classic-script build runs there too) has no TextEncoder/TextDecoder.
const encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;
const decoder = typeof TextDecoder === 'function' ? new TextDecoder() : null;

/** UTF-8 of `text` into `target`; returns the bytes written (target has room for 3 a char). */
function encodeInto(text: string, target: Uint8Array): number {
  if (encoder) return encoder.encodeInto(text, target).written;
  let p = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate, as TextEncoder writes it
    if (c < 0x80) target[p++] = c;
    else if (c < 0x800) {
      target[p++] = 0xc0 | (c >> 6);
      target[p++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      target[p++] = 0xe0 | (c >> 12);
      target[p++] = 0x80 | ((c >> 6) & 63);
      target[p++] = 0x80 | (c & 63);
    } else {
      target[p++] = 0xf0 | (c >> 18);
      target[p++] = 0x80 | ((c >> 12) & 63);
      target[p++] = 0x80 | ((c >> 6) & 63);
      target[p++] = 0x80 | (c & 63);
    }
  }
  return p;
}

/** Text of UTF-8 bytes (for text sinks). */
export function decodeUtf8(bytes: Uint8Array): string {
  if (decoder) return decoder.decode(bytes);
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let c: number;
    if (b < 0x80) c = bytes[i++];
    else if (b < 0xe0) c = ((b & 31) << 6) | (bytes[i + 1] & 63), (i += 2);
    else if (b < 0xf0) c = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63), (i += 3);
    else c = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63), (i += 4);
    text += String.fromCodePoint(c);
  }
  return text;
}

export type ByteSink = (bytes: Uint8Array) => void;

export class ByteOut {
  private buf = new Uint8Array(CAPACITY);
  private pos = 0;

  /** `emit` gets each full buffer; the bytes are valid only during the call. */
  constructor(private readonly emit: ByteSink) {}

  static encode(text: string): Uint8Array {
    const bytes = new Uint8Array(text.length * 3);
    return bytes.slice(0, encodeInto(text, bytes));
  }

  raw(bytes: Uint8Array): void {
    if (this.pos + bytes.length > this.buf.length) this.makeRoom(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  text(text: string): void {
    const most = text.length * 3;
    if (this.pos + most > this.buf.length) this.makeRoom(most);
    this.pos += encodeInto(text, this.buf.subarray(this.pos));
  }

  /** Integer nanoseconds as microseconds with up to three decimals ("1234.567", "5"). */
  micros(ns: number): void {
    if (this.pos + 24 > this.buf.length) this.makeRoom(24);
    const whole = Math.floor(ns / 1000);
    const frac = ns - whole * 1000;
    this.uint(whole);
    if (frac === 0) return;
    const b = this.buf;
    let p = this.pos;
    b[p++] = 46; // .
    const hundreds = Math.floor(frac / 100);
    const tens = Math.floor(frac / 10) - hundreds * 10;
    b[p++] = 48 + hundreds;
    b[p++] = 48 + tens;
    b[p++] = 48 + (frac - hundreds * 100 - tens * 10);
    this.pos = p;
  }

  /** A non-negative integer below 2^53. */
  uint(n: number): void {
    const b = this.buf;
    let p = this.pos;
    if (n < 10) {
      b[p] = 48 + n;
      this.pos = p + 1;
      return;
    }
    const start = p;
    while (n > 0) {
      const q = Math.floor(n / 10);
      b[p++] = 48 + (n - q * 10);
      n = q;
    }
    for (let i = start, j = p - 1; i < j; i++, j--) {
      const t = b[i];
      b[i] = b[j];
      b[j] = t;
    }
    this.pos = p;
  }

  flush(): void {
    if (this.pos === 0) return;
    this.emit(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private makeRoom(bytes: number): void {
    this.flush();
    if (bytes > this.buf.length) this.buf = new Uint8Array(bytes);
  }
}
