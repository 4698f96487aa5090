// The runtime's slices as SLICE_BEGIN / SLICE_END packets, written in one loop straight into the
// file's byte buffer: what ThreadSlices.write + Sequence.begin/end do for any producer (the
// converter's), specialised for the recorder's slices, written on a program's way out. Per
// packet: one capacity check, varints written in place, the function's name_iid and file/line/col
// annotations copied from bytes encoded once per function; nothing allocated per event.
//
// Bytes of a begin packet: 0a LEN | 5a LEN 48 01 <function's fields> [coroutine args] |
// [interned name, first use only] | 50 SEQ | 40 Δts: for a plain call all but the timestamp is
// one copy of bytes made once per function. An end packet: 0a LEN | 5a LEN 48 02 [flow ids] |
// 50 SEQ | 40 Δts. The timestamp comes last (field order is free in protobuf). No sequence_flags:
// only the sequence's first packet (which clears the state) needs them; Perfetto reads interned
// names and defaults on a packet without them.
import { message } from './bytes';
import { EventType, FLUSH_AT, type PerfettoWriter, type Sequence } from './writer';
import { FlowMode, type ThreadSlices } from './thread-slices';
import { close, flow } from './in-place';
import { PacketEncoder, PLAIN_BEGIN_ROOM, openTrackEvent, SHORT_END_ROOM, plainBeginPacket, shortEndPacket } from './packets';
import type { RuntimeFunctions } from './runtime-functions';
import { annotateValues } from './value-annotations';

/** Room asked for each packet beyond its function's bytes and its flows. */
const SLACK = 128;


/**
 * Writes a thread's slices (as process-writer.ts stores them: a = function id, b = index in its
 * instance, c = resumed | ended << 4 | unfinished << 8, d = instance), its flow points and
 * left-out instants to `seq`, in time order; returns the track events written.
 */
export function writeRuntimeSlices(
  file: PerfettoWriter,
  seq: Sequence,
  store: ThreadSlices,
  order: Uint32Array,
  functions: RuntimeFunctions,
  values: ReadonlyMap<number, string[]>,
  instant: (seq: Sequence, key: number, ns: number) => void,
): number {
  return new SliceEncoder(file, seq, store, functions, values, instant).run(order);
}

/** One thread's writing: the loop's state in fields (a class V8 inlines the methods of). */
class SliceEncoder extends PacketEncoder {
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private readonly points: number[];
  private readonly instants: number[];
  /** Flow points bound to a slice not yet ended: [flow id, ends] pairs, by slice. */
  private readonly bound = new Map<number, Array<number | boolean>>();
  private readonly hasBound: Uint8Array;
  private stack: Int32Array;
  private top = 0;
  /** Instants written. */
  private q = 0;

  constructor(
    file: PerfettoWriter,
    seq: Sequence,
    private readonly store: ThreadSlices,
    private readonly functions: RuntimeFunctions,
    /** Argument and return values (--args) by slice: annotations of its begin packet. */
    private readonly values: ReadonlyMap<number, string[]>,
    private readonly instant: (seq: Sequence, key: number, ns: number) => void,
  ) {
    super(file, seq);
    this.start = store.start;
    this.end = store.end;
    this.points = sortedIndex(store.pointNs);
    this.instants = sortedIndex(store.instantNs);
    this.hasBound = new Uint8Array(this.points.length > 0 ? store.count : 0);
    this.stack = new Int32Array(Math.min(store.count, 1 << 16) + 1);
  }

