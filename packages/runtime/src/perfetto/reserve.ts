// Room kept after a streamed begin packet whose args only the slice's end decides (how a coroutine
// run ended; that a slice was still open when the trace ended). The packet goes to the file as it
// is, followed by a filler packet that means nothing; when the end comes, packet and filler are
// rewritten in place as the packet with the args and a shorter filler, the same length in all.
// A process killed in between leaves the packet without those args and a filler: still a trace.
import { message } from './bytes';

/** Bytes kept after such a packet: the longest args added (ended "settled" 13, unfinished 6) and two length bytes grown. */
export const RESERVE = 32;

/**
 * Writes a filler packet of exactly `size` bytes (0, 2, or 4 to 129) at `pos`: a TracePacket no
 * reader acts on, every varint in it minimal. Its body is sequence_flags = 0 (68 00), repeated,
 * led for an odd length by timestamp_clock_id = 0 (d0 03 00), which readers consult only for a
 * packet with a timestamp. Returns the position after it.
 */
export function filler(buf: Uint8Array, pos: number, size: number): number {
  if (size === 0) return pos;
  if (size === 1 || size === 3 || size > 129) throw new RangeError(`no filler packet is ${size} bytes long`);
  let body = size - 2;
  buf[pos++] = 0x0a;
  buf[pos++] = body;
  if (body % 2 === 1) {
    buf[pos++] = 0xd0;
    buf[pos++] = 0x03;
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
  if (left < 0 || left === 1 || left === 3 || left > 129) return null;
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
