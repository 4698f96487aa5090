// Joins the .pftrace parts of a session into one trace. A protobuf trace is a sequence of packets,
// and each part was written in an id block of its own (options.ts), so the parts are copied one
// after the other, unchanged: memory stays at one read buffer however big the trace. Each part is
// read packet by packet on the way, to count its track events and to leave out a packet cut off
// by a kill (a part is written in whole packets, but a write itself can be cut short).
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { MergeInput, MergeResult } from './merge';

const READ = 1 << 22;

export function concatPerfettoParts(inputs: MergeInput[], output: string): MergeResult {
  const result: MergeResult = { events: 0, processes: 0, truncated: [], unreadable: [] };
  const out = openSync(output, 'w');
  try {
    for (const input of inputs) {
      let fd: number;
      try {
        fd = openSync(input.path, 'r');
      } catch (error) {
        result.unreadable.push({ input, message: `${input.path}: ${(error as Error).message}` });
        continue;
      }
      try {
        const part = copyPackets(fd, out);
        result.events += part.events;
        result.processes++;
        if (part.cutOff) result.truncated.push(input);
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    closeSync(out);
  }
  return result;
}

/** Copies the whole packets of `fd` to `out`; counts those holding a track event. */
function copyPackets(fd: number, out: number): { events: number; cutOff: boolean } {
  let buf = Buffer.alloc(READ);
  let have = 0;
  let events = 0;
  for (;;) {
    const n = readSync(fd, buf, have, buf.length - have, null);
    have += n;
    let at = 0;
    for (;;) {
      const packet = packetAt(buf, at, have);
      if (packet === null) break;
      if (hasTrackEvent(buf, packet.body, packet.end)) events++;
      at = packet.end;
    }
    writeAll(out, buf.subarray(0, at));
    if (n === 0) return { events, cutOff: at < have };
    buf.copy(buf, 0, at, have);
    have -= at;
    // A packet bigger than the buffer: make room for all of it.
    if (have === buf.length) {
      const grown = Buffer.alloc(buf.length * 2);
      buf.copy(grown, 0, 0, have);
      buf = grown;
    }
  }
}

/** The packet at `at` (0a LEN body), if all of it is within `have`. */
function packetAt(buf: Buffer, at: number, have: number): { body: number; end: number } | null {
  if (at >= have || buf[at] !== 0x0a) return null;
  const len = varintAt(buf, at + 1, have);
  if (len === null || len.next + len.value > have) return null;
  return { body: len.next, end: len.next + len.value };
}

function hasTrackEvent(buf: Buffer, at: number, end: number): boolean {
  while (at < end) {
    const tag = varintAt(buf, at, end);
    if (tag === null) return false;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value & 7;
    if (field === 11) return true;
    at = tag.next;
    if (wire === 0) {
      const v = varintAt(buf, at, end);
      if (v === null) return false;
      at = v.next;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varintAt(buf, at, end);
      if (len === null) return false;
      at = len.next + len.value;
    } else return false;
  }
  return false;
}

function varintAt(buf: Buffer, at: number, end: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  while (at < end) {
    const b = buf[at++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: at };
    scale *= 128;
  }
  return null;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