  run(order: Uint32Array): number {
    const { start, end, points, instants } = this;
    const { pointNs, instantNs } = this.store;
    // The stack of open slices lives in locals here; bindPoint reads it from the fields.
    let stack = this.stack;
    let top = 0;
    let p = 0;
    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      const s = start[i];
      if (p < points.length && pointNs[points[p]] < s) {
        this.top = top;
        while (p < points.length && pointNs[points[p]] < s) this.bindPoint(points[p++]);
      }
      while (top > 0 && end[stack[top - 1]] <= s) {
        const j = stack[--top];
        if (this.q < instants.length && instantNs[instants[this.q]] < end[j]) this.writeInstantsBefore(end[j]);
        this.endSlice(j);
      }
      if (this.q < instants.length && instantNs[instants[this.q]] < s) this.writeInstantsBefore(s);
      // A slice that outlives the one it began in is cut at its end (as ThreadSlices.write does).
      if (top > 0 && end[i] > end[stack[top - 1]]) end[i] = end[stack[top - 1]];
      this.beginSlice(i);
      if (top === stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        stack = this.stack = grown;
      }
      stack[top++] = i;
    }
    this.top = top;
    while (p < points.length) this.bindPoint(points[p++]);
    while (top > 0) {
      const j = stack[--top];
      if (this.q < instants.length && instantNs[instants[this.q]] < end[j]) this.writeInstantsBefore(end[j]);
      this.endSlice(j);
    }
    if (this.q < instants.length) this.writeInstantsBefore(Infinity);
    this.handOver();
    this.file.events += this.events - this.q; // the instants counted themselves
    return this.events;
  }

  private writeInstantsBefore(ns: number): void {
    const { instants } = this;
    const { instantNs, instantKey } = this.store;
    this.handOver();
    while (this.q < instants.length && instantNs[instants[this.q]] < ns) {
      const k = instants[this.q++];
      this.instant(this.seq, instantKey[k], instantNs[k]);
      this.events++;
    }
    this.takeBack();
  }

  private bindPoint(k: number): void {
    const { pointNs, pointFlow, pointEnds } = this.store;
    const ns = pointNs[k];
    for (let d = this.top - 1; d >= 0; d--) {
      const i = this.stack[d];
      if (this.end[i] >= ns) {
        let list = this.bound.get(i);
        if (list === undefined) this.bound.set(i, (list = []));
        list.push(pointFlow[k], pointEnds[k]);
        this.hasBound[i] = 1;
        return;
      }
    }
    // binds to no slice: viewers drop such an arrow too
  }

  private endSlice(j: number): void {
    const delta = this.tick(this.end[j]);
    const mode = this.store.flowMode[j];
    const bound = this.hasBound.length > 0 && this.hasBound[j] === 1;
    if (mode === FlowMode.None && !bound && this.shortSeqId) {
      if (this.pos >= FLUSH_AT || this.pos + SHORT_END_ROOM > this.buf.length) this.room(SHORT_END_ROOM);
      this.pos = shortEndPacket(this.buf, this.pos, this.seqId, delta);
      this.events++;
      return;
    }
    const extra = bound ? this.bound.get(j)! : null;
    const need = SLACK + (extra === null ? 0 : extra.length * 5);
    if (this.pos >= FLUSH_AT || this.pos + need > this.buf.length) this.room(need);
    const buf = this.buf;
    const pos = this.pos;
    const packet = pos + 1;
    const event = pos + 3;
    let at = openTrackEvent(buf, pos, EventType.End);
    if (mode !== FlowMode.None) at = flow(buf, at, this.store.flowId[j], mode === FlowMode.In);
    if (extra !== null) {
      for (let k = 0; k < extra.length; k += 2) at = flow(buf, at, extra[k] as number, extra[k + 1] as boolean);
      this.bound.delete(j);
    }
    at = close(buf, event, at);
    this.finishPacket(at, packet, delta);
  }

  private beginSlice(i: number): void {
    const store = this.store;
    const id = store.a[i];
    const bits = store.c[i];
    const inst = store.d[i];
    const delta = this.tick(this.start[i]);
    const fields = this.functions.eventFields(id);
    const values = this.values.size === 0 ? undefined : this.values.get(i);
    const valueBytes = values === undefined ? null : message((w) => annotateValues(w, values));
    if (inst === 0 && bits === 0 && fields !== undefined && valueBytes === null) {
      const body = this.functions.beginPacket(id);
      if (this.pos >= FLUSH_AT || this.pos + PLAIN_BEGIN_ROOM + body.length > this.buf.length) this.room(PLAIN_BEGIN_ROOM + body.length);
      this.pos = plainBeginPacket(this.buf, this.pos, body, delta);
      this.events++;
      return;
    }
    this.writeBegin(this.functions, id, delta, inst, store.b[i], bits & 15, (bits >> 4) & 15, (bits & (1 << 8)) !== 0, valueBytes);
  }
}

/** Indexes of `values` in ascending order of value (stable). */
function sortedIndex(values: number[]): number[] {
  const index = values.map((_, i) => i);
  return index.sort((x, y) => values[x] - values[y] || x - y);
}
