// Joins the .pftrace parts of a session into one trace. A protobuf trace is a sequence of packets,
// and each part was written in an id block of its own (options.ts), so the parts are copied one
// after the other, unchanged: memory stays at a read and a write buffer however big the trace.
// Each part is read packet by packet on the way (the summary's reader), to count its track events
// and to leave out a packet cut off by a kill (a part is written in whole packets, but a write
// itself can be cut short).
import { closeSync, openSync, writeSync } from 'node:fs';
import { ByteWriter } from '@panopticon/runtime';
import type { MergeInput, MergeResult } from './merge';
import { Fields, MalformedProtobuf, readPackets } from './summary/protobuf-reader';

/** Output is handed to the file in writes of about this many bytes. */
const WRITE_AT = 1 << 20;

export function concatPerfettoParts(inputs: MergeInput[], output: string): MergeResult {
  const result: MergeResult = { events: 0, processes: 0, truncated: [], unreadable: [] };
  const out = openSync(output, 'w');
  const w = new ByteWriter(WRITE_AT + (1 << 16));
  const flush = (): void => {
    writeAll(out, w.view());
    w.reset();
  };
  try {
    for (const input of inputs) {
      let events = 0;
      let cutOff: boolean;
      try {
        cutOff = readPackets(input.path, (packet) => {
          if (hasTrackEvent(packet)) events++;
          w.lenField(1, packet);
          if (w.pos >= WRITE_AT) flush();
        }).truncated;
      } catch (error) {
        if (!(error instanceof MalformedProtobuf)) {
          result.unreadable.push({ input, message: `${input.path}: ${(error as Error).message}` });
          continue;
        }
        cutOff = true; // what came before the bad bytes is kept
      }
      result.events += events;
      result.processes++;
      if (cutOff) result.truncated.push(input);
    }
    flush();
  } finally {
    closeSync(out);
  }
  return result;
}

function hasTrackEvent(packet: Uint8Array): boolean {
  const f = new Fields(packet);
  while (f.next()) {
    if (f.field === 11) return true;
    f.skip();
  }
  return false;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
