// Writing a trace file from Node, synchronously: it runs inside 'exit' listeners and signal
// handlers, where nothing asynchronous gets to finish.
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { clock } from './clock';
import { writeChromeTrace, type ProcessMeta, type TraceMeta, type TraceSource } from './chrome-json';

export function defaultMeta(): TraceMeta {
  return {
    pid: process.pid,
    tid: threadId + 1,
    processName: process.argv.join(' '),
    threadName: threadId === 0 ? 'main' : `worker ${threadId}`,
  };
}

/** Writes `source` to `path` as Chrome JSON; returns the number of events written. */
export function writeTraceFile(path: string, source: TraceSource, meta: TraceMeta = defaultMeta(), endMs = clock.now(), extra: Pick<ProcessMeta, 'filters' | 'droppedEvents'> = {}): number {
  const fd = openSync(path, 'w');
  try {
    return writeChromeTrace(source, meta, endMs, (text) => {
      writeSync(fd, text);
    }, extra);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks, before the program runs, that a trace can be written at `path`: opens it for appending
 * (creating it if needed) and removes it again if it did not exist. Throws the fs error otherwise.
 */
export function assertWritable(path: string): void {
  const existed = existsSync(path);
  closeSync(openSync(path, 'a'));
  if (!existed) unlinkSync(path);
}
