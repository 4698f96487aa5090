// One thread's slices, kept in columns (no object per slice) until the thread is complete, then
// written as SLICE_BEGIN / SLICE_END pairs in time order: incremental timestamps cannot go back,
// and the slices arrive as they end (children before their parent).
//
// Arrows given as points in time (wake-ups, JSON v1 flow events) bind to the slice a viewer binds
// them to (check-trace's deepestAt: the last slice begun at or before the point that still holds
// it), and go on that slice's SLICE_END.
import { EventType, type Sequence } from './writer';
import type { ByteWriter } from './bytes';

export const enum FlowMode {
  None = 0,
  /** The slice starts or continues the flow. */
  Out = 1,
  /** The flow ends at the slice. */
  In = 2,
}

/** Writes what is particular to a slice or an instant: its name (interned) and args. */
export interface SliceFields {
  slice(seq: Sequence, w: ByteWriter, store: ThreadSlices, i: number): void;
  instant(seq: Sequence, w: ByteWriter, store: ThreadSlices, i: number): void;
}

export class ThreadSlices {
  count = 0;
  start: Float64Array;
  end: Float64Array;
  /** Four numbers whose meaning is the producer's (a name, args...). */
  a: Int32Array;
  b: Float64Array;
  c: Int32Array;
  d: Int32Array;
  flowId: Float64Array;
  flowMode: Uint8Array;
  /** Flow points: time, flow id, whether the flow ends there. */
  readonly pointNs: number[] = [];
  readonly pointFlow: number[] = [];
  readonly pointEnds: boolean[] = [];
  /** Instants: time and a producer's integer. */
  instantNs: number[] = [];
  instantKey: number[] = [];

  /** `capacity`: the slices expected (more may be added; growing copies every column). */
  constructor(capacity = 1024) {
    const n = Math.max(16, capacity);
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.a = new Int32Array(n);
    this.b = new Float64Array(n);
    this.c = new Int32Array(n);
    this.d = new Int32Array(n);
    this.flowId = new Float64Array(n);
    this.flowMode = new Uint8Array(n);
  }

  add(startNs: number, endNs: number, a: number, b: number, c: number, d: number, flowId: number, flowMode: FlowMode): void {
    const i = this.count;
    if (i === this.start.length) this.grow();
    this.start[i] = startNs;
    this.end[i] = endNs;
    this.a[i] = a;
    // Slots are written once, in fresh (zeroed) arrays: zeros need no write, and columns that
    // stay zero (a plain call's args and flows) are never touched, their pages never mapped.
    if (b !== 0) this.b[i] = b;
    if (c !== 0) this.c[i] = c;
    if (d !== 0) this.d[i] = d;
    if (flowId !== 0) this.flowId[i] = flowId;
    if (flowMode !== FlowMode.None) this.flowMode[i] = flowMode;
    this.count = i + 1;
  }

  point(ns: number, flowId: number, ends: boolean): void {
    this.pointNs.push(ns);
    this.pointFlow.push(flowId);
    this.pointEnds.push(ends);
  }

  instant(ns: number, key: number): void {
    this.instantNs.push(ns);
    this.instantKey.push(key);
  }

  /** The earliest time anything happens on the thread (0 if nothing). */
  firstNs(order: Uint32Array): number {
    let first = this.count > 0 ? this.start[order[0]] : Infinity;
    for (const ns of this.instantNs) first = Math.min(first, ns);
    for (const ns of this.pointNs) first = Math.min(first, ns);
    return first === Infinity ? 0 : first;
  }

  /**
   * Begin order when slices were added as they ended, each after its descendants (a thread's
   * recording). A subtree is a contiguous block ending at its root in that order, and the same
   * block in begin order, there led by its root: a slice's place is the start of its block plus
   * its depth (each ancestor comes first in the block too).
   */
  orderFromEndOrder(): Uint32Array {
    const n = this.count;
    const order = new Uint32Array(n);
    const roots = new Int32Array(n);
    const blockStart = new Int32Array(n);
    const parent = new Int32Array(n).fill(-1);
    let top = 0;
    for (let i = 0; i < n; i++) {
      let lo = i;
      // Blocks ended earlier that began at or after this slice lie inside it.
      while (top > 0 && this.start[roots[top - 1]] >= this.start[i]) {
        const child = roots[--top];
        parent[child] = i;
        lo = blockStart[child];
      }
      blockStart[i] = lo;
      roots[top++] = i;
    }
    // Parents come after their children: from the last slice back, depths are known in time.
    const depth = roots; // reused: no longer needed
    for (let i = n - 1; i >= 0; i--) {
      depth[i] = parent[i] < 0 ? 0 : depth[parent[i]] + 1;
      order[blockStart[i] + depth[i]] = i;
    }
    return order;
  }

