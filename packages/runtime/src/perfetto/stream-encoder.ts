// A thread's recording as SLICE_BEGIN / SLICE_END packets in one pass over its event stream, in
// the order the events were recorded: a begin packet at each enter, an end packet at each exit,
// with no slice store and no sort (what process-writer.ts + runtime-encoder.ts do in general).
// Recorded order is begin order, so the bytes are the same as that path's.
//
// The checker (like this project's dumps) reads a slice's args from its SLICE_BEGIN only, so
// whatever is known only at a slice's end and shown as an arg must be known before its begin
// packet: a first, cheap pass over the codes finds the slices still open when the trace ends
// (`unfinished`), the thread's own name, and whether one pass can write the thread at all. It
// cannot (and the caller uses the general path) for coroutine slices (`ended`, wake-up arrows
// bound to slices already written), argument/return values (--args), slices nested deeper than
// the depth limit (the left-out note's count), and --min-duration (a slice's length decides
// whether its begin is written).
import { msToNs } from '../format';
import { KIND_MASK, WOKEN } from '../coroutine-kinds';
import { SIDE_SHIFT, SideKind } from '../side-events';
import { MAX_DEPTH, type WriteFilters } from '../slices';
import type { ThreadSource } from '../chrome-json';
import { ByteWriter, message } from './bytes';
import { Ann, EventType, FLUSH_AT, type PerfettoWriter, type Sequence } from './writer';
import { close, copy, varint, varintLength } from './in-place';
import { RuntimeFunctions } from './runtime-functions';
import type { ThreadCustomEvents } from './custom-events';
import { ThreadSlices } from './thread-slices';

const NO_MARKS = new Int32Array(0);
const NO_VALUES: ArrayLike<unknown> = [];
/** Room asked for each packet beyond its function's bytes. */
const SLACK = 128;
const UNFINISHED = message((w) => {
  const mark = w.open(4);
  w.varintField(1, Ann.Unfinished);
  w.varintField(2, 1);
  w.close(mark);
});

/** What the first pass finds; null from scanThread: one pass cannot write the thread. */
interface Scan {
  /** Time of the first packet (0 if none). */
  firstNs: number;
  /** Positions in the stream (over all chunks) of the enters still open at the end, ascending. */
  unfinished: Int32Array;
}

/**
 * Writes one thread in one pass if it can (see the top of the file): its track, slices and
 * custom instants; counters go to `custom`'s process samples. Returns false, having written
 * nothing, when the general path must write it.
 */
export function streamThread(
  file: PerfettoWriter,
  processTrack: number,
  pid: number,
  thread: ThreadSource,
  offsetMs: number,
  endNs: number,
  filters: WriteFilters,
  makeCustom: (store: ThreadSlices) => ThreadCustomEvents,
): boolean {
  if ((filters.minDurationUs ?? 0) > 0) return false;
  const maxDepth = Math.min(filters.maxDepth ?? MAX_DEPTH, MAX_DEPTH);
  // Instants only pass through it: each is written as soon as it is added.
  const store = new ThreadSlices(16);
  const custom = makeCustom(store);
  const sideValues = thread.functions.sideValues ?? NO_VALUES;
  const scan = scanThread(thread, offsetMs, maxDepth, custom, sideValues);
  if (scan === null) return false;
  const seq = file.thread(processTrack, pid, thread.tid, custom.name, scan.firstNs);
  const encoder = new StreamEncoder(file, seq, new RuntimeFunctions(thread.functions, seq.id), scan.unfinished, store, custom, sideValues);
  for (const chunk of thread.chunks()) encoder.feed(chunk.codes, chunk.times, chunk.marks ?? NO_MARKS, chunk.length, offsetMs);
  encoder.finish(endNs);
  return true;
}

