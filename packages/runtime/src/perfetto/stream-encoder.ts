// A thread's recording as SLICE_BEGIN / SLICE_END packets in one pass over its event stream, in
// the order the events were recorded: a begin packet at each enter, an end packet at each exit,
// with no slice store and no sort (what process-writer.ts + runtime-encoder.ts do in general).
// Recorded order is begin order, so the bytes are the same as that path's.
//
// The checker (like this project's dumps) reads a slice's args from its SLICE_BEGIN only, so
// whatever is known only at a slice's end and shown as an arg must be known before its begin
// packet: a first, cheap pass over the codes (stream-scan.ts) finds the slices still open when
// the trace ends (`unfinished`), how each coroutine slice ended (`ended`), the thread's own name,
// and whether one pass can write the thread at all. It cannot (and the caller uses the general
// path) for wake-up arrows (one leaves from a slice whose end packet, where its flow id goes, is
// long written), argument/return values (--args: the checker reads no args from end packets),
// slices nested deeper than the depth limit (the left-out note counts them all) and
// --min-duration (a slice's length decides whether its begin is written). A coroutine chain's
// flow id goes on the end packet, as in the general path.
import { msToNs } from '../format';
import { Ended, INSTANCE_SHIFT, KIND_MASK } from '../coroutine-kinds';
import { SIDE_SHIFT, SideKind } from '../side-events';
import { MAX_DEPTH, type WriteFilters } from '../slices';
import type { ThreadSource } from '../chrome-json';
import { EventType, FLUSH_AT, type PerfettoWriter, type Sequence } from './writer';
import { close, flow } from './in-place';
import { PacketEncoder, PLAIN_BEGIN_ROOM, openTrackEvent, SHORT_END_ROOM, plainBeginPacket, shortEndPacket } from './packets';
import { scanThread, type Scan } from './stream-scan';
import { RuntimeFunctions } from './runtime-functions';
import type { ThreadCustomEvents } from './custom-events';
import { ThreadSlices } from './thread-slices';

const NO_MARKS = new Int32Array(0);
const NO_VALUES: ArrayLike<unknown> = [];
/** Room asked for each packet beyond its function's bytes. */
const SLACK = 128;

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
  flowBase: number,
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
  const encoder = new StreamEncoder(file, seq, new RuntimeFunctions(thread.functions, seq.id, filters.locations), scan, flowBase, store, custom, sideValues);
  for (const chunk of thread.chunks()) encoder.feed(chunk.codes, chunk.times, chunk.marks ?? NO_MARKS, 0, chunk.length, offsetMs);
  encoder.finish(endNs);
  return true;
}

/**
 * The loop's state in fields, as in runtime-encoder.ts's SliceEncoder. What a begin packet needs
 * to know of the slice's end comes from a scan of the events fed (`open`: positions of the enters
 * still open at the end of them; `endedOf`: how each coroutine slice begun in them ended).
 */
export class StreamEncoder extends PacketEncoder {
  /** The open frames: function id, start, coroutine mark (0: a plain call). */
  protected ids = new Int32Array(1024);
  protected starts = new Float64Array(1024);
  protected marks = new Int32Array(1024);
  protected top = 0;
  protected open: Int32Array;
  /** Index in `open` of the next open-at-the-end enter. */
  protected nextOpen = 0;
  /** Position in the stream of the current chunk's first event. */
  protected base = 0;
  /** Whether marks must be read (some slice is a coroutine's). */
  protected coroutineMarks: boolean;
  protected endedOf: Uint8Array;
  /** Coroutine slices begun (an index into endedOf); per instance, slices begun (a slice's index) and written. */
  protected coroutines = 0;
  protected seen = new Int32Array(0);
  protected written = new Int32Array(0);

  constructor(
    file: PerfettoWriter,
    seq: Sequence,
    protected readonly functions: RuntimeFunctions,
    scan: Scan,
    protected readonly flowBase: number,
    protected readonly store: ThreadSlices,
    protected readonly custom: ThreadCustomEvents,
    protected readonly sideValues: ArrayLike<unknown>,
  ) {
    super(file, seq);
    this.open = scan.unfinished;
    this.endedOf = scan.ended;
    this.coroutineMarks = scan.coroutines;
  }

  /** Events [from, to) of a chunk's arrays (positions count from `base` + from). */
  feed(codes: Int32Array, times: Float64Array, marks: Int32Array, from: number, to: number, offsetMs: number): void {
    if (!this.coroutineMarks) {
      // Plain calls only: marks matter to side events alone.
      for (let i = from; i < to; i++) {
        const code = codes[i];
        if (code > 0) this.enter(code, msToNs(times[i] + offsetMs), i);
        else if (code < 0) {
          if (this.top >= -code) {
            const ns = msToNs(times[i] + offsetMs);
            while (this.top >= -code) this.end(Math.max(ns, this.starts[--this.top]));
          }
        } else this.side(i < marks.length ? marks[i] : 0, msToNs(times[i] + offsetMs));
      }
    } else {
      for (let i = from; i < to; i++) {
        const code = codes[i];
        const mark = i < marks.length ? marks[i] : 0;
        if (code > 0) {
          if (mark === 0) this.enter(code, msToNs(times[i] + offsetMs), i);
          else this.enterCoroutine(code, msToNs(times[i] + offsetMs), i, mark);
        } else if (code < 0) {
          if (this.top >= -code) {
            const ns = msToNs(times[i] + offsetMs);
            // Frames above the one exiting were left by an exception that skipped their exit hook.
            while (this.top > -code) this.endFrame(ns, false, Ended.Throw);
            this.endFrame(ns, false, mark & KIND_MASK);
          }
        } else this.side(mark, msToNs(times[i] + offsetMs));
      }
    }
    this.base += to;
  }

