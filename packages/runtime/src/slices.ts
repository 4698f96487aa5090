// From a thread's event stream to the slices a viewer shows: matches enters with exits, closes
// what an exception left open, applies the run-time filters, numbers each coroutine instance's
// slices and decides its flow arrows, and finds the wake-up arrows. Encoders (Chrome JSON, ...)
// only serialise what this hands them, in one pass.
import type { EventChunk } from './recorder';
import { msToNs } from './format';
import { Ended, INSTANCE_SHIFT, KIND_MASK, WOKEN } from './coroutine-kinds';
import { SIDE_SHIFT } from './side-events';

/** Perfetto stops nesting at 512 levels; deeper slices are left out (and counted). */
export const MAX_DEPTH = 512;

export interface WriteFilters {
  /** Deepest level kept, 1 being the outermost; never more than MAX_DEPTH. */
  maxDepth?: number;
  /** Slices shorter than this many microseconds are left out; their time stays in their parent. */
  minDurationUs?: number;
  /** How a .pftrace carries each slice's file, line and col (SliceLocations); JSON always has them as args. */
  locations?: SliceLocations;
}

/**
 * Where a .pftrace puts a slice's location: `args`, debug annotations on every slice, as the JSON
 * (what every reader shows, check-trace included; about 2/3 of the bytes); `interned`, Perfetto's
 * own source locations, interned once per function (Perfetto UI shows file and line; no column;
 * readers of debug annotations see none); `none`, names only.
 */
export type SliceLocations = 'args' | 'interned' | 'none';
export const SLICE_LOCATIONS: readonly SliceLocations[] = ['args', 'interned', 'none'];

/** One slice. The visitor gets the same object each time: copy what it keeps. */
export interface Slice {
  /** Function id (name and position in the thread's function table). */
  id: number;
  startNs: number;
  endNs: number;
  /** Still open when the trace ended. */
  unfinished: boolean;
  /** 0 for a plain call; for a coroutine slice, its instance number. */
  instance: number;
  /** Index within the instance, how it was resumed and how it ended (coroutine-kinds.ts; 0: not known). */
  index: number;
  resumed: number;
  ended: number;
  /** Flow: the instance's chain comes into this slice / goes on from it; its id. */
  flowIn: boolean;
  flowOut: boolean;
  flowId: number;
  /** Nesting level, 1 being the outermost (side events name theirs the same way). */
  depth: number;
}

export interface SliceVisitor {
  slice(slice: Slice): void;
  /** A wake-up arrow from a point in the waker's last slice to a point in the woken one. */
  wake(fromNs: number, toNs: number): void;
  /** Slices the filters left out, said once per thread at the first one's time. */
  leftOut(atNs: number, note: string): void;
  /**
   * A side event (side-events.ts; not WOKEN) and its payload from the thread's side values
   * (undefined if unknown), at `depth` open slices. Kinds the visitor does not know: ignore them.
   */
  side?(kind: number, value: unknown, atNs: number, depth: number): void;
}

export interface ThreadEvents {
  chunks(): Array<Omit<EventChunk, 'marks'> & { marks?: Int32Array }>;
}

const NO_MARKS = new Int32Array(0);
const NO_VALUES: ArrayLike<unknown> = [];

/**
 * Visits every slice of one thread. Times are recorded ms + `offsetMs`; slices still open at
 * `endNs` end there, unfinished. Flow ids are `flowBase` + instance number.
 */
export function visitSlices(events: ThreadEvents, offsetMs: number, endNs: number, flowBase: number, filters: WriteFilters, visitor: SliceVisitor, sideValues?: ArrayLike<unknown>): void {
  const extractor = new SliceExtractor(offsetMs, flowBase, filters, visitor, sideValues);
  for (const chunk of events.chunks()) extractor.feed(chunk.codes, chunk.times, chunk.marks ?? NO_MARKS, 0, chunk.length);
  extractor.finish(endNs);
}

/**
 * The same, fed piece by piece: a streaming writer feeds each new stretch of events as it is
 * recorded, and the slices come out as they close. What is still open waits for later feeds.
 */
export class SliceExtractor {
  private readonly maxDepth: number;
  private readonly minNs: number;
  private readonly seen = new GrowableCounts();
  private readonly written = new GrowableCounts();
  private readonly wakes = new WakePoints();
  private readonly stackIds: number[] = [];
  private readonly stackStarts: number[] = [];
  private readonly stackMarks: number[] = [];
  private readonly stackIndexes: number[] = [];
  private readonly stackWakers: number[] = [];
  private waker = 0;
  private tooDeep = 0;
  private tooShort = 0;
  private firstLeftOut = -1;
  private readonly out: Slice = { id: 0, startNs: 0, endNs: 0, unfinished: false, instance: 0, index: 0, resumed: 0, ended: 0, flowIn: false, flowOut: false, flowId: 0, depth: 0 };

  /** `sideValues`: the thread's side-event payloads (FunctionTable.sideValues), read as events come. */
  constructor(private readonly offsetMs: number, private readonly flowBase: number, private readonly filters: WriteFilters, private readonly visitor: SliceVisitor, private readonly sideValues: ArrayLike<unknown> = NO_VALUES) {
    this.maxDepth = Math.min(filters.maxDepth ?? MAX_DEPTH, MAX_DEPTH);
    this.minNs = Math.round((filters.minDurationUs ?? 0) * 1000);
  }

