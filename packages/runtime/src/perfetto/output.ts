// Writing one process's trace to a file in any of the formats, synchronously (it runs in exit
// handlers, where nothing asynchronous gets to finish).
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeProcessTrace, type ProcessMeta, type ThreadSource } from '../chrome-json';
import { writePerfettoProcess } from './process-writer';
import { GzipMembers } from './gzip';
import type { TraceFormat } from './formats';

/** Writes all of `data` to `fd` (writeSync may write less than asked). */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

/** Writes the process's trace to `path` as `format`; returns the number of events. */
export function writeProcessFile(path: string, format: TraceFormat, threads: ThreadSource[], proc: ProcessMeta, endMs: number): number {
  const fd = openSync(path, 'w');
  try {
    if (format === 'pftrace') return writePerfettoProcess(threads, proc, endMs, (bytes) => writeAll(fd, bytes));
    if (format === 'json.gz') {
      const gz = new GzipMembers((member) => writeAll(fd, member));
      const events = writeProcessTrace(threads, proc, endMs, (text) => gz.push(text));
      gz.flush();
      return events;
    }
    return writeProcessTrace(threads, proc, endMs, { bytes: (bytes) => writeSync(fd, bytes) });
  } finally {
    closeSync(fd);
  }
}
