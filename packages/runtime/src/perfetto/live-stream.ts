// A process's trace as a .pftrace written while the program runs: the Perfetto counterpart of
// ChromeJsonStream (chrome-json.ts), with the same shape (thread writers fed as events are drained,
// flush() after each drain, close() at the end), so every place that streams JSON streams this.
// After every flush the file is a whole trace of what was drained: whole packets, nothing that
// needs a later packet to be read.
import { flowBaseOf, MAX_DEPTH } from '../slices';
import { msToNs } from '../format';
import type { FunctionTable } from '../function-table';
import type { ProcessMeta } from '../chrome-json';
import type { ThreadSink } from '../arena-stream';
import { Ann, EventType, PerfettoWriter, annotateString, flowOffsetOf, type ByteSink, type PatchSink, type Sequence } from './writer';
import { LiveEncoder } from './live-encoder';
import { RuntimeFunctions } from './runtime-functions';
import { CounterSamples, ThreadCustomEvents } from './custom-events';
import { ThreadSlices } from './thread-slices';

/** Whether a recording with these settings can be streamed as .pftrace (live-encoder.ts says why not). */
export function canStreamPerfetto(settings: { minDurationUs?: number; wakeups?: boolean }): boolean {
  return !(settings.minDurationUs && settings.minDurationUs > 0) && !settings.wakeups;
}

export class PerfettoStream {
  readonly file: PerfettoWriter;
  private readonly processTrack: number;
  private readonly counters = new CounterSamples();
  private readonly threads: LiveThread[] = [];
  private readonly flowOffset: number;

  /** `block`: this file's ids, when files are concatenated (see writer.ts). */
  constructor(readonly proc: ProcessMeta, sink: ByteSink, patch: PatchSink, block = 0) {
    this.file = new PerfettoWriter(sink, patch, block);
    this.flowOffset = flowOffsetOf(block);
    this.processTrack = this.file.processTrack(proc.pid, proc.name);
  }

  thread(tid: number, name: string, functions: FunctionTable, offsetMs: number): ThreadSink {
    const thread = new LiveThread(this, this.processTrack, tid, name, functions, offsetMs, this.flowOffset + flowBaseOf(this.threads.length));
    this.threads.push(thread);
    return thread;
  }

  /** Another name for a thread already added (a worker named after it started). */
  renameThread(tid: number, name: string): void {
    for (const thread of this.threads) if (thread.tid === tid) thread.rename(name);
  }

  /** Says on the first thread's track, at its start, how many older events a ring buffer let go. */
  noteDropped(dropped: number, note: string): void {
    const first = this.threads.find((t) => t.sequence !== null);
    if (!first?.sequence) return;
    const w = first.sequence.beginAt(EventType.Instant, first.startNs);
    w.stringField(23, 'panopticon: events dropped');
    annotateString(w, Ann.Note, `${note} (${dropped} events)`);
    first.sequence.end();
  }

  /** Hands everything written so far to the sink (with the counter samples taken since the last time). */
  flush(): void {
    this.counters.writeNew(this.file, this.processTrack);
    this.file.flush();
  }

  /** Writes what is left; returns the number of track events written. */
  close(): number {
    this.flush();
    return this.file.events;
  }

  /** For LiveThread. */
  newCustom(name: string, store: ThreadSlices): ThreadCustomEvents {
    return new ThreadCustomEvents(name, store, this.counters);
  }
}

class LiveThread implements ThreadSink {
  sequence: Sequence | null = null;
  startNs = 0;
  private encoder: LiveEncoder | null = null;
  private readonly custom: ThreadCustomEvents;
  /** Instants pass through it: each is written as it comes. */
  private readonly store = new ThreadSlices(16);

  constructor(
    private readonly stream: PerfettoStream,
    private readonly processTrack: number,
    readonly tid: number,
    name: string,
    private readonly functions: FunctionTable,
    private readonly offsetMs: number,
    private readonly flowBase: number,
  ) {
    this.custom = stream.newCustom(name, this.store);
  }

  feed(codes: Int32Array, times: Float64Array, marks: Int32Array, from: number, to: number): void {
    if (to <= from) return;
    this.encoderFrom(msToNs(times[from] + this.offsetMs)).feedBatch(codes, times, marks, from, to, this.offsetMs);
  }

  finish(endNs: number): void {
    this.encoderFrom(endNs).finish(endNs);
  }

  rename(name: string): void {
    this.custom.name = name;
    if (this.sequence) this.describe();
  }

  private encoderFrom(startNs: number): LiveEncoder {
    if (this.encoder) return this.encoder;
    const { file, proc } = this.stream;
    this.startNs = startNs;
    const seq = (this.sequence = file.thread(this.processTrack, proc.pid, this.tid, this.custom.name, startNs));
    const maxDepth = Math.min(proc.filters?.maxDepth ?? MAX_DEPTH, MAX_DEPTH);
    return (this.encoder = new LiveEncoder(file, seq, new RuntimeFunctions(this.functions, seq.id, proc.filters?.locations), this.flowBase, this.store, this.custom, this.functions.sideValues ?? [], maxDepth, () => this.describe()));
  }

  private describe(): void {
    if (this.sequence) this.stream.file.threadDescriptor(this.sequence, this.processTrack, this.stream.proc.pid, this.tid, this.custom.name);
  }
}
