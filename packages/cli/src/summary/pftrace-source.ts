// Perfetto protobuf traces (.pftrace) for the summary. A thread's slices end children first, and
// the summary nests them in memory bounded by the depth only when they come parents first (see
// thread-stack.ts). So the 'parents-first' source decodes the file front to back (in chunks, see
// protobuf-reader.ts), spools each slice as it ends to a temporary file of fixed-size binary
// records, and then reads that spool back to front, as the JSON source reads our JSON: memory
// follows the depth, the names and the threads, disk the number of slices. The 'any' source hands
// slices on as they end (the summary then sorts each thread's slices): for traces not in order.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SliceRecord, SliceSink } from './events';
import { PftraceDecoder } from './pftrace-decoder';
import { readPackets } from './protobuf-reader';

export interface PftraceRead {
  /** The file ends mid-packet, or slices were begun and never ended: those are left out. */
  truncated: boolean;
}

/** Decodes the trace at `path`; each slice goes to `slice` as it ends, the rest to `sink`. */
function decode(path: string, sink: SliceSink, slice: (s: SliceRecord) => void): PftraceRead {
  const decoder = new PftraceDecoder({
    slice,
    processName: (pid, name) => sink.processName(pid, name),
    threadName: (pid, tid, name) => sink.threadName(pid, tid, name),
    counted: () => sink.counted(),
    counter: (pid, name, value) => sink.counter?.(pid, name, value),
  });
  const read = readPackets(path, (packet) => decoder.packet(packet));
  return { truncated: read.truncated || decoder.unfinished() > 0 };
}

/** Slices in the order they end, straight to the sink. */
export function readPftraceAsEnded(path: string, sink: SliceSink): PftraceRead {
  return decode(path, sink, (s) => sink.slice(s));
}

/** A record: thread, function (indexes into tables), start, duration, instance, index (NaN: none). */
const FIELDS = 6;
const RECORDS_PER_BLOCK = 1 << 14;
const BLOCK_BYTES = RECORDS_PER_BLOCK * FIELDS * 8;

interface FunctionKey {
  name: string;
  cat: string;
  line?: number;
}

/** Slices written as they end, read back last-ended first. */
class SliceSpool {
  private readonly dir = mkdtempSync(join(tmpdir(), 'panopticon-pftrace-'));
  private readonly fd = openSync(join(this.dir, 'slices'), 'w+');
  private readonly block = new Float64Array(RECORDS_PER_BLOCK * FIELDS);
  private filled = 0;
  private readonly threads: Array<[number, number]> = [];
  private readonly threadIndex = new Map<string, number>();
  private readonly functions: FunctionKey[] = [];
  private readonly functionIndex = new Map<string, number>();

  add(s: SliceRecord): void {
    const b = this.block;
    let o = this.filled * FIELDS;
    b[o++] = this.index(this.threadIndex, `${s.pid}:${s.tid}`, () => this.threads.push([s.pid, s.tid]));
    b[o++] = this.index(this.functionIndex, `${s.cat}\0${s.name}\0${s.line}`, () => this.functions.push({ name: s.name, cat: s.cat, line: s.line }));
    b[o++] = s.startNs;
    b[o++] = s.durNs;
    b[o++] = s.instance ?? NaN;
    b[o++] = s.index ?? NaN;
    if (++this.filled === RECORDS_PER_BLOCK) this.flush();
  }

  /** Every slice, last added first. */
  replay(slice: (s: SliceRecord) => void): void {
    this.flush();
    const bytes = new Uint8Array(this.block.buffer);
    let pos = fstatSync(this.fd).size;
    while (pos > 0) {
      const n = Math.min(BLOCK_BYTES, pos);
      pos -= n;
      let got = 0;
      while (got < n) got += readSync(this.fd, bytes, got, n - got, pos + got);
      for (let o = n / 8 - FIELDS; o >= 0; o -= FIELDS) {
        const [pid, tid] = this.threads[this.block[o]];
        const fn = this.functions[this.block[o + 1]];
        const instance = this.block[o + 4];
        const index = this.block[o + 5];
        slice({
          pid,
          tid,
          name: fn.name,
          cat: fn.cat,
          line: fn.line,
          startNs: this.block[o + 2],
          durNs: this.block[o + 3],
          instance: Number.isNaN(instance) ? undefined : instance,
          index: Number.isNaN(index) ? undefined : index,
        });
      }
    }
  }

  remove(): void {
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    const bytes = new Uint8Array(this.block.buffer, 0, this.filled * FIELDS * 8);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.filled = 0;
  }

  private index(map: Map<string, number>, key: string, add: () => number): number {
    let i = map.get(key);
    if (i === undefined) map.set(key, (i = add() - 1));
    return i;
  }
}

/** Each thread's slices last-ended first (parents before their children), through a spool on disk. */
export function readPftraceParentsFirst(path: string, sink: SliceSink): PftraceRead {
  const spool = new SliceSpool();
  try {
    const read = decode(path, sink, (s) => spool.add(s));
    spool.replay((s) => sink.slice(s));
    return read;
  } finally {
    spool.remove();
  }
}
