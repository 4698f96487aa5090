// Chrome Trace Event JSON: turns the recorder's event stream into complete (`X`) slices, and the
// slices of each generator or async function instance into one chain of flow arrows.
//
// The array form is written (`[{...},{...}]`): it starts with a metadata event, as Perfetto
// sniffs `[{"`, and a copy cut off mid-write still opens in both viewers. Each function's name,
// category and args are serialised once and reused for every slice of it.
//
// Arrows use the v2 flow fields on the X events (../shared/docs/trace-formats.md): every slice of
// an instance carries `bind_id` = the instance number, which no other chain uses; the first has
// `flow_out`, the middle ones `flow_in` and `flow_out`, the last (ended by return or throw)
// `flow_in`. All of it is known when the slice ends, so the events are written in one pass.
import type { EventChunk } from './recorder';
import type { FunctionTable } from './function-table';
import { msToNs, nsToMicros } from './format';
import { ENDED_NAMES, Ended, INSTANCE_SHIFT, KIND_MASK, RESUMED_NAMES } from './coroutine-kinds';

/** End mark of a slice closed because a lower frame exited: an exception left it. */
const THROWN = Ended.Throw;
import { WakeArrows } from './wake-arrows';

export interface TraceMeta {
  pid: number;
  tid: number;
  processName: string;
  threadName: string;
}

export interface TraceSource {
  functions: FunctionTable;
  /** Events in order; a chunk without `marks` holds plain function events only. */
  chunks(): Array<Omit<EventChunk, 'marks'> & { marks?: Int32Array }>;
}

const NO_MARKS = new Int32Array(0);

/** Receives the trace text piece by piece. */
export type Sink = (text: string) => void;

const FLUSH_AT = 1 << 20;

/** Perfetto stops nesting at 512 levels; deeper slices are left out (and counted). */
export const MAX_DEPTH = 512;

/** A process as the trace names it. */
export interface ProcessMeta {
  pid: number;
  /** Its command line. */
  name: string;
  /** The process that started it, when known. */
  ppid?: number;
  /** Added to every recorded time (ms): the process's time origin minus the trace's epoch. */
  clockOffsetMs?: number;
  /** Run-time filters: slices deeper or shorter than these are left out (and counted). */
  filters?: WriteFilters;
  /** Older events a flight recorder no longer had: said in the metadata, so nobody is surprised. */
  droppedEvents?: number;
}

/** One thread's recording. */
export interface ThreadSource extends TraceSource {
  tid: number;
  name: string;
  /** This thread's own offset, when its clock has another origin than the process's. */
  clockOffsetMs?: number;
}

export interface WriteFilters {
  /** Deepest level kept, 1 being the outermost; never more than MAX_DEPTH. */
  maxDepth?: number;
  /** Slices shorter than this many microseconds are left out; their time stays in their parent. */
  minDurationUs?: number;
}

/**
 * Writes the whole trace of one process, all its threads, to `sink`. Slices still open at `endMs`
 * are closed there and get `"unfinished": true` in their args. Returns the number of events.
 */
export function writeProcessTrace(threads: ThreadSource[], proc: ProcessMeta, endMs: number, sink: Sink): number {
  const out = new BufferedSink(sink);
  const pidHead = `"pid":${proc.pid}`;
  const ppid = proc.ppid !== undefined ? `,"ppid":${proc.ppid}` : '';
  const dropped = proc.droppedEvents ? `,"dropped_events":${proc.droppedEvents}` : '';
  out.push(`[{"ph":"M","name":"process_name",${pidHead},"ts":0,"args":{"name":${JSON.stringify(proc.name)}${ppid}${dropped}}}`);
  let events = 1;
  if (proc.ppid !== undefined) {
    out.push(`,\n{"ph":"M","name":"process_labels",${pidHead},"ts":0,"args":{"labels":"parent pid ${proc.ppid}"}}`);
    events++;
  }
  const arrowIds = { next: 1 };
  threads.forEach((thread, index) => {
    events += writeThread(out, thread, proc, endMs, bindBaseOf(index), arrowIds);
  });
  out.push(']\n');
  out.flush();
  return events;
}

/** The single-thread form: one recorder, named by `meta`. */
export function writeChromeTrace(source: TraceSource, meta: TraceMeta, endMs: number, sink: Sink, extra: Pick<ProcessMeta, 'filters' | 'droppedEvents'> = {}): number {
  const thread = { functions: source.functions, chunks: () => source.chunks(), tid: meta.tid, name: meta.threadName };
  return writeProcessTrace([thread], { pid: meta.pid, name: meta.processName, ...extra }, endMs, sink);
}

/**
 * One thread's events: its name, then its slices. Instance numbers are the thread's own, so its
 * flow ids are offset by `bindBase` to stay unique within the process.
 */
