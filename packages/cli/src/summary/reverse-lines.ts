// Reads a one-event-per-line JSON array (`[{...},` / `{...},` / `{...}]`, what our writers and
// `panopticon merge` write) from its end to its start. Our writers write a slice when it ends, so
// a thread's slices come children first; read backwards, parents come before their children,
// and the summary needs to remember only the slices open around the current one instead of every
// slice whose parent has not come yet. Reads 1 MB at a time: the file is never one string.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { TraceEvent } from '../trace-reader';

/** The file is not one event per line: read it some other way. */
export class NotLineFormatted extends Error {}

const CHUNK = 1 << 20;
/** A longer line is not one event (as in trace-reader.ts). */
const MAX_LINE = 64 << 20;

/** The lines of `path`, last first; `first` marks the file's first line. */
export function* linesFromEnd(path: string): Generator<{ text: string; first: boolean }> {
  const fd = openSync(path, 'r');
  try {
    let pos = fstatSync(fd).size;
    let carry = Buffer.alloc(0); // the start of the line at the chunk's left edge, not yet whole
    while (pos > 0) {
      const n = Math.min(CHUNK, pos);
      pos -= n;
      const chunk = Buffer.alloc(n);
      readSync(fd, chunk, 0, n, pos);
      const block = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let end = block.length;
      for (let nl = block.lastIndexOf(0x0a, end - 1); nl !== -1; nl = end > 0 ? block.lastIndexOf(0x0a, end - 1) : -1) {
        yield { text: block.toString('utf8', nl + 1, end), first: false };
        end = nl;
      }
      carry = block.subarray(0, end);
      if (carry.length > MAX_LINE) throw new NotLineFormatted();
    }
    yield { text: carry.toString('utf8'), first: true };
  } finally {
    closeSync(fd);
  }
}

export interface ReverseRead {
  /** The array was never closed: the writer stopped (killed) mid-file. */
  truncated: boolean;
}

/**
 * The events of a line-formatted trace, last first. A last line that does not parse is an event
 * cut off mid-write (left out) unless the array was closed; any other line that does not parse,
 * or holds anything but one event, means the file is not line-formatted (NotLineFormatted).
 */
export function readEventsFromEnd(path: string, event: (event: TraceEvent) => void): ReverseRead {
  let last = true; // no non-blank line seen yet: this is the file's last one
  let closed = false;
  for (const line of linesFromEnd(path)) {
    let s = line.text.trim();
    if (line.first) s = s.replace(/^\uFEFF/, '');
    if (s === '') continue;
    const isLast = last;
    last = false;
    if (line.first) {
      if (!s.startsWith('[')) throw new NotLineFormatted();
      s = s.slice(1).trimStart();
    }
    if (s.startsWith(',')) s = s.slice(1).trimStart();
    if (isLast && s.endsWith(']')) {
      const inner = s.slice(0, -1).trimEnd();
      // `]` closes the array only after a whole event (or alone); otherwise it is in a cut event
      if (inner === '' || inner.endsWith('}') || inner.endsWith(',')) {
        closed = true;
        s = inner;
      }
    }
    if (s.endsWith(',')) s = s.slice(0, -1).trimEnd();
    if (s === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      if (isLast && !closed) continue; // cut off mid-write
      throw new NotLineFormatted();
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new NotLineFormatted();
    event(parsed as TraceEvent);
  }
  return { truncated: !closed };
}
