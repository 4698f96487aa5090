// From a thread's event stream to the slices a viewer shows: matches enters with exits, closes
// what an exception left open, applies the run-time filters, numbers each coroutine instance's
// slices and decides its flow arrows, and finds the wake-up arrows. Encoders (Chrome JSON, ...)
// only serialise what this hands them, in one pass.
import type { EventChunk } from './recorder';
import { msToNs } from './format';
import { Ended, INSTANCE_SHIFT, KIND_MASK } from './coroutine-kinds';

/** Perfetto stops nesting at 512 levels; deeper slices are left out (and counted). */
export const MAX_DEPTH = 512;

export interface WriteFilters {
  /** Deepest level kept, 1 being the outermost; never more than MAX_DEPTH. */
  maxDepth?: number;
  /** Slices shorter than this many microseconds are left out; their time stays in their parent. */
  minDurationUs?: number;
}

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
}

export interface SliceVisitor {
  slice(slice: Slice): void;
  /** A wake-up arrow from a point in the waker's last slice to a point in the woken one. */
  wake(fromNs: number, toNs: number): void;
  /** Slices the filters left out, said once per thread at the first one's time. */
  leftOut(atNs: number, note: string): void;
}

export interface ThreadEvents {
  chunks(): Array<Omit<EventChunk, 'marks'> & { marks?: Int32Array }>;
}

const NO_MARKS = new Int32Array(0);

/**
 * Visits every slice of one thread. Times are recorded ms + `offsetMs`; slices still open at
 * `endNs` end there, unfinished. Flow ids are `flowBase` + instance number.
 */
export function visitSlices(events: ThreadEvents, offsetMs: number, endNs: number, flowBase: number, filters: WriteFilters, visitor: SliceVisitor): void {
  const maxDepth = Math.min(filters.maxDepth ?? MAX_DEPTH, MAX_DEPTH);
  const minNs = Math.round((filters.minDurationUs ?? 0) * 1000);
  const seen = new GrowableCounts();
  const written = new GrowableCounts();
  const wakes = new WakePoints();
  const stackIds: number[] = [];
  const stackStarts: number[] = [];
  const stackMarks: number[] = [];
  const stackIndexes: number[] = [];
  const stackWakers: number[] = [];
  let waker = 0;
  let tooDeep = 0;
  let tooShort = 0;
  let firstLeftOut = -1;
  const out: Slice = { id: 0, startNs: 0, endNs: 0, unfinished: false, instance: 0, index: 0, resumed: 0, ended: 0, flowIn: false, flowOut: false, flowId: 0 };

  const close = (atNs: number, endMark: number, unfinished: boolean): void => {
    const depth = stackIds.length;
    const id = stackIds.pop()!;
    const startNs = stackStarts.pop()!;
    const mark = stackMarks.pop()!;
    const index = stackIndexes.pop()!;
    const wokenBy = stackWakers.pop()!;
    const sliceEnd = Math.max(atNs, startNs);
    if (depth > maxDepth || (!unfinished && sliceEnd - startNs < minNs)) {
      if (depth > maxDepth) tooDeep++;
      else tooShort++;
      if (firstLeftOut < 0) firstLeftOut = startNs;
      return;
    }
    out.id = id;
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
      out.flowIn = written.next(co) > 0;
      out.flowOut = !unfinished && out.ended !== 0 && out.ended !== Ended.Return && out.ended !== Ended.Throw;
      out.flowId = flowBase + co;
      if (wokenBy !== 0) {
        const from = wakes.pointIn(wokenBy);
        if (from !== 0) visitor.wake(from, Math.max(Math.min(startNs + 1, sliceEnd), from));
      }
      if (endMark !== 0) wakes.sliceEnded(co, startNs, sliceEnd);
    }
    visitor.slice(out);
  };

  for (const chunk of events.chunks()) {
    const { codes, times, length } = chunk;
    const marks = chunk.marks ?? NO_MARKS;
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code > 0) {
        const mark = marks[i] ?? 0;
        stackIds.push(code);
        stackStarts.push(msToNs(times[i] + offsetMs));
        stackMarks.push(mark);
        stackIndexes.push(mark === 0 ? 0 : seen.next(mark >>> INSTANCE_SHIFT));
        stackWakers.push(mark === 0 ? 0 : waker);
        if (mark !== 0) waker = 0;
      } else if (code === 0) {
        waker = (marks[i] ?? 0) >>> INSTANCE_SHIFT;
      } else {
        // Frames above the one exiting were left by an exception that skipped their exit hook.
        const atNs = msToNs(times[i] + offsetMs);
        while (stackIds.length > -code) close(atNs, Ended.Throw, false);
        if (stackIds.length === -code) close(atNs, marks[i] ?? 0, false);
      }
    }
  }
  while (stackIds.length > 0) close(endNs, 0, true);
  if (tooDeep + tooShort > 0) {
    const reasons = [
      ...(tooDeep > 0 ? [`${tooDeep} nested deeper than ${maxDepth} levels${maxDepth === MAX_DEPTH ? ' (Perfetto shows no more)' : ''}`] : []),
      ...(tooShort > 0 ? [`${tooShort} shorter than ${filters.minDurationUs} us`] : []),
    ];
    visitor.leftOut(firstLeftOut, `slices left out: ${reasons.join('; ')}`);
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
