// Streams a process's arena into its trace while the program runs: each drain() hands every
// thread's newly recorded events to that thread's writer, in the order the thread recorded them,
// and gives full chunks back to the arena for reuse, so memory stays bounded however long the
// program runs. The main thread drains on a timer, when it needs a new chunk itself, and at exit.
import { FunctionTable } from './function-table';
import { releaseValues } from './side-values';
import { Arena, RECORD_MODULE, RECORD_SIDE_VALUE, RECORD_THREAD_NAME, RECORD_THREAD_ORIGIN, addSideValue } from './arena';

/** What the stream needs of a thread's writer (ThreadJsonWriter, or another format's). */
export interface ThreadSink {
  feed(codes: Int32Array, times: Float64Array, marks: Int32Array, from: number, to: number): void;
  finish(endNs: number): void;
}

export type ThreadSinkFactory = (tid: number, name: string, functions: FunctionTable, timeOrigin: number) => ThreadSink;

interface Pending {
  index: number;
  seq: number;
  slot: number;
}

/** A chunk a ring-buffered stream holds back: its index, claim, and how far it is written. */
interface Kept {
  index: number;
  seq: number;
  to: number;
}

export class ArenaStream {
  private recordOffset = 0;
  private readonly tables: FunctionTable[] = [];
  private readonly origins: number[] = [];
  private readonly names = new Map<number, string>();
  private readonly sinks: ThreadSink[] = [];
  /** Per chunk: the claim it was last read under, and how far. */
  private readonly readSeq: Int32Array;
  private readonly readTo: Int32Array;
  private readonly chunkEvents: number;
  /** Ring-buffer mode: per thread, the chunks held back, oldest first. */
  private readonly kept: Kept[][] = [];
  /**
   * Per thread: side values known before the previous drain read its records. Their events were
   * recorded just after them, so by the end of this drain they are written: the payloads can go.
   */
  private sideKnown: number[] = [];
  private readonly sideReleased: number[] = [];
  /** Events a ring buffer let go (older than the newest `keepNewest` of their thread). */
  dropped = 0;

  /**
   * `keepNewest` > 0 is ring-buffer mode: nothing is written until finish(), and each thread keeps
   * only its newest `keepNewest` events (older chunks go back to the arena as they fill).
   */
  constructor(private readonly arena: Arena, private readonly newSink: ThreadSinkFactory, private readonly rename: (tid: number, name: string) => void, private readonly keepNewest = 0) {
    this.chunkEvents = arena.buffers.chunkEvents;
    this.readSeq = new Int32Array(arena.maxChunks);
    this.readTo = new Int32Array(arena.maxChunks);
  }

  /** Writes out everything recorded since the last drain. */
  drain(): void {
    // Snapshot how far each chunk is written first, then read the records: a function's table
    // record is complete before any event of it is written, so every event read has its name.
    const pending: Pending[] = [];
    const filled = new Map<number, number>();
    for (let index = 0, n = this.arena.claimedChunks(); index < n; index++) {
      const slot = this.arena.ownerOf(index);
      if (slot < 0) continue;
      pending.push({ index, seq: this.arena.claimSeq(index), slot });
      filled.set(index, this.arena.filledLength(index));
    }
    const known = this.tables.map((t) => t?.sideValues.length ?? 0);
    this.readRecords();
    pending.sort((a, b) => a.seq - b.seq);
    for (const { index, seq, slot } of pending) {
      const to = filled.get(index)!;
      if (this.keepNewest > 0) {
        this.hold(slot, index, seq, to);
        continue;
      }
      const from = this.readSeq[index] === seq ? this.readTo[index] : 0;
      if (to > from) {
        const { codes, times, marks } = this.arena.chunkArrays(index);
        this.sinkOf(slot).feed(codes, times, marks, from, to);
      }
      this.readSeq[index] = seq;
      this.readTo[index] = to;
      // A full chunk is one its thread has left for the next: give it back.
      if (to === this.chunkEvents) {
        this.readSeq[index] = 0;
        this.arena.freeChunk(index);
      }
    }
    if (this.keepNewest === 0) {
      this.sideKnown.forEach((upTo, slot) => {
        releaseValues(this.tables[slot].sideValues, this.sideReleased[slot] ?? 0, upTo);
        this.sideReleased[slot] = Math.max(this.sideReleased[slot] ?? 0, upTo);
      });
      this.sideKnown = known;
    }
  }

  /** Closes every thread's open slices at `endNs` (after a last drain). */
  finish(endNs: number): void {
    if (this.keepNewest > 0) this.writeHeld();
    for (const sink of this.sinks) sink?.finish(endNs);
  }

  /** Ring-buffer mode: notes how far a chunk is written; lets the oldest go past the limit. */
  private hold(slot: number, index: number, seq: number, to: number): void {
    const held = (this.kept[slot] ??= []);
    const known = held.find((k) => k.index === index && k.seq === seq);
    if (known) known.to = to;
    else held.push({ index, seq, to });
    let total = held.reduce((n, k) => n + k.to, 0);
    while (held.length > 1 && total - held[0].to >= this.keepNewest) {
      const oldest = held.shift()!;
      total -= oldest.to;
      this.dropped += oldest.to;
      this.arena.freeChunk(oldest.index);
    }
  }

  /** Ring-buffer mode, at the end: each thread's newest `keepNewest` events, in order. */
  private writeHeld(): void {
    this.kept.forEach((held, slot) => {
      let skip = Math.max(0, held.reduce((n, k) => n + k.to, 0) - this.keepNewest);
      this.dropped += skip;
      for (const { index, to } of held) {
        const from = Math.min(skip, to);
        skip -= from;
        if (to > from) {
          const { codes, times, marks } = this.arena.chunkArrays(index);
          this.sinkOf(slot).feed(codes, times, marks, from, to);
        }
      }
    });
  }

  private sinkOf(slot: number): ThreadSink {
    let sink = this.sinks[slot];
    if (!sink) {
      const tid = this.arena.tidOf(slot);
      sink = this.sinks[slot] = this.newSink(tid, this.nameOf(tid), this.tableOf(slot), this.origins[slot] ?? 0);
    }
    return sink;
  }

  private nameOf(tid: number): string {
    return this.names.get(tid) ?? (tid === 1 ? 'main' : `worker ${tid - 1}`);
  }

  private tableOf(slot: number): FunctionTable {
    return (this.tables[slot] ??= new FunctionTable());
  }

  private readRecords(): void {
    this.recordOffset = this.arena.readRecords(this.recordOffset, (slot, kind, value) => {
      if (kind === RECORD_MODULE) this.tableOf(slot).register(...(value as [string, Array<string | number>]));
      else if (kind === RECORD_THREAD_ORIGIN) this.origins[slot] = value as number;
      else if (kind === RECORD_SIDE_VALUE) addSideValue(this.tableOf(slot), value);
      else if (kind === RECORD_THREAD_NAME) {
        const [tid, name] = value as [number, string];
        const known = this.sinks.some((s, i) => s && this.arena.tidOf(i) === tid);
        this.names.set(tid, name);
        if (known) this.rename(tid, name);
      }
    });
  }
}