function scanThread(thread: ThreadSource, offsetMs: number, maxDepth: number, custom: ThreadCustomEvents, sideValues: ArrayLike<unknown>): Scan | null {
  let stack = new Int32Array(1024);
  let top = 0;
  let base = 0;
  let firstNs = Infinity;
  for (const chunk of thread.chunks()) {
    const { codes, times, length } = chunk;
    const marks = chunk.marks ?? NO_MARKS;
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code > 0) {
        if (i < marks.length && marks[i] !== 0) return null; // a coroutine slice
        if (top >= maxDepth) return null; // left out, and said by a note counting them all
        if (top === stack.length) {
          const grown = new Int32Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
        }
        stack[top++] = base + i;
        if (firstNs === Infinity) firstNs = msToNs(times[i] + offsetMs);
      } else if (code === 0) {
        const mark = i < marks.length ? marks[i] : 0;
        const kind = mark & KIND_MASK;
        // A waker only matters to a coroutine slice, and there is none here.
        if (kind === WOKEN || kind === 0) continue;
        if (kind === SideKind.Args || kind === SideKind.Return) return null;
        const value = sideValues[mark >>> SIDE_SHIFT];
        if (kind === SideKind.ThreadName) custom.add(kind, value, 0);
        else if (kind === SideKind.Instant && firstNs === Infinity && Array.isArray(value) && typeof value[0] === 'string') firstNs = msToNs(times[i] + offsetMs);
      } else if (top >= -code) top = -code - 1; // exits it and what an exception left open above it
    }
    base += length;
  }
  return { firstNs: firstNs === Infinity ? 0 : firstNs, unfinished: stack.slice(0, top) };
}

/** The loop's state in fields, as in runtime-encoder.ts's SliceEncoder. */
class StreamEncoder {
  private readonly w: ByteWriter;
  private buf: Uint8Array;
  private pos: number;
  private lastNs: number;
  private events = 0;
  private readonly seqId: number;
  private readonly seqTail: Uint8Array;
  private readonly shortSeqId: boolean;
  private ids = new Int32Array(1024);
  private starts = new Float64Array(1024);
  private top = 0;
  /** Index in `unfinished` of the next open-at-the-end enter. */
  private nextOpen = 0;
  /** Position in the stream of the current chunk's first event. */
  private base = 0;

  constructor(
    private readonly file: PerfettoWriter,
    private readonly seq: Sequence,
    private readonly functions: RuntimeFunctions,
    private readonly unfinished: Int32Array,
    private readonly store: ThreadSlices,
    private readonly custom: ThreadCustomEvents,
    private readonly sideValues: ArrayLike<unknown>,
  ) {
    this.w = file.w;
    this.buf = this.w.buf;
    this.pos = this.w.pos;
    this.lastNs = seq.lastNs;
    this.seqId = seq.id;
    this.seqTail = message((t) => t.varintField(10, seq.id));
    this.shortSeqId = seq.id < 0x80;
  }