  /** Events [from, to) of one chunk's arrays. */
  feed(codes: Int32Array, times: Float64Array, marks: Int32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const code = codes[i];
      if (code > 0) {
        const mark = marks[i] ?? 0;
        this.stackIds.push(code);
        this.stackStarts.push(msToNs(times[i] + this.offsetMs));
        this.stackMarks.push(mark);
        this.stackIndexes.push(mark === 0 ? 0 : this.seen.next(mark >>> INSTANCE_SHIFT));
        this.stackWakers.push(mark === 0 ? 0 : this.waker);
        if (mark !== 0) this.waker = 0;
      } else if (code === 0) {
        const mark = marks[i] ?? 0;
        const kind = mark & KIND_MASK;
        if (kind === WOKEN || kind === 0) this.waker = mark >>> INSTANCE_SHIFT;
        else if (this.visitor.side !== undefined) this.visitor.side(kind, this.sideValues[mark >>> SIDE_SHIFT], msToNs(times[i] + this.offsetMs), this.stackIds.length);
      } else {
        // Frames above the one exiting were left by an exception that skipped their exit hook.
        const atNs = msToNs(times[i] + this.offsetMs);
        while (this.stackIds.length > -code) this.close(atNs, Ended.Throw, false);
        if (this.stackIds.length === -code) this.close(atNs, marks[i] ?? 0, false);
      }
    }
  }

  /** Closes what is still open at `endNs`, unfinished, and says what the filters left out. */
  finish(endNs: number): void {
    while (this.stackIds.length > 0) this.close(endNs, 0, true);
    if (this.tooDeep + this.tooShort > 0) {
      const reasons = [
        ...(this.tooDeep > 0 ? [`${this.tooDeep} nested deeper than ${this.maxDepth} levels${this.maxDepth === MAX_DEPTH ? ' (Perfetto shows no more)' : ''}`] : []),
        ...(this.tooShort > 0 ? [`${this.tooShort} shorter than ${this.filters.minDurationUs} us`] : []),
      ];
      this.visitor.leftOut(this.firstLeftOut, `slices left out: ${reasons.join('; ')}`);
    }
  }

  private close(atNs: number, endMark: number, unfinished: boolean): void {
    const depth = this.stackIds.length;
    const id = this.stackIds.pop()!;
    const startNs = this.stackStarts.pop()!;
    const mark = this.stackMarks.pop()!;
    const index = this.stackIndexes.pop()!;
    const wokenBy = this.stackWakers.pop()!;
    const sliceEnd = Math.max(atNs, startNs);
    if (depth > this.maxDepth || (!unfinished && sliceEnd - startNs < this.minNs)) {
      if (depth > this.maxDepth) this.tooDeep++;
      else this.tooShort++;
      // The note goes where the first slice left out began (a streamed writer knows that first).
      if (this.firstLeftOut < 0 || startNs < this.firstLeftOut) this.firstLeftOut = startNs;
      return;
    }
    const out = this.out;
    out.id = id;
    out.depth = depth;
    out.startNs = startNs;
    out.endNs = sliceEnd;
    out.unfinished = unfinished;
    out.instance = mark >>> INSTANCE_SHIFT;
    out.index = index;
    out.resumed = mark & KIND_MASK;
    out.ended = endMark & KIND_MASK;
    out.flowIn = out.flowOut = false;
    if (mark !== 0) {
      const co = out.instance;
      // In from the instance's previous slice if one was written; out to its next one if it
      // suspended (an instance that never resumes leaves a dangling arrow, which viewers drop).
      out.flowIn = this.written.next(co) > 0;
      out.flowOut = !unfinished && out.ended !== 0 && out.ended !== Ended.Return && out.ended !== Ended.Throw && out.ended !== Ended.Settled;
      out.flowId = this.flowBase + co;
      if (wokenBy !== 0) {
        const from = this.wakes.pointIn(wokenBy);
        if (from !== 0) this.visitor.wake(from, Math.max(Math.min(startNs + 1, sliceEnd), from));
      }
      if (endMark !== 0) this.wakes.sliceEnded(co, startNs, sliceEnd);
    }
    this.visitor.slice(out);
  }
}

/**
 * Flow ids: a thread's own instance numbers for the first thread (so a one-thread trace's chains
 * are its instance numbers), and disjoint ranges above 2^40 for the others (instance numbers stay
 * below 2^28, and ids below 2^53).
 */
export function flowBaseOf(threadIndex: number): number {
  return threadIndex === 0 ? 0 : 2 ** 40 + threadIndex * 2 ** 30;
}

/** A count per instance: slices seen (a slice's index within its instance), or written. */
class GrowableCounts {
  private counts = new Int32Array(1024);
  /** The count before this call; counts one more. */
  next(co: number): number {
    if (co >= this.counts.length) {
      const grown = new Int32Array(Math.max(co + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    return this.counts[co]++;
  }
}

/**
 * Where a wake-up arrow leaves: 1 ns before the end of the waker's latest slice, so it binds to
 * that slice and not to a neighbour that touches it (and arrives 1 ns into the woken slice).
 */
class WakePoints {
  private points = new Float64Array(1024);
  sliceEnded(co: number, startNs: number, endNs: number): void {
    if (co >= this.points.length) {
      const grown = new Float64Array(Math.max(co + 1, this.points.length * 2));
      grown.set(this.points);
      this.points = grown;
    }
    this.points[co] = Math.max(startNs, endNs - 1);
  }
  /** 0: the waker has no finished slice in the trace. */
  pointIn(co: number): number {
    return co < this.points.length ? this.points[co] : 0;
  }
}
