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
import { ENDED_NAMES, RESUMED_NAMES } from './coroutine-kinds';
import { flowBaseOf, visitSlices, type Slice, type WriteFilters } from './slices';

export { MAX_DEPTH, type WriteFilters } from './slices';

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

/** Receives the trace text piece by piece. */
export type Sink = (text: string) => void;

const FLUSH_AT = 1 << 20;

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
    events += writeThread(out, thread, proc, endMs, flowBaseOf(index), arrowIds);
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
 * flow ids are offset by `flowBase` to stay unique within the process.
 */
function writeThread(out: BufferedSink, source: ThreadSource, proc: ProcessMeta, endMs: number, flowBase: number, arrowIds: { next: number }): number {
  const head = `"pid":${proc.pid},"tid":${source.tid}`;
  out.push(`,\n{"ph":"M","name":"thread_name",${head},"ts":0,"args":{"name":${JSON.stringify(source.name)}}}`);
  let events = 1;
  const fragments: string[] = [];
  const fragment = (id: number): string => fragments[id] ?? (fragments[id] = functionFragment(source.functions, id));
  const offsetMs = source.clockOffsetMs ?? proc.clockOffsetMs ?? 0;
  const endNs = msToNs(endMs + (proc.clockOffsetMs ?? 0)); // endMs is on the process's clock

  visitSlices(source, offsetMs, endNs, flowBase, proc.filters ?? {}, {
    slice(s: Slice) {
      out.push(`,\n{"ph":"X",${head},"ts":${nsToMicros(s.startNs)},"dur":${nsToMicros(s.endNs - s.startNs)},${fragment(s.id)}${coroutineArgs(s)}`);
      events++;
    },
    wake(fromNs, toNs) {
      // v1 pairs: the slices already carry their instance chain in bind_id, and an X event has one.
      const common = `"cat":"wakeup","name":"wakes",${head},"id":${arrowIds.next++}`;
      out.push(`,\n{"ph":"s",${common},"ts":${nsToMicros(fromNs)}},\n{"ph":"f","bp":"e",${common},"ts":${nsToMicros(toNs)}}`);
      events += 2;
    },
    leftOut(atNs, note) {
      out.push(`,\n{"ph":"i","s":"t",${head},"ts":${nsToMicros(atNs)},"name":"panopticon: slices left out","args":{"note":${JSON.stringify(note)}}}`);
      events++;
    },
  });
  return events;
}

/** The rest of a slice's args (after file, line, col), its flow fields, and the closing braces. */
function coroutineArgs(s: Slice): string {
  if (s.instance === 0) return s.unfinished ? ',"unfinished":true}}' : '}}';
  let text = `,"instance":${s.instance},"slice":${s.index},"resumed":"${RESUMED_NAMES[s.resumed]}"`;
  if (s.ended !== 0) text += `,"ended":"${ENDED_NAMES[s.ended]}"`;
  if (s.unfinished) text += ',"unfinished":true';
  text += '}';
  if (s.flowIn || s.flowOut) text += `,"bind_id":${s.flowId}${s.flowIn ? ',"flow_in":true' : ''}${s.flowOut ? ',"flow_out":true' : ''}`;
  return text + '}';
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
