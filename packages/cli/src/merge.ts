// Merges Chrome JSON traces (the parts of one session, or traces recorded separately) into one
// file: a JSON array, one event per line, metadata first (Perfetto sniffs `[{"`; names before
// the events they name). Inputs are streamed line by line, so parts of hundreds of MB are fine.
//
// - Every input keeps its own processes: a pid already used by an earlier input (pid reuse in a
//   session, or two separate recordings) is renumbered to a fresh pid, above any real one.
// - Flow ids are unique within an input only: a `bind_id` (v2 flows) or an `id` of s/t/f events
//   (v1 flows) that an earlier input already used is renumbered, per (input, original id), so no
//   two inputs' arrows join. Ids nobody used before are kept: a one-process trace is unchanged.
// - Non-metadata events go to a scratch file first; the output is the metadata and then that.
import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { readTraceEvents, TraceReadError, type TraceEvent } from './trace-reader';

export interface MergeInput {
  path: string;
}

export interface MergeResult {
  /** Events written. */
  events: number;
  /** Distinct processes in the merged trace. */
  processes: number;
  /** Inputs that were cut off (their incomplete last event is left out). */
  truncated: MergeInput[];
  /** Inputs that could not be read at all, with why; the others are merged all the same. */
  unreadable: Array<{ input: MergeInput; message: string }>;
}

/** Linux pids stay below 2^22 (PID_MAX_LIMIT), other systems' far below: no real pid is here. */
export const FRESH_PID_BASE = 1 << 22;

const FLOW_PHASES = new Set(['s', 't', 'f']);

export function mergeTraceFiles(inputs: MergeInput[], output: string): MergeResult {
  const scratchPath = `${output}.merging-${process.pid}`;
  const scratch = new Scratch(scratchPath);
  const ids = new Renumbering();
  const head: string[] = [];
  const processes = new Set<number>();
  const result: MergeResult = { events: 0, processes: 0, truncated: [], unreadable: [] };
  let body = 0;
  try {
    for (const input of inputs) {
      const start = scratch.mark();
      let part = new PartState(ids);
      try {
        const read = readTraceEvents(input.path, {
          event: (event, raw) => {
            const text = part.rewrite(event, raw);
            if (event.ph === 'M') part.head.push(text);
            else if (typeof event.ph === 'string' && FLOW_PHASES.has(event.ph)) part.pendingFlows.push(text);
            else {
              part.flushFlows(scratch);
              scratch.push(',\n', text);
              part.body++;
            }
          },
          restart: () => {
            scratch.rollback(start);
            part = new PartState(ids);
          },
        });
        if (read.truncated) result.truncated.push(input);
        // An arrow is written just before the slice it points into: when a cut-off input ends in
        // arrows, their slice is missing, and an arrow into nothing is an error to the viewers.
        if (read.truncated) part.pendingFlows = [];
        else part.flushFlows(scratch);
      } catch (error) {
        if (!(error instanceof TraceReadError)) throw error;
        scratch.rollback(start);
        result.unreadable.push({ input, message: error.message });
        continue;
      }
      // Only a whole input is kept: its pids and events count from here on.
      part.commit();
      head.push(...part.head);
      body += part.body;
      for (const pid of part.outputPids) processes.add(pid);
    }
    scratch.flush();
    writeOutput(output, head, scratch);
  } finally {
    scratch.close();
    rmSync(scratchPath, { force: true });
  }
  result.events = head.length + body;
  result.processes = processes.size;
  return result;
}

/** Ids in use across the inputs merged so far: pids, and the two kinds of flow ids. */
class Renumbering {
  readonly usedPids = new Set<number>();
  readonly bindIds = new IdSpace();
  readonly flowIds = new IdSpace();
  private nextPid = FRESH_PID_BASE;

  freshPid(taken: Set<number>): number {
    while (this.usedPids.has(this.nextPid) || taken.has(this.nextPid)) this.nextPid++;
    return this.nextPid++;
  }
}

/** Flow ids of one kind (keyed by type and value: 5 and "5" are different ids). */
class IdSpace {
  readonly used = new Set<string>();
  private next = 1;

  fresh(taken: Set<string>): number {
    while (this.used.has(`number:${this.next}`) || taken.has(`number:${this.next}`)) this.next++;
    return this.next++;
  }
}

/** One input's flow ids of one kind: kept where no earlier input used them, renamed otherwise. */
class PartIds {
  /** Ids this input uses in the output (kept or fresh), committed to the space at its end. */
  readonly taken = new Set<string>();
  private readonly renamed = new Map<string, number>();
  private readonly kept = new Set<string>();

