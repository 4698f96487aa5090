// Reads the events of one Chrome JSON trace file without holding it in memory: the project's
// traces have one event per line (`[{...},` / `{...},` / `{...}]`), so each line is parsed on its
// own as the file streams by. A file cut off mid-write loses only its incomplete last line. Any
// other valid JSON trace (pretty-printed, all on one line, the `{"traceEvents": [...]}` form,
// gzipped) is read whole with JSON.parse, after telling the caller to forget what it was given.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { gunzipSync } from 'node:zlib';

export type TraceEvent = Record<string, unknown>;

export interface EventHandlers {
  /** One event; `raw` is its JSON text, to copy as is when nothing in it changes. */
  event(event: TraceEvent, raw: string): void;
  /** The file is not one event per line after all: forget the events given so far. */
  restart(): void;
}

export interface ReadResult {
  /** The file was cut off: its incomplete last event is left out. */
  truncated: boolean;
}

export class TraceReadError extends Error {}

const CHUNK = 1 << 20;
/** A longer line is not one event: the file is not line-formatted. */
const MAX_LINE = 64 << 20;

class NotLineFormatted extends Error {}

/** Runs a read of `path`, turning a file system error into a TraceReadError naming the file. */
function io<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof TraceReadError ? error : new TraceReadError(`${path}: ${(error as Error).message}`);
  }
}

export function readTraceEvents(path: string, handlers: EventHandlers): ReadResult {
  const head = io(path, () => readHead(path));
  if (head.length === 0) return { truncated: true }; // created, then killed before the first write
  if (head[0] === 0x1f && head[1] === 0x8b) {
    let text: string;
    try {
      text = gunzipSync(io(path, () => readFileSync(path))).toString('utf8');
    } catch (error) {
      throw new TraceReadError(`${path}: not a readable gzip file (${(error as Error).message})`);
    }
    return readText(path, [text][Symbol.iterator](), handlers, () => text);
  }
  const start = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return readWhole(path, io(path, () => readFileSync(path, 'utf8')), handlers);
  if (!start.startsWith('[')) throw new TraceReadError(`${path}: not a Chrome JSON trace (it must begin with [ or {)`);
  return readText(path, fileChunks(path), handlers, () => readFileSync(path, 'utf8'));
}

/** The first 64 bytes of a file: enough to tell the formats apart. */
export function readHead(path: string, size = 64): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, null));
  } finally {
    closeSync(fd);
  }
}

function* fileChunks(path: string): Generator<string> {
  const fd = io(path, () => openSync(path, 'r'));
  try {
    const buffer = Buffer.alloc(CHUNK);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const n = io(path, () => readSync(fd, buffer, 0, CHUNK, null));
      if (n === 0) break;
      yield decoder.write(buffer.subarray(0, n));
    }
    const rest = decoder.end();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Line by line; falls back to the whole text when a line is not one event. */
function readText(path: string, chunks: Iterator<string>, handlers: EventHandlers, whole: () => string): ReadResult {
  try {
    return readLines(chunks, handlers);
  } catch (error) {
    if (!(error instanceof NotLineFormatted)) throw error;
    chunks.return?.();
  }
  handlers.restart();
  let text: string;
  try {
    text = whole();
  } catch (error) {
    throw new TraceReadError(`${path}: too large to read whole, and not one event per line (${(error as Error).message})`);
  }
  return readWhole(path, text, handlers);
}

function readLines(chunks: Iterator<string>, handlers: EventHandlers): ReadResult {
  const state = { first: true, closed: false };
  let pending = '';
  let failed: string | null = null; // a line that did not parse: only the last line may
  const take = (line: string): void => {
    if (failed !== null) throw new NotLineFormatted();
    const text = eventText(line, state);
    if (text === null) return;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      failed = text;
      return;
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new NotLineFormatted();
    handlers.event(event as TraceEvent, text);
  };
  for (let next = chunks.next(); !next.done; next = chunks.next()) {
    pending += next.value;
    let from = 0;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', from)) {
      take(pending.slice(from, nl));
      from = nl + 1;
    }
    pending = pending.slice(from);
    if (pending.length > MAX_LINE) throw new NotLineFormatted();
  }
  take(pending);
  // A last line that does not parse is an event cut off mid-write, unless the array was closed:
  // then the file is whole, and simply not one event per line.
  if (failed !== null && state.closed) throw new NotLineFormatted();
  return { truncated: failed !== null || !state.closed };
}

/** The event's JSON text on a line, without the array's brackets and commas; null if none. */
function eventText(line: string, state: { first: boolean; closed: boolean }): string | null {
  let s = line.trim();
  if (s === '') return null;
  if (state.closed) throw new NotLineFormatted();
  if (state.first) {
    state.first = false;
    s = s.replace(/^\uFEFF/, '').slice(1).trimStart(); // the opening [
  }
  if (s.startsWith(',')) s = s.slice(1).trimStart();
  if (s.endsWith(']')) {
    const inner = s.slice(0, -1).trimEnd();
    // `]` closes the array only after a whole event (or alone); otherwise it is inside a cut event
    if (inner === '' || inner.endsWith('}') || inner.endsWith(',')) {
      state.closed = true;
      s = inner;
    }
  }
  if (s.endsWith(',')) s = s.slice(0, -1).trimEnd();
  return s === '' ? null : s;
}

function readWhole(path: string, text: string, handlers: EventHandlers): ReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new TraceReadError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const events = Array.isArray(doc) ? doc : (doc as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) throw new TraceReadError(`${path}: neither a JSON array of events nor an object with traceEvents`);
  for (const event of events) {
    if (event !== null && typeof event === 'object' && !Array.isArray(event)) handlers.event(event as TraceEvent, JSON.stringify(event));
  }
  return { truncated: false };
}