  /** Events [0, length) of a chunk's arrays. */
  feed(codes: Int32Array, times: Float64Array, marks: Int32Array, length: number, offsetMs: number): void {
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code !== 0) this.event(code, times[i] + offsetMs, i);
      else this.side(i < marks.length ? marks[i] : 0, msToNs(times[i] + offsetMs));
    }
    this.base += length;
  }

  /** Side events are rare: written where they come, through the general writers. */
  private side(mark: number, ns: number): void {
    const kind = mark & KIND_MASK;
    if (kind !== SideKind.Instant && kind !== SideKind.Counter) return; // names were taken by the scan
    const keys = this.store.instantKey;
    const before = keys.length;
    this.custom.add(kind, this.sideValues[mark >>> SIDE_SHIFT], ns);
    if (keys.length === before) return;
    this.handOver();
    this.custom.writeInstant(this.seq, this.seq.begin(EventType.Instant, ns), keys[before]);
    this.seq.end();
    this.takeBack();
  }

  private event(code: number, ms: number, i: number): void {
    if (code > 0) {
      const ns = msToNs(ms);
      const top = this.top;
      if (top === this.ids.length) this.grow();
      this.ids[top] = code;
      this.starts[top] = ns;
      this.top = top + 1;
      const open = this.nextOpen < this.unfinished.length && this.unfinished[this.nextOpen] === this.base + i;
      if (open) this.nextOpen++;
      this.begin(code, ns, open);
    } else if (this.top >= -code) {
      const ns = msToNs(ms);
      while (this.top >= -code) this.end(Math.max(ns, this.starts[--this.top]));
    }
  }

  /** Ends what is still open at `endNs` (the scan marked those begins unfinished). */
  finish(endNs: number): void {
    while (this.top > 0) this.end(Math.max(endNs, this.starts[--this.top]));
    this.handOver();
    this.file.events += this.events;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
    const starts = new Float64Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
  }

  private handOver(): void {
    this.w.pos = this.pos;
    this.seq.lastNs = this.lastNs;
  }

  private takeBack(): void {
    this.buf = this.w.buf;
    this.pos = this.w.pos;
    this.lastNs = this.seq.lastNs;
  }

  private room(need: number): void {
    this.handOver();
    if (this.pos >= FLUSH_AT) this.file.flush();
    this.w.ensure(need);
    this.takeBack();
  }

  private tick(ns: number): number {
    if (ns <= this.lastNs) return 0;
    const delta = ns - this.lastNs;
    this.lastNs = ns;
    return delta;
  }

  private end(ns: number): void {
    const delta = this.tick(ns);
    if (this.shortSeqId) {
      // 0a LEN 5a 02 48 02 50 SEQ 40 Δts
      const length = 7 + varintLength(delta);
      let pos = this.pos;
      if (pos >= FLUSH_AT || pos + length + 2 > this.buf.length) {
        this.room(length + 2);
        pos = this.pos;
      }
      const buf = this.buf;
      buf[pos] = 0x0a;
      buf[pos + 1] = length;
      buf[pos + 2] = 0x5a;
      buf[pos + 3] = 2;
      buf[pos + 4] = 0x48;
      buf[pos + 5] = EventType.End;
      buf[pos + 6] = 0x50;
      buf[pos + 7] = this.seqId;
      buf[pos + 8] = 0x40;
      this.pos = varint(buf, pos + 9, delta);
      this.events++;
      return;
    }
    if (this.pos >= FLUSH_AT || this.pos + SLACK > this.buf.length) this.room(SLACK);
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = 0x0a;
    buf[pos + 2] = 0x5a;
    buf[pos + 3] = 2;
    buf[pos + 4] = 0x48;
    buf[pos + 5] = EventType.End;
    let at = copy(buf, pos + 6, this.seqTail);
    buf[at] = 0x40;
    at = varint(buf, at + 1, delta);
    this.pos = close(buf, pos + 1, at);
    this.events++;
  }

  private begin(id: number, ns: number, unfinished: boolean): void {
    const delta = this.tick(ns);
    let fields = this.functions.eventFields(id);
    if (fields !== undefined && !unfinished) {
      // A plain call: 0a LEN <the function's begin packet> 40 Δts
      const body = this.functions.beginPacket(id);
      const length = body.length + 1 + varintLength(delta);
      if (this.pos >= FLUSH_AT || this.pos + length + 4 > this.buf.length) this.room(length + 4);
      const buf = this.buf;
      buf[this.pos] = 0x0a;
      let at = varint(buf, this.pos + 1, length);
      at = copy(buf, at, body);
      buf[at] = 0x40;
      this.pos = varint(buf, at + 1, delta);
      this.events++;
      return;
    }
    const first = fields === undefined;
    if (fields === undefined) fields = this.functions.first(id);
    const need = SLACK + fields.length;
    if (this.pos >= FLUSH_AT || this.pos + need > this.buf.length) this.room(need);
    let buf = this.buf;
    const pos = this.pos;
    buf[pos] = 0x0a;
    const packet = pos + 1;
    buf[pos + 2] = 0x5a;
    const event = pos + 3;
    buf[pos + 4] = 0x48;
    buf[pos + 5] = EventType.Begin;
    let at = copy(buf, pos + 6, fields);
    if (unfinished) at = copy(buf, at, UNFINISHED);
    at = close(buf, event, at);
    if (first) {
      this.w.pos = at;
      this.functions.interned(this.w, id);
      this.w.ensure(SLACK);
      buf = this.buf = this.w.buf;
      at = this.w.pos;
    }
    at = copy(buf, at, this.seqTail);
    buf[at] = 0x40;
    at = varint(buf, at + 1, delta);
    this.pos = close(buf, packet, at);
    this.events++;
  }
}