  /** Begin order for slices in any order: by start, longer first, then as added (as viewers sort X). */
  orderByStart(): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const { start, end } = this;
    return order.sort((x, y) => start[x] - start[y] || end[y] - start[y] - (end[x] - start[x]) || x - y);
  }

  /** Writes every slice, instant and flow to `seq`, in time order; returns the events written. */
  write(seq: Sequence, order: Uint32Array, fields: SliceFields): number {
    const { start, end, flowId, flowMode } = this;
    const points = sortedIndex(this.pointNs);
    const instants = sortedIndex(this.instantNs);
    const stack = new Int32Array(Math.min(this.count, 1 << 16) + 1);
    let stackArr: Int32Array = stack;
    let top = 0;
    let p = 0;
    let q = 0;
    let events = 0;
    /** Flow points bound to open slices, by slice: [flow id, ends] pairs. */
    const bound = new Map<number, Array<number | boolean>>();

    const endSlice = (i: number): void => {
      seq.begin(EventType.End, end[i]);
      const mode = flowMode[i];
      if (mode !== FlowMode.None) seq.flow(flowId[i], mode === FlowMode.In);
      const extra = bound.get(i);
      if (extra !== undefined) {
        for (let k = 0; k < extra.length; k += 2) seq.flow(extra[k] as number, extra[k + 1] as boolean);
        bound.delete(i);
      }
      seq.end();
      events++;
    };
    const bindPoint = (k: number): void => {
      const ns = this.pointNs[k];
      for (let d = top - 1; d >= 0; d--) {
        const i = stackArr[d];
        if (end[i] >= ns) {
          let list = bound.get(i);
          if (list === undefined) bound.set(i, (list = []));
          list.push(this.pointFlow[k], this.pointEnds[k]);
          return;
        }
      }
      // binds to no slice: viewers drop such an arrow too
    };
    const writeInstant = (k: number): void => {
      const w = seq.begin(EventType.Instant, this.instantNs[k]);
      fields.instant(seq, w, this, this.instantKey[k]);
      seq.end();
      events++;
    };

    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      const s = start[i];
      while (p < points.length && this.pointNs[points[p]] < s) bindPoint(points[p++]);
      while (top > 0 && end[stackArr[top - 1]] <= s) {
        const j = stackArr[--top];
        while (q < instants.length && this.instantNs[instants[q]] < end[j]) writeInstant(instants[q++]);
        endSlice(j);
      }
      while (q < instants.length && this.instantNs[instants[q]] < s) writeInstant(instants[q++]);
      // A slice that outlives the one it began in is cut at its end (JSON input only).
      if (top > 0 && end[i] > end[stackArr[top - 1]]) end[i] = end[stackArr[top - 1]];
      const w = seq.begin(EventType.Begin, s);
      fields.slice(seq, w, this, i);
      seq.end();
      events++;
      if (top === stackArr.length) {
        const grown = new Int32Array(stackArr.length * 2);
        grown.set(stackArr);
        stackArr = grown;
      }
      stackArr[top++] = i;
    }
    while (p < points.length) bindPoint(points[p++]);
    while (top > 0) {
      const j = stackArr[--top];
      while (q < instants.length && this.instantNs[instants[q]] < end[j]) writeInstant(instants[q++]);
      endSlice(j);
    }
    while (q < instants.length) writeInstant(instants[q++]);
    return events;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const g = new Float64Array(size);
      g.set(a);
      return g;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const g = new Int32Array(size);
      g.set(a);
      return g;
    };
    this.start = f64(this.start);
    this.end = f64(this.end);
    this.a = i32(this.a);
    this.b = f64(this.b);
    this.c = i32(this.c);
    this.d = i32(this.d);
    this.flowId = f64(this.flowId);
    const modes = new Uint8Array(size);
    modes.set(this.flowMode);
    this.flowMode = modes;
  }
}

/** Indexes of `values` in ascending order of value (stable). */
function sortedIndex(values: number[]): number[] {
  const index = values.map((_, i) => i);
  return index.sort((x, y) => values[x] - values[y] || x - y);
}
