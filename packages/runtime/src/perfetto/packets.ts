// The runtime's packets, written in place (in-place.ts conventions: buffer and position in, the
// position after out; the caller made room). Shared by the two runtime encoders: the one that
// writes a thread's stored slices (runtime-encoder.ts) and the one-pass one (stream-encoder.ts).
import { ENDED_NAMES, RESUMED_NAMES } from '../coroutine-kinds';
import { message, type ByteWriter } from './bytes';
import { Ann, EventType, FLUSH_AT, type PerfettoWriter, type Sequence } from './writer';
import { close, copy, uintAnnotation, varint, varintLength } from './in-place';
import type { RuntimeFunctions } from './runtime-functions';

const annotationBytes = (iid: number, value: string | boolean): Uint8Array =>
  message((w) => {
    const mark = w.open(4);
    w.varintField(1, iid);
    if (typeof value === 'boolean') w.varintField(2, value ? 1 : 0);
    else w.stringField(6, value);
    w.close(mark);
  });
/** Whole `resumed` / `ended` / `unfinished` annotations, as they are copied into events. */
export const RESUMED = RESUMED_NAMES.map((name) => annotationBytes(Ann.Resumed, name));
export const ENDED = ENDED_NAMES.map((name) => annotationBytes(Ann.Ended, name));
export const UNFINISHED = annotationBytes(Ann.Unfinished, true);

/** Room a short end packet needs at most (9 bytes and a 10-byte varint). */
export const SHORT_END_ROOM = 20;

/** An end packet without flows on a sequence whose id is below 128: 0a LEN 5a 02 48 02 50 SEQ 40 Δts. */
export function shortEndPacket(buf: Uint8Array, pos: number, seqId: number, delta: number): number {
  buf[pos] = 0x0a;
  buf[pos + 1] = 7 + varintLength(delta);
  buf[pos + 2] = 0x5a;
  buf[pos + 3] = 2;
  buf[pos + 4] = 0x48;
  buf[pos + 5] = EventType.End;
  buf[pos + 6] = 0x50;
  buf[pos + 7] = seqId;
  buf[pos + 8] = 0x40;
  return varint(buf, pos + 9, delta);
}

/** Room asked for a begin packet beyond its function's bytes and values. */
const BEGIN_SLACK = 128;

/** Room a plain call's begin packet needs at most, besides its function's bytes. */
export const PLAIN_BEGIN_ROOM = 24;

/** A plain call's begin packet: 0a LEN <the function's begin packet bytes> 40 Δts. */
export function plainBeginPacket(buf: Uint8Array, pos: number, body: Uint8Array, delta: number): number {
  buf[pos] = 0x0a;
  let at = varint(buf, pos + 1, body.length + 1 + varintLength(delta));
  at = copy(buf, at, body);
  buf[at] = 0x40;
  return varint(buf, at + 1, delta);
}

/**
 * Opens a packet holding a track event of `type`: 0a _ 5a _ 48 TYPE. The packet's and the event's
 * one-byte length slots are at pos + 1 and pos + 3 (closed with close()); returns where the
 * event's fields go.
 */
export function openTrackEvent(buf: Uint8Array, pos: number, type: EventType): number {
  buf[pos] = 0x0a;
  buf[pos + 2] = 0x5a;
  buf[pos + 4] = 0x48;
  buf[pos + 5] = type;
  return pos + 6;
}

/** A coroutine slice's args (instance != 0) and the unfinished mark, inside its track event. */
export function sliceArgs(buf: Uint8Array, at: number, instance: number, index: number, resumed: number, ended: number, unfinished: boolean): number {
  if (instance !== 0) {
    at = uintAnnotation(buf, at, Ann.Instance, instance);
    at = uintAnnotation(buf, at, Ann.Slice, index);
    at = copy(buf, at, RESUMED[resumed]);
    if (ended !== 0) at = copy(buf, at, ENDED[ended]);
  }
  if (unfinished) at = copy(buf, at, UNFINISHED);
  return at;
}

/**
 * What both encoders keep in fields so their loops write in place: the file's buffer and position,
 * the sequence's clock, its id's bytes. What goes through the Sequence (instants) or the
 * ByteWriter (interned names, growing) is bracketed by handOver() and takeBack().
 */
export abstract class PacketEncoder {
  protected readonly w: ByteWriter;
  protected buf: Uint8Array;
  protected pos: number;
  protected lastNs: number;
  protected events = 0;
  protected readonly seqId: number;
  /** 50 SEQ: the sequence id field, copied into packets that are not short. */
  protected readonly seqTail: Uint8Array;
  protected readonly shortSeqId: boolean;

  constructor(protected readonly file: PerfettoWriter, protected readonly seq: Sequence) {
    this.w = file.w;
    this.buf = this.w.buf;
    this.pos = this.w.pos;
    this.lastNs = seq.lastNs;
    this.seqId = seq.id;
    this.seqTail = message((t) => t.varintField(10, seq.id));
    this.shortSeqId = seq.id < 0x80;
  }

  protected handOver(): void {
    this.w.pos = this.pos;
    this.seq.lastNs = this.lastNs;
  }

  protected takeBack(): void {
    this.buf = this.w.buf;
    this.pos = this.w.pos;
    this.lastNs = this.seq.lastNs;
  }

  /** Makes room for a packet of up to `need` bytes (handing on what is buffered if it is a lot). */
  protected room(need: number): void {
    this.handOver();
    if (this.pos >= FLUSH_AT) this.file.flush();
    this.w.ensure(need);
    this.takeBack();
  }

  /**
   * A begin packet other than a plain call's short one: a coroutine slice's args, an unfinished
   * mark, argument values (`extra`, encoded annotations), or a function's first use, whose name
   * is interned in this packet.
   */
  protected writeBegin(functions: RuntimeFunctions, id: number, delta: number, instance: number, index: number, resumed: number, ended: number, unfinished: boolean, extra: Uint8Array | null): void {
    let fields = functions.eventFields(id);
    const first = fields === undefined;
    if (fields === undefined) fields = functions.first(id);
    const need = BEGIN_SLACK + fields.length + (extra === null ? 0 : extra.length);
    if (this.pos >= FLUSH_AT || this.pos + need > this.buf.length) this.room(need);
    const buf = this.buf;
    const pos = this.pos;
    let at = copy(buf, openTrackEvent(buf, pos, EventType.Begin), fields);
    at = sliceArgs(buf, at, instance, index, resumed, ended, unfinished);
    if (extra !== null) at = copy(buf, at, extra);
    at = close(buf, pos + 3, at);
    if (first) {
      this.w.pos = at;
      functions.interned(this.w, id);
      this.w.ensure(BEGIN_SLACK); // room for the rest, however long the name was
      this.buf = this.w.buf;
      at = this.w.pos;
    }
    this.finishPacket(at, pos + 1, delta);
  }

  /**
   * Ends the packet opened at `packet - 1` whose track event is closed at `at`: the sequence id,
   * the timestamp delta, the packet's length.
   */
  protected finishPacket(at: number, packet: number, delta: number): void {
    const buf = this.buf;
    at = copy(buf, at, this.seqTail);
    buf[at] = 0x40;
    at = varint(buf, at + 1, delta);
    this.pos = close(buf, packet, at);
    this.events++;
  }

  /** The delta to `ns` from the last packet's time (never back in time), moving the clock on. */
  protected tick(ns: number): number {
    if (ns <= this.lastNs) return 0;
    const delta = ns - this.lastNs;
    this.lastNs = ns;
    return delta;
  }
}
