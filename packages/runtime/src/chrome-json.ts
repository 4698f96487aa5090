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
import { flowBaseOf, SliceExtractor, type Slice, type WriteFilters } from './slices';
import { ByteOut, decodeUtf8, type ByteSink } from './byte-out';
import { SliceValues } from './slice-values';
import { sideEventJson } from './side-json';

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
export function writeProcessTrace(threads: ThreadSource[], proc: ProcessMeta, endMs: number, sink: Sink | { bytes: ByteSink }): number {
  const stream = new ChromeJsonStream(proc, sink);
  const endNs = msToNs(endMs + (proc.clockOffsetMs ?? 0)); // endMs is on the process's clock
  for (const source of threads) {
    const thread = stream.thread(source.tid, source.name, source.functions, source.clockOffsetMs ?? proc.clockOffsetMs ?? 0);
    for (const chunk of source.chunks()) thread.feed(chunk.codes, chunk.times, chunk.marks ?? NO_MARKS, 0, chunk.length);
    thread.finish(endNs);
  }
  return stream.close();
}

/** The single-thread form: one recorder, named by `meta`. */
export function writeChromeTrace(source: TraceSource, meta: TraceMeta, endMs: number, sink: Sink, extra: Pick<ProcessMeta, 'filters' | 'droppedEvents'> = {}): number {
  const thread = { functions: source.functions, chunks: () => source.chunks(), tid: meta.tid, name: meta.threadName };
  return writeProcessTrace([thread], { pid: meta.pid, name: meta.processName, ...extra }, endMs, sink);
}

const NO_MARKS = new Int32Array(0);

/**
 * A process's trace written as it is recorded: the process's metadata at once, each thread's name
 * when the thread is added, slices as they close (feed), and `]` at close(). What is on disk at any
 * moment is a valid, if cut-off, array-form trace.
 */
export class ChromeJsonStream {
  /** Where the events go, as bytes (ThreadJsonWriter writes its slices into it directly). */
  readonly out: ByteOut;
  private readonly arrowIds = { next: 1 };
  private threads = 0;
  events = 0;

  /** `sink` gets text; a file writer passes `bytes` instead and skips decoding. */
  constructor(readonly proc: ProcessMeta, sink: Sink | { bytes: ByteSink }) {
    this.out = new ByteOut(typeof sink === 'function' ? (bytes) => sink(decodeUtf8(bytes)) : sink.bytes);
    const pidHead = `"pid":${proc.pid}`;
    const ppid = proc.ppid !== undefined ? `,"ppid":${proc.ppid}` : '';
    const dropped = proc.droppedEvents ? `,"dropped_events":${proc.droppedEvents}` : '';
    this.push(`[{"ph":"M","name":"process_name",${pidHead},"ts":0,"args":{"name":${JSON.stringify(proc.name)}${ppid}${dropped}}}`);
    if (proc.ppid !== undefined) this.push(`,\n{"ph":"M","name":"process_labels",${pidHead},"ts":0,"args":{"labels":"parent pid ${proc.ppid}"}}`);
  }

  /**
   * A thread's writer. Its instance numbers are its own, so its flow ids are offset to stay unique
   * within the process (see flowBaseOf).
   */
  thread(tid: number, name: string, functions: FunctionTable, offsetMs: number): ThreadJsonWriter {
    return new ThreadJsonWriter(this, tid, name, functions, offsetMs, flowBaseOf(this.threads++), this.proc.filters ?? {}, this.arrowIds);
  }

  /** Another name for a thread already added (a worker named after it started). */
  renameThread(tid: number, name: string): void {
    this.push(`,\n{"ph":"M","name":"thread_name","pid":${this.proc.pid},"tid":${tid},"ts":0,"args":{"name":${JSON.stringify(name)}}}`);
  }

