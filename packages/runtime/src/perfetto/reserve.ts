// Room kept after a streamed begin packet whose args only the slice's end decides (how a coroutine
// run ended; that a slice was still open when the trace ended). The packet goes to the file as it
// is, followed by a filler packet that means nothing; when the end comes, packet and filler are
// rewritten in place as the packet with the args and a shorter filler, the same length in all.
// A process killed in between leaves the packet without those args and a filler: still a trace.
import { message } from './bytes';

/** Bytes kept after such a packet: the longest args added (ended "settled" 13, unfinished 6) and two length bytes grown. */
export const RESERVE = 32;

/**
 * Writes a filler packet of exactly `size` bytes (0, or 2 to 129) at `pos`: a TracePacket holding
 * only sequence_flags = 0, repeated, which no reader acts on. Returns the position after it.
 */
export function filler(buf: Uint8Array, pos: number, size: number): number {
  if (size === 0) return pos;
  let body = size - 2;
  buf[pos++] = 0x0a;
  if (body === 1) {
    // No field is one byte long: an empty packet whose length takes two bytes instead.
    buf[pos++] = 0x80;
    buf[pos++] = 0x00;
    return pos;
  }
  buf[pos++] = body;
  if (body % 2 === 1) {
    buf[pos++] = 0x68; // sequence_flags, its 0 in two varint bytes
    buf[pos++] = 0x80;
    buf[pos++] = 0x00;
    body -= 3;
  }
  for (; body > 0; body -= 2) {
    buf[pos++] = 0x68;
    buf[pos++] = 0x00;
  }
  return pos;
}

/**
 * The bytes to write over a packet (`packet`, as first written: 0a LEN 5a LEN <track event> <rest>)
 * and the RESERVE bytes after it: the packet with `args` appended to its track event, and a
 * filler for what is left. Null if the args do not fit (they always do: see RESERVE).
 */
export function rewritten(packet: Uint8Array, args: Uint8Array): Uint8Array | null {
  const [, bodyAt] = readVarint(packet, 1);
  const [eventLength, eventAt] = readVarint(packet, bodyAt + 1);
  const eventEnd = eventAt + eventLength;
  const grown = message((w) => {
    const body = message((b) => {
      const event = new Uint8Array(eventLength + args.length);
      event.set(packet.subarray(eventAt, eventEnd));
      event.set(args, eventLength);
      b.lenField(11, event);
      b.bytes(packet.subarray(eventEnd));
    });
    w.lenField(1, body);
  });
  const size = packet.length + RESERVE;
  const left = size - grown.length;
  if (left < 0 || left === 1 || left > 129) return null;
  const out = new Uint8Array(size);
  out.set(grown);
  filler(out, grown.length, left);
  return out;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}
