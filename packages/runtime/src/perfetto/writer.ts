// Perfetto's native protobuf trace (TracePacket stream), written directly as bytes. Field numbers:
// ../shared/docs/trace-formats.md. One packet sequence per thread: its first packet clears the
// incremental state, declares a sequence-scoped incremental clock (every later timestamp is the
// delta from the previous packet's) and makes it, and the thread's track, the defaults; names are
// interned on first use, in the packet that first uses them.
import { ByteWriter, message, utf8 } from './bytes';

/** TracePacket fields. */
const P_TIMESTAMP = 8;
const P_CLOCK_SNAPSHOT = 6;
const P_SEQUENCE_ID = 10;
const P_TRACK_EVENT = 11;
const P_INTERNED = 12;
const P_FLAGS = 13;
const P_DEFAULTS = 59;
const P_CLOCK_ID = 58;
const P_TRACK_DESCRIPTOR = 60;
const FLAG_CLEARED = 1;
/** The sequence-scoped clock (64-127) the deltas are on, and the clock it is tied to. */
const INCREMENTAL_CLOCK = 64;
const BOOTTIME = 6;

export const enum EventType {
  Begin = 1,
  End = 2,
  Instant = 3,
  Counter = 4,
}

/** Annotation names every sequence interns up front (iids 1..n), for the runtime's slice args. */
export const FIXED_ANNOTATIONS = ['file', 'line', 'col', 'instance', 'slice', 'resumed', 'ended', 'unfinished', 'note'] as const;
export const enum Ann {
  File = 1,
  Line = 2,
  Col = 3,
  Instance = 4,
  Slice = 5,
  Resumed = 6,
  Ended = 7,
  Unfinished = 8,
  Note = 9,
}

/** Bytes handed on once this many are buffered. */
export const FLUSH_AT = 1 << 20;

/** Receives the trace bytes piece by piece; the view is reused afterwards, so consume it now. */
export type ByteSink = (bytes: Uint8Array) => void;

/** Rewrites bytes already handed to the sink, at their offset from the start of the file. */
export type PatchSink = (offset: number, bytes: Uint8Array) => void;

/**
 * Files concatenated into one trace (the parts of a `panopticon` run) must not share track uuids,
 * sequence ids or flow ids: each is written in its own id block (the session hands the blocks
 * out). Sequence ids go on every packet, so a block's first 63 stay below 128 (one byte) for the
 * first blocks; flow ids stay below 2^53 (see flowOffsetOf).
 */
export const MAX_ID_BLOCKS = 4096;

/** Sequence id `n` (from 0) of block `block`. */
function sequenceIdOf(block: number, n: number): number {
  return n < 63 ? block * 64 + n + 1 : 2 ** 26 + block * 2 ** 14 + n;
}

/**
 * What a block adds to its chains' flow ids (below 2^41 per process: see slices.ts flowBaseOf).
 * Streamed files have no wake-up arrows (live-encoder.ts), whose ids start at 2^52.
 */
export function flowOffsetOf(block: number): number {
  return block * 2 ** 41;
}

/** The whole file: track descriptors and sequences share one buffer and one sink. */
export class PerfettoWriter {
  readonly w = new ByteWriter(FLUSH_AT + (1 << 16));
  private nextUuid: number;
  private sequences = 0;
  /** Track events written. */
  events = 0;
  /** Bytes handed to the sink so far: the file offset of the buffer's first byte. */
  flushed = 0;

  constructor(private readonly sink: ByteSink, private readonly patchSink?: PatchSink, readonly block = 0) {
    this.nextUuid = block * 2 ** 32 + 1;
  }

  private nextSequence(): number {
    return sequenceIdOf(this.block, this.sequences++);
  }

  /** The file offset of the next byte written. */
  offset(pos: number = this.w.pos): number {
    return this.flushed + pos;
  }

  /** Rewrites `bytes` at file offset `at`: in the buffer if they are still there, else through the sink. */
  patch(at: number, bytes: Uint8Array): void {
    if (at >= this.flushed) this.w.buf.set(bytes, at - this.flushed);
    else if (this.patchSink) this.patchSink(at, bytes);
    else throw new Error('this trace cannot be rewritten once written');
  }

  /** A process track; returns its uuid. */
  processTrack(pid: number, name: string): number {
    const uuid = this.nextUuid++;
    const w = this.w;
    const packet = w.open(1);
    const descriptor = w.open(P_TRACK_DESCRIPTOR);
    w.varintField(1, uuid);
    w.lenField(3, message((d) => {
      d.varintField(1, pid);
      d.stringField(6, name);
    }));
    w.close(descriptor);
    w.close(packet);
    return uuid;
  }