function writeThread(out: BufferedSink, source: ThreadSource, proc: ProcessMeta, endMs: number, bindBase: number, arrowIds: { next: number }): number {
  const head = `"pid":${proc.pid},"tid":${source.tid}`;
  const offsetMs = source.clockOffsetMs ?? proc.clockOffsetMs ?? 0;
  const toNs = (ms: number): number => msToNs(ms + offsetMs);
  out.push(`,\n{"ph":"M","name":"thread_name",${head},"ts":0,"args":{"name":${JSON.stringify(source.name)}}}`);
  let events = 1;

  const chunks = source.chunks().map((c) => ({ ...c, marks: c.marks ?? NO_MARKS }));
  const slicesSeen = new GrowableCounts();
  const fragments: string[] = [];
  const fragment = (id: number): string => fragments[id] ?? (fragments[id] = functionFragment(source.functions, id));

  const stackIds: number[] = [];
  const stackStarts: number[] = [];
  const stackMarks: number[] = [];
  const stackIndexes: number[] = [];
  const stackWakers: number[] = [];
  const wakes = new WakeArrows(head, arrowIds);
  let waker = 0;
  const maxDepth = Math.min(proc.filters?.maxDepth ?? MAX_DEPTH, MAX_DEPTH);
  const minNs = Math.round((proc.filters?.minDurationUs ?? 0) * 1000);
  const written = new GrowableCounts();
  let tooDeep = 0;
  let tooShort = 0;
  let firstLeftOut = -1;
  const slice = (endNs: number, endMark: number, unfinished: boolean): void => {
    const depth = stackIds.length;
    const id = stackIds.pop()!;
    const startNs = stackStarts.pop()!;
    const mark = stackMarks.pop()!;
    const index = stackIndexes.pop()!;
    const wokenBy = stackWakers.pop()!;
    const tooLong = depth > maxDepth;
    if (tooLong || (!unfinished && endNs - startNs < minNs)) {
      if (tooLong) tooDeep++;
      else tooShort++;
      if (firstLeftOut < 0) firstLeftOut = startNs;
      return;
    }
    let text = `,\n{"ph":"X",${head},"ts":${nsToMicros(startNs)},"dur":${nsToMicros(Math.max(endNs, startNs) - startNs)},${fragment(id)}`;
    if (mark !== 0) {
      const co = mark >>> INSTANCE_SHIFT;
      text += `,"instance":${co},"slice":${index},"resumed":"${RESUMED_NAMES[mark & KIND_MASK]}"`;
      if (endMark !== 0) text += `,"ended":"${ENDED_NAMES[endMark & KIND_MASK]}"`;
      if (unfinished) text += ',"unfinished":true';
      text += '}';
      if (endMark !== 0) wakes.sliceEnded(co, startNs, endNs);
      if (wokenBy !== 0) {
        const arrow = wakes.arrow(wokenBy, startNs, endNs);
        if (arrow) {
          out.push(arrow);
          events += 2;
        }
      }
      // In from the instance's previous slice if one was written; out to its next one if it
      // suspended (an instance that never resumes leaves a dangling arrow, which viewers drop).
      const flowIn = written.get(co) > 0;
      written.next(co);
      const flowOut = !unfinished && (endMark & KIND_MASK) !== Ended.Return && (endMark & KIND_MASK) !== Ended.Throw && endMark !== 0;
      if (flowIn || flowOut) text += `,"bind_id":${bindBase + co}${flowIn ? ',"flow_in":true' : ''}${flowOut ? ',"flow_out":true' : ''}`;
      text += '}';
    } else {
      text += unfinished ? ',"unfinished":true}}' : '}}';
    }
    out.push(text);
    events++;
  };

  for (const { codes, times, marks, length } of chunks) {
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code > 0) {
        const mark = marks[i] ?? 0;
        stackIds.push(code);
        stackStarts.push(toNs(times[i]));
        stackMarks.push(mark);
        stackIndexes.push(mark === 0 ? 0 : slicesSeen.next(mark >>> INSTANCE_SHIFT));
        stackWakers.push(mark === 0 ? 0 : waker);
        if (mark !== 0) waker = 0;
      } else if (code === 0) {
        waker = marks[i] >>> INSTANCE_SHIFT;
      } else {
        // Frames above the one exiting were left by an exception that skipped their exit hook.
        const endNs = toNs(times[i]);
        while (stackIds.length > -code) slice(endNs, THROWN, false);
        if (stackIds.length === -code) slice(endNs, marks[i] ?? 0, false);
      }
    }
  }
  const endNs = msToNs(endMs + (proc.clockOffsetMs ?? 0)); // endMs is on the process's clock
  while (stackIds.length > 0) slice(endNs, 0, true);
  if (tooDeep + tooShort > 0) {
    const reasons = [
      ...(tooDeep > 0 ? [`${tooDeep} nested deeper than ${maxDepth} levels${maxDepth === MAX_DEPTH ? ' (Perfetto shows no more)' : ''}`] : []),
      ...(tooShort > 0 ? [`${tooShort} shorter than ${proc.filters?.minDurationUs} us`] : []),
    ];
    const note = `slices left out: ${reasons.join('; ')}`;
    out.push(`,\n{"ph":"i","s":"t",${head},"ts":${nsToMicros(firstLeftOut)},"name":"panopticon: slices left out","args":{"note":${JSON.stringify(note)}}}`);
    events++;
  }
  return events;
}

/**
 * Flow ids: a thread's own instance numbers for the first thread (so a one-thread trace's chains
 * are its instance numbers), and disjoint ranges above 2^40 for the others (instance numbers stay
 * below 2^28, and ids below 2^53).
 */
function bindBaseOf(threadIndex: number): number {
  return threadIndex === 0 ? 0 : 2 ** 40 + threadIndex * 2 ** 30;
}

/** A count per instance: slices seen (a slice's index within its instance), or written. */
class GrowableCounts {
  private counts = new Int32Array(1024);
  get(co: number): number {
    return co < this.counts.length ? this.counts[co] : 0;
  }
  next(co: number): number {
    if (co >= this.counts.length) {
      const grown = new Int32Array(Math.max(co + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    return this.counts[co]++;
  }
}

/** `"name":…,"cat":…,"args":{"file":…,"line":…,"col":…` — the args object is left open. */
function functionFragment(functions: FunctionTable, id: number): string {
  const info = functions.info(id);
  const file = JSON.stringify(info.file);
  return `"name":${JSON.stringify(info.name)},"cat":${file},"args":{"file":${file},"line":${info.line},"col":${info.col}`;
}

class BufferedSink {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: Sink) {}
  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