  /** Says in the process's metadata how many older events a ring buffer let go. */
  noteDropped(dropped: number, note: string): void {
    this.push(`,\n{"ph":"M","name":"process_labels","pid":${this.proc.pid},"ts":0,"args":{"labels":${JSON.stringify(note)},"dropped_events":${dropped}}}`);
  }

  push(text: string): void {
    this.out.text(text);
    this.events++;
  }

  /** Hands everything written so far to the sink. */
  flush(): void {
    this.out.flush();
  }

  /** Ends the array; returns the number of events written. */
  close(): number {
    this.out.text(']\n');
    this.out.flush();
    return this.events;
  }
}

const DUR = ByteOut.encode(',"dur":');
const CLOSE = ByteOut.encode('}}');
const CLOSE_UNFINISHED = ByteOut.encode(',"unfinished":true}}');

export class ThreadJsonWriter {
  private readonly extractor: SliceExtractor;
  /** Per function id, `,"name":…,"cat":…,"args":{"file":…,"line":…,"col":…` as bytes. */
  private readonly fragments: Uint8Array[] = [];

  constructor(stream: ChromeJsonStream, readonly tid: number, name: string, private readonly functions: FunctionTable, offsetMs: number, flowBase: number, filters: WriteFilters, arrowIds: { next: number }) {
    const head = `"pid":${stream.proc.pid},"tid":${tid}`;
    stream.push(`,\n{"ph":"M","name":"thread_name",${head},"ts":0,"args":{"name":${JSON.stringify(name)}}}`);
    const out = stream.out;
    const sliceStart = ByteOut.encode(`,\n{"ph":"X",${head},"ts":`);
    const fragment = (id: number): Uint8Array => this.fragments[id] ?? (this.fragments[id] = ByteOut.encode(',' + functionFragment(this.functions, id)));
    const values = new SliceValues();
    this.extractor = new SliceExtractor(offsetMs, flowBase, filters, {
      slice(s: Slice) {
        out.raw(sliceStart);
        out.micros(s.startNs);
        out.raw(DUR);
        out.micros(s.endNs - s.startNs);
        out.raw(fragment(s.id));
        if (values.any) writeValues(out, values.take(s.depth, s.startNs));
        if (s.instance === 0) out.raw(s.unfinished ? CLOSE_UNFINISHED : CLOSE);
        else out.text(coroutineArgs(s));
        stream.events++;
      },
      wake(fromNs, toNs) {
        // v1 pairs: the slices already carry their instance chain in bind_id, and an X event has one.
        const common = `"cat":"wakeup","name":"wakes",${head},"id":${arrowIds.next++}`;
        stream.push(`,\n{"ph":"s",${common},"ts":${nsToMicros(fromNs)}}`);
        stream.push(`,\n{"ph":"f","bp":"e",${common},"ts":${nsToMicros(toNs)}}`);
      },
      leftOut(atNs, note) {
        stream.push(`,\n{"ph":"i","s":"t",${head},"ts":${nsToMicros(atNs)},"name":"panopticon: slices left out","args":{"note":${JSON.stringify(note)}}}`);
      },
      side(kind, value, atNs, depth) {
        values.side(kind, value, atNs, depth);
        const text = sideEventJson(kind, value, head, atNs);
        if (text !== null) stream.push(text);
      },
    }, functions.sideValues);
  }

  feed(codes: Int32Array, times: Float64Array, marks: Int32Array, from: number, to: number): void {
    this.extractor.feed(codes, times, marks, from, to);
  }

  finish(endNs: number): void {
    this.extractor.finish(endNs);
  }
}

/** Argument and return values (slice-values.ts) as more args of the slice. */
function writeValues(out: ByteOut, pairs: string[] | null): void {
  if (pairs === null) return;
  let text = '';
  for (let i = 0; i + 1 < pairs.length; i += 2) text += `,${JSON.stringify(pairs[i])}:${JSON.stringify(pairs[i + 1])}`;
  out.text(text);
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