  /** A counter track under a process; returns its uuid. */
  counterTrack(parent: number, name: string): number {
    const uuid = this.nextUuid++;
    const w = this.w;
    const packet = w.open(1);
    const descriptor = w.open(P_TRACK_DESCRIPTOR);
    w.varintField(1, uuid);
    w.stringField(2, name);
    w.varintField(5, parent);
    w.lenField(8, new Uint8Array(0));
    w.close(descriptor);
    w.close(packet);
    return uuid;
  }

  /** A thread's track and its packet sequence, its timestamps starting from `startNs`. */
  thread(parent: number, pid: number, tid: number, name: string | undefined, startNs: number): Sequence {
    const uuid = this.nextUuid++;
    const seq = new Sequence(this, this.nextSequence(), uuid, startNs);
    this.threadDescriptor(seq, parent, pid, tid, name);
    return seq;
  }

  /** A thread track's descriptor (again, to rename it: the latest one wins). */
  threadDescriptor(seq: Sequence, parent: number, pid: number, tid: number, name: string | undefined): void {
    const w = this.w;
    const packet = w.open(1);
    const descriptor = w.open(P_TRACK_DESCRIPTOR);
    w.varintField(1, seq.track);
    w.varintField(5, parent);
    w.lenField(4, message((d) => {
      d.varintField(1, pid);
      d.varintField(2, tid);
      if (name !== undefined) d.stringField(5, name);
    }));
    w.close(descriptor);
    w.varintField(P_SEQUENCE_ID, seq.id);
    w.close(packet);
  }

  /** A sequence with no track of its own (counters name their track on each event). */
  sequence(startNs: number): Sequence {
    return new Sequence(this, this.nextSequence(), 0, startNs);
  }

  /** Hands on what is buffered if it is a lot (call between packets). */
  maybeFlush(): void {
    if (this.w.pos >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.w.pos === 0) return;
    this.flushed += this.w.pos;
    this.sink(this.w.view());
    this.w.reset();
  }
}

/**
 * One packet sequence. Write a packet as: begin(type, tsNs), then the event's fields through
 * `w` or the helpers, then end(). Name iids are the caller's (any numbering, >= 1): give the
 * string with internName() before the end() of the first packet using it.
 */
export class Sequence {
  /** The clock: the time of the last packet (runtime-encoder.ts writes packets of its own). */
  lastNs: number;
  private packetMark = -1;
  private eventMark = -1;
  private readonly w: ByteWriter;
  /** Interned entries for the packet being written: [field, iid, name] triples. */
  private pending: Array<number | Uint8Array> = [];
  private annotationsInterned = FIXED_ANNOTATIONS.length;

  constructor(private readonly file: PerfettoWriter, readonly id: number, readonly track: number, startNs: number) {
    this.w = file.w;
    this.lastNs = startNs;
    const w = this.w;
    const packet = w.open(1);
    w.lenField(P_CLOCK_SNAPSHOT, message((s) => {
      s.lenField(1, message((c) => {
        c.varintField(1, INCREMENTAL_CLOCK);
        c.varintField(2, startNs);
        c.varintField(3, 1);
      }));
      s.lenField(1, message((c) => {
        c.varintField(1, BOOTTIME);
        c.varintField(2, startNs);
      }));
    }));
    w.lenField(P_DEFAULTS, message((d) => {
      d.varintField(58, INCREMENTAL_CLOCK);
      if (track !== 0) d.lenField(11, message((e) => e.varintField(11, track)));
    }));
    w.lenField(P_INTERNED, message((i) => {
      FIXED_ANNOTATIONS.forEach((name, k) => i.lenField(3, internedEntry(k + 1, name)));
    }));
    w.varintField(P_SEQUENCE_ID, id);
    w.varintField(P_FLAGS, FLAG_CLEARED);
    w.close(packet);
  }

  /** Opens a packet at `tsNs` (never before the previous one) holding a track event of `type`. */
  begin(type: EventType, tsNs: number): ByteWriter {
    const w = this.w;
    this.packetMark = w.open(1);
    w.ensure(32); // room for all but the event's own fields: nothing below grows the buffer
    const buf = w.buf;
    buf[w.pos++] = P_TIMESTAMP << 3;
    // Never back in time: a delta is unsigned (callers write in time order; this only guards).
    if (tsNs > this.lastNs) {
      w.varint(tsNs - this.lastNs);
      this.lastNs = tsNs;
    } else buf[w.pos++] = 0;
    this.eventMark = w.open(P_TRACK_EVENT);
    w.buf[w.pos++] = 9 << 3;
    w.buf[w.pos++] = type;
    return w;
  }