  constructor(private readonly space: IdSpace) {}

  map(original: unknown): unknown {
    const key = `${typeof original}:${String(original)}`;
    if (this.kept.has(key)) return original;
    const renamed = this.renamed.get(key);
    if (renamed !== undefined) return renamed;
    if (!this.space.used.has(key) && !this.taken.has(key)) {
      this.kept.add(key);
      this.taken.add(key);
      return original;
    }
    const fresh = this.space.fresh(this.taken);
    this.renamed.set(key, fresh);
    this.taken.add(`number:${fresh}`);
    return fresh;
  }

  commit(): void {
    for (const key of this.taken) this.space.used.add(key);
  }
}

/** One input's mapping from its own pids and flow ids to the merged trace's. */
class PartState {
  readonly head: string[] = [];
  body = 0;
  /** Flow events not yet followed by a slice (see mergeTraceFiles). */
  pendingFlows: string[] = [];
  private readonly pids = new Map<number, number>();
  /** Output pids this input uses (kept or fresh), committed to the shared set at its end. */
  readonly outputPids = new Set<number>();
  private readonly bindIds: PartIds;
  private readonly flowIds: PartIds;

  constructor(private readonly ids: Renumbering) {
    this.bindIds = new PartIds(ids.bindIds);
    this.flowIds = new PartIds(ids.flowIds);
  }

  pid(original: number): number {
    let mapped = this.pids.get(original);
    if (mapped === undefined) {
      mapped = this.ids.usedPids.has(original) || this.outputPids.has(original) ? this.ids.freshPid(this.outputPids) : original;
      this.pids.set(original, mapped);
      this.outputPids.add(mapped);
    }
    return mapped;
  }

  /** The event's text in the merged trace: `raw` unless a pid or flow id changed. */
  rewrite(event: TraceEvent, raw: string): string {
    let changed = false;
    if (typeof event.pid === 'number') {
      const pid = this.pid(event.pid);
      if (pid !== event.pid) {
        event.pid = pid;
        changed = true;
      }
    }
    if (event.bind_id !== undefined) {
      const id = this.bindIds.map(event.bind_id);
      if (id !== event.bind_id) {
        event.bind_id = id;
        changed = true;
      }
    }
    if (event.id !== undefined && typeof event.ph === 'string' && FLOW_PHASES.has(event.ph)) {
      const id = this.flowIds.map(event.id);
      if (id !== event.id) {
        event.id = id;
        changed = true;
      }
    }
    return changed ? JSON.stringify(event) : raw;
  }

  flushFlows(scratch: Scratch): void {
    for (const text of this.pendingFlows) scratch.push(',\n', text);
    this.body += this.pendingFlows.length;
    this.pendingFlows = [];
  }

  commit(): void {
    for (const pid of this.outputPids) this.ids.usedPids.add(pid);
    this.bindIds.commit();
    this.flowIds.commit();
  }
}

/** An append-only file that can be cut back to an earlier length (an input read again whole). */
class Scratch {
  private readonly fd: number;
  private position = 0;
  private parts: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w+');
  }

  push(separator: string, text: string): void {
    this.parts.push(separator, text);
    this.size += separator.length + text.length;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const buffer = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    let done = 0;
    while (done < buffer.length) done += writeSync(this.fd, buffer, done, buffer.length - done, this.position + done);
    this.position += buffer.length;
  }

  mark(): number {
    this.flush();
    return this.position;
  }

  rollback(to: number): void {
    this.parts = [];
    this.size = 0;
    ftruncateSync(this.fd, to);
    this.position = to;
  }

  /** Copies bytes [from, end) to `fd`. */
  copyTo(fd: number, from: number): void {
    const buffer = Buffer.alloc(1 << 20);
    for (let at = from; at < this.position; ) {
      const n = readSync(this.fd, buffer, 0, Math.min(buffer.length, this.position - at), at);
      if (n === 0) break;
      writeAll(fd, buffer.subarray(0, n));
      at += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  let done = 0;
  while (done < buffer.length) done += writeSync(fd, buffer, done, buffer.length - done);
}

function writeOutput(output: string, head: string[], scratch: Scratch): void {
  const fd = openSync(output, 'w');
  try {
    writeAll(fd, Buffer.from(`[${head.join(',\n')}`, 'utf8'));
    // Each body event starts with `,\n`; without metadata, the first one opens the array.
    scratch.copyTo(fd, head.length === 0 ? 2 : 0);
    writeAll(fd, Buffer.from('\n]\n', 'utf8'));
  } finally {
    closeSync(fd);
  }
}
