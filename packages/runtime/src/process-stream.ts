// Opening a trace file that is written while the program runs, in any format: Chrome JSON (an
// array, cut off between events at any moment), gzipped JSON (a whole gzip member per flush) or
// Perfetto protobuf (whole packets; perfetto/live-stream.ts). The streams share one shape, so the
// places that stream (trace-stream.ts for one thread, process-trace.ts for every thread of a
// process) do not care which it is.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ChromeJsonStream, type ProcessMeta } from './chrome-json';
import type { FunctionTable } from './function-table';
import type { ThreadSink } from './arena-stream';
import { GzipMembers } from './perfetto/gzip';
import { PerfettoStream } from './perfetto/live-stream';
import { writeAll } from './perfetto/output';
import type { TraceFormat } from './perfetto/formats';

export interface ProcessStream {
  thread(tid: number, name: string, functions: FunctionTable, offsetMs: number): ThreadSink;
  /** Another name for a thread already added. */
  renameThread(tid: number, name: string): void;
  /** Says in the trace how many older events a ring buffer let go. */
  noteDropped(dropped: number, note: string): void;
  /** Puts everything written so far on disk, whole. */
  flush(): void;
  /** Ends the trace and closes the file; returns the number of events written. */
  close(): number;
}

/** Opens `path` (throws the fs error if it cannot) for a stream of `format`. `block`: see perfetto/writer.ts. */
export function openProcessStream(path: string, format: TraceFormat, proc: ProcessMeta, block = 0): ProcessStream {
  const fd = openSync(path, 'w');
  const closeFile = <T>(result: T): T => {
    closeSync(fd);
    return result;
  };
  if (format === 'pftrace') {
    const stream = new PerfettoStream(proc, (bytes) => writeAll(fd, bytes), (offset, bytes) => patchAt(fd, offset, bytes), block);
    return {
      thread: (tid, name, functions, offsetMs) => stream.thread(tid, name, functions, offsetMs),
      renameThread: (tid, name) => stream.renameThread(tid, name),
      noteDropped: (dropped, note) => stream.noteDropped(dropped, note),
      flush: () => stream.flush(),
      close: () => closeFile(stream.close()),
    };
  }
  const gz = format === 'json.gz' ? new GzipMembers((member) => writeAll(fd, member)) : null;
  const json = new ChromeJsonStream(proc, { bytes: gz ? (bytes) => gz.push(bytes) : (bytes) => writeAll(fd, bytes) });
  return {
    thread: (tid, name, functions, offsetMs) => json.thread(tid, name, functions, offsetMs),
    renameThread: (tid, name) => json.renameThread(tid, name),
    noteDropped: (dropped, note) => json.noteDropped(dropped, note),
    flush: () => {
      json.flush();
      gz?.flush(); // a member ends with every flush: a file cut off later still inflates to here
    },
    close: () => {
      const events = json.close();
      gz?.flush();
      return closeFile(events);
    },
  };
}

function patchAt(fd: number, offset: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
}