  /**
   * Opens a packet at `tsNs` on the boot clock, outside the sequence's chain of deltas: for what
   * is written after later packets (a streamed thread's closing note, counters from many threads).
   */
  beginAt(type: EventType, tsNs: number): ByteWriter {
    const w = this.w;
    this.packetMark = w.open(1);
    w.varintField(P_TIMESTAMP, Math.max(0, Math.round(tsNs)));
    w.varintField(P_CLOCK_ID, BOOTTIME);
    this.eventMark = w.open(P_TRACK_EVENT);
    w.varintField(9, type);
    return w;
  }

  /**
   * Closes the packet begun last. Its sequence_flags are left out (2 bytes a packet): "needs
   * incremental state" only makes a reader skip packets that come before any packet cleared the
   * state, and the sequence's first packet clears it; Perfetto reads interned names and defaults
   * on any packet of the sequence.
   */
  end(): void {
    const w = this.w;
    w.close(this.eventMark);
    if (this.pending.length > 0) this.writeInterned();
    w.ensure(16);
    w.buf[w.pos++] = P_SEQUENCE_ID << 3;
    w.varint(this.id);
    w.close(this.packetMark);
    this.file.events++;
    this.file.maybeFlush();
  }

  /** Interns an event name in the packet being written. */
  internName(iid: number, name: string): void {
    this.pending.push(2, iid, utf8(name));
  }

  /**
   * Annotation names beyond the fixed ones, numbered by the caller from FIXED_ANNOTATIONS.length
   * + 1 up: interns those up to `upTo` not interned yet, from `names` (index iid - 1).
   */
  internAnnotations(upTo: number, names: readonly string[]): void {
    while (this.annotationsInterned < upTo) {
      const iid = ++this.annotationsInterned;
      this.pending.push(3, iid, utf8(names[iid - 1]));
    }
  }

  nameIid(iid: number): void {
    this.w.varintField(10, iid);
  }

  /** On this event, a flow that goes on (or starts), or one that ends here. */
  flow(id: number, terminating: boolean): void {
    const w = this.w;
    w.ensure(10);
    // tags of fields 47 and 48, wire type 1 (fixed64)
    w.buf[w.pos++] = terminating ? 0x81 : 0xf9;
    w.buf[w.pos++] = terminating ? 0x03 : 0x02;
    w.fixed64(id);
  }

  private writeInterned(): void {
    const w = this.w;
    const mark = w.open(P_INTERNED);
    const pending = this.pending;
    for (let i = 0; i < pending.length; i += 3) {
      const entry = w.open(pending[i] as number);
      w.varintField(1, pending[i + 1] as number);
      w.lenField(2, pending[i + 2] as Uint8Array);
      w.close(entry);
    }
    w.close(mark);
    this.pending = [];
  }
}

function internedEntry(iid: number, name: string): Uint8Array {
  return message((e) => {
    e.varintField(1, iid);
    e.stringField(2, name);
  });
}

// ---------------------------------------------------------------- debug annotations

/** A debug annotation with an unsigned integer value. */
export function annotateUint(w: ByteWriter, nameIid: number, value: number): void {
  const mark = w.open(4);
  w.varintField(1, nameIid);
  w.varintField(3, value);
  w.close(mark);
}

/** A signed integer value (int64, two's complement as a varint). */
export function annotateInt(w: ByteWriter, nameIid: number, value: number): void {
  if (value >= 0) return annotateUint(w, nameIid, value);
  const mark = w.open(4);
  w.varintField(1, nameIid);
  int64Field(w, 4, value);
  w.close(mark);
}

/** Field `field` as an int64 varint: a negative value is its two's complement, 10 bytes. */
export function int64Field(w: ByteWriter, field: number, value: number): void {
  w.tag(field, 0);
  let v = BigInt.asUintN(64, BigInt(value));
  while (v >= 0x80n) {
    w.byte(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  w.byte(Number(v));
}

export function annotateDouble(w: ByteWriter, nameIid: number, value: number): void {
  const mark = w.open(4);
  w.varintField(1, nameIid);
  w.tag(5, 1);
  const bits = new Float64Array([value]);
  w.bytes(new Uint8Array(bits.buffer));
  w.close(mark);
}

export function annotateBool(w: ByteWriter, nameIid: number, value: boolean): void {
  const mark = w.open(4);
  w.varintField(1, nameIid);
  w.varintField(2, value ? 1 : 0);
  w.close(mark);
}

export function annotateString(w: ByteWriter, nameIid: number, value: string | Uint8Array): void {
  const mark = w.open(4);
  w.varintField(1, nameIid);
  w.lenField(6, typeof value === 'string' ? utf8(value) : value);
  w.close(mark);
}