  /** Ends what is still open at `endNs` (the scan marked those begins unfinished). */
  finish(endNs: number): void {
    while (this.top > 0) this.endFrame(endNs, true, 0);
    this.handOver();
    this.file.events += this.events;
  }

  /** Side events are rare: written where they come, through the general writers. */
  protected side(mark: number, ns: number): void {
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
    // Written: nothing of it is kept (a long streamed run may make any number of instants).
    keys.length = 0;
    this.store.instantNs.length = 0;
    this.custom.forgetInstants();
  }

  /** Pushes a frame; whether it is still open at the end. */
  protected push(id: number, ns: number, i: number, mark: number): boolean {
    const top = this.top;
    if (top === this.ids.length) this.grow();
    this.ids[top] = id;
    this.starts[top] = ns;
    this.marks[top] = mark;
    this.top = top + 1;
    const open = this.nextOpen < this.open.length && this.open[this.nextOpen] === this.base + i;
    if (open) this.nextOpen++;
    return open;
  }

  protected enter(id: number, ns: number, i: number): void {
    this.begin(id, ns, this.push(id, ns, i, 0));
  }

  protected enterCoroutine(id: number, ns: number, i: number, mark: number): void {
    const open = this.push(id, ns, i, mark);
    const co = mark >>> INSTANCE_SHIFT;
    if (co >= this.seen.length) this.growCounts(co);
    const ended = this.endedOf[this.coroutines++];
    this.beginCoroutine(id, ns, open, co, this.seen[co]++, mark & KIND_MASK, ended);
  }

  /**
   * Ends the top frame at `ns` (not before its start), as `ended` says (Ended; 0: still open at
   * the end); its chain's flow goes on the end packet.
   */
  protected endFrame(ns: number, unfinished: boolean, ended: number): void {
    const top = --this.top;
    const at = Math.max(ns, this.starts[top]);
    const co = this.marks[top] >>> INSTANCE_SHIFT;
    if (co === 0) return this.end(at);
    // As slices.ts decides: in from the instance's previous slice, out to its next one if it suspended.
    const flowIn = this.written[co]++ > 0;
    const flowOut = !unfinished && ended !== 0 && ended !== Ended.Return && ended !== Ended.Throw && ended !== Ended.Settled;
    if (!flowIn && !flowOut) return this.end(at);
    const delta = this.tick(at);
    if (this.pos >= FLUSH_AT || this.pos + SLACK > this.buf.length) this.room(SLACK);
    const buf = this.buf;
    const pos = this.pos;
    const flows = flow(buf, openTrackEvent(buf, pos, EventType.End), this.flowBase + co, !flowOut);
    this.finishPacket(close(buf, pos + 3, flows), pos + 1, delta);
  }

  protected growCounts(co: number): void {
    const size = Math.max(co + 1, this.seen.length * 2, 1024);
    const seen = new Int32Array(size);
    seen.set(this.seen);
    this.seen = seen;
    const written = new Int32Array(size);
    written.set(this.written);
    this.written = written;
  }

  protected grow(): void {
    const size = this.ids.length * 2;
    const ids = new Int32Array(size);
    ids.set(this.ids);
    this.ids = ids;
    const starts = new Float64Array(size);
    starts.set(this.starts);
    this.starts = starts;
    const marks = new Int32Array(size);
    marks.set(this.marks);
    this.marks = marks;
  }

  /** A slice's end packet without flows. */
  protected end(ns: number): void {
    const delta = this.tick(ns);
    if (this.shortSeqId) {
      if (this.pos >= FLUSH_AT || this.pos + SHORT_END_ROOM > this.buf.length) this.room(SHORT_END_ROOM);
      this.pos = shortEndPacket(this.buf, this.pos, this.seqId, delta);
      this.events++;
      return;
    }
    if (this.pos >= FLUSH_AT || this.pos + SLACK > this.buf.length) this.room(SLACK);
    const pos = this.pos;
    this.finishPacket(close(this.buf, pos + 3, openTrackEvent(this.buf, pos, EventType.End)), pos + 1, delta);
  }

  /** A plain call's begin packet. */
  protected begin(id: number, ns: number, unfinished: boolean): void {
    const fields = this.functions.eventFields(id);
    if (fields === undefined || unfinished) return this.beginCoroutine(id, ns, unfinished, 0, 0, 0, 0);
    const delta = this.tick(ns);
    const body = this.functions.beginPacket(id);
    if (this.pos >= FLUSH_AT || this.pos + PLAIN_BEGIN_ROOM + body.length > this.buf.length) this.room(PLAIN_BEGIN_ROOM + body.length);
    this.pos = plainBeginPacket(this.buf, this.pos, body, delta);
    this.events++;
  }

  /** Any other begin packet: a coroutine slice (instance != 0), an unfinished one, a function's first. */
  protected beginCoroutine(id: number, ns: number, unfinished: boolean, instance: number, index: number, resumed: number, ended: number): void {
    this.writeBegin(this.functions, id, this.tick(ns), instance, index, resumed, ended, unfinished, null);
  }
}
