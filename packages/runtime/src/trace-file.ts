// Writing a trace file from Node, synchronously: it runs inside 'exit' listeners and signal
// handlers, where nothing asynchronous gets to finish.
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { clock } from './clock';
import { ownThreadName } from './custom-events';
import type { ProcessMeta, TraceMeta, TraceSource } from './chrome-json';
import { formatOfPath, type TraceFormat } from './perfetto/formats';
import { writeProcessFile } from './perfetto/output';

export function defaultMeta(): TraceMeta {
  return {
    pid: process.pid,
    tid: threadId + 1,
    processName: process.argv.join(' '),
    threadName: ownThreadName() ?? (threadId === 0 ? 'main' : `worker ${threadId}`),
  };
}

/**
 * Writes `source` to `path` in the format its extension names (Chrome JSON, `.json.gz`, or
 * `.pftrace` protobuf; see perfetto/formats.ts) or `format`; returns the number of events written.
 */
export function writeTraceFile(
  path: string,
  source: TraceSource,
  meta: TraceMeta = defaultMeta(),
  endMs = clock.now(),
  extra: Pick<ProcessMeta, 'filters' | 'droppedEvents'> = {},
  format: TraceFormat = formatOfPath(path),
): number {
  const thread = { functions: source.functions, chunks: () => source.chunks(), tid: meta.tid, name: meta.threadName };
  return writeProcessFile(path, format, [thread], { pid: meta.pid, name: meta.processName, ...extra }, endMs);
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
