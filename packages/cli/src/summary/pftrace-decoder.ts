// Perfetto TrackEvent packets (what packages/runtime/src/perfetto writes; field numbers in
// ../shared/docs/trace-formats.md) back into slices: per packet sequence its interned names,
// clocks (incremental timestamps: each a delta from the sequence's previous one) and default
// track; per track a stack of the slices begun and not yet ended, each ended slice handed on with
// its args (debug annotations) as the Chrome JSON of the same recording has them. Memory: the
// tracks, the interned names and the open slices (the depth), whatever the number of slices.
import type { SliceRecord } from './events';
import { Fields, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf-reader';

/** What the decoder finds, in file order (slices as they end: a thread's children first). */
export interface DecodedTrace {
  slice(slice: SliceRecord): void;
  processName(pid: number, name: string): void;
  threadName(pid: number, tid: number, name: string): void;
  /** One event as the Chrome JSON of the same trace counts it (see `counted` calls below). */
  counted(): void;
  /** A counter sample on the process's track `name`. */
  counter?(pid: number, name: string, value: number): void;
}

const FLAG_CLEARED = 1;
const FLAG_NEEDS_STATE = 2;
const BOOTTIME = 6;
const TYPE_BEGIN = 1;
const TYPE_END = 2;
const TYPE_INSTANT = 3;
const TYPE_COUNTER = 4;
/**
 * Flow ids from 2^52 up are arrows that are events of their own in Chrome JSON (wake-ups, v1
 * flow events: one per end); below, a chain's ids are fields of its X events (bind_id).
 */
const ARROW_FLOW_BASE = 2 ** 52;

type ArgValue = string | number | boolean;

interface Clock {
  /** The clock's last value, in its units; an incremental clock's timestamps add to it. */
  value: number;
  incremental: boolean;
  unitNs: number;
  /** The snapshot's value of this clock and of BOOTTIME, to map values to ns. */
  baseValue: number;
  baseNs: number;
}

interface SequenceState {
  valid: boolean;
  clocks: Map<number, Clock>;
  defaultClock: number;
  defaultTrack: number;
  names: Map<number, string>;
  categories: Map<number, string>;
  annotationNames: Map<number, string>;
  /** Interned source locations (--locations interned): file and line by iid. */
  locations: Map<number, { file: string; line: number }>;
}

interface OpenSlice {
  startNs: number;
  name: string;
  category: string;
  args: Record<string, ArgValue>;
}

interface Track {
  pid: number;
  tid: number;
  parent: number;
  /** The descriptor's own name (a counter track's). */
  name?: string;
}

const newSequence = (): SequenceState => ({
  valid: false,
  clocks: new Map(),
  defaultClock: BOOTTIME,
  defaultTrack: 0,
  names: new Map(),
  categories: new Map(),
  annotationNames: new Map(),
  locations: new Map(),
});

export class PftraceDecoder {
  private readonly sequences = new Map<number, SequenceState>();
  private readonly tracks = new Map<number, Track>();
  /** Per track uuid, its slices begun and not ended, innermost last. */
  private readonly open = new Map<number, OpenSlice[]>();

  constructor(private readonly out: DecodedTrace) {}

  /** Slices begun and never ended (the writer stopped mid-trace): left out, as a cut JSON event is. */
  unfinished(): number {
    let n = 0;
    for (const stack of this.open.values()) n += stack.length;
    return n;
  }

  packet(bytes: Uint8Array): void {
    // A packet's fields come in any order (ours put the event before the names it interns):
    // gather them, then apply state first, the event last.
    let sequenceId = 0;
    let flags = 0;
    let timestamp: number | undefined;
    let clockId: number | undefined;
    let snapshot: Fields | undefined;
    let defaults: Fields | undefined;
    let interned: Fields | undefined;
    let descriptor: Fields | undefined;
    let event: Fields | undefined;
    const f = new Fields(bytes);
    while (f.next()) {
      if (f.wire === WIRE_LEN) {
        if (f.field === 6) snapshot = f.message();
        else if (f.field === 59) defaults = f.message();
        else if (f.field === 12) interned = f.message();
        else if (f.field === 60) descriptor = f.message();
        else if (f.field === 11) event = f.message();
        else f.skip();
      } else if (f.wire === WIRE_VARINT) {
        if (f.field === 10) sequenceId = f.varint();
        else if (f.field === 13) flags = f.varint();
        else if (f.field === 8) timestamp = f.varint();
        else if (f.field === 58) clockId = f.varint();
        else f.skip();
      } else f.skip();
    }
    let seq = this.sequences.get(sequenceId);
    if (seq === undefined || flags & FLAG_CLEARED) this.sequences.set(sequenceId, (seq = newSequence()));
    if (flags & FLAG_CLEARED || !(flags & FLAG_NEEDS_STATE)) seq.valid = true;
    if (!seq.valid) return; // needs state no packet gave yet: Perfetto skips it too
    if (snapshot) readSnapshot(snapshot, seq);
    if (defaults) readDefaults(defaults, seq);
    if (interned) readInterned(interned, seq);
    if (descriptor) this.descriptor(descriptor);
    if (event) this.event(event, seq, timestamp === undefined ? undefined : toNs(seq, clockId ?? seq.defaultClock, timestamp));
  }

  private descriptor(f: Fields): void {
    let uuid = 0;
    let parent = 0;
    let pid: number | undefined;
    let tid: number | undefined;
    let processName: string | undefined;
    let threadName: string | undefined;
    let trackName: string | undefined;
    while (f.next()) {
      if (f.field === 1 && f.wire === WIRE_VARINT) uuid = f.varint();
      else if (f.field === 2 && f.wire === WIRE_LEN) trackName = f.string();
      else if (f.field === 5 && f.wire === WIRE_VARINT) parent = f.varint();
      else if ((f.field === 3 || f.field === 4) && f.wire === WIRE_LEN) {
        const thread = f.field === 4;
        const d = f.message();
        while (d.next()) {
          if (d.field === 1 && d.wire === WIRE_VARINT) pid = d.int64();
          else if (thread && d.field === 2 && d.wire === WIRE_VARINT) tid = d.int64();
          else if (!thread && d.field === 6 && d.wire === WIRE_LEN) processName = d.string();
          else if (thread && d.field === 5 && d.wire === WIRE_LEN) threadName = d.string();
          else d.skip();
        }
      } else f.skip();
    }
    // A track without a process or thread of its own (a counter's, an async one) belongs to its parent's.
    const up = this.tracks.get(parent);
    const track = { pid: pid ?? up?.pid ?? 0, tid: tid ?? up?.tid ?? 0, parent, name: trackName };
    this.tracks.set(uuid, track);
    // Names as the Chrome JSON's metadata events
    if (processName !== undefined) {
      this.out.counted();
      this.out.processName(track.pid, processName);
    }
    if (threadName !== undefined) {
      this.out.counted();
      this.out.threadName(track.pid, track.tid, threadName);
    }
  }

  private event(f: Fields, seq: SequenceState, ns: number | undefined): void {
    let type = 0;
    let track = seq.defaultTrack;
    let name = '';
    let category: string | undefined;
    let args: Record<string, ArgValue> | undefined;
    let arrows = 0;
    let value: number | undefined;
    while (f.next()) {
      switch (f.field) {
        case 44:
          if (f.wire === WIRE_FIXED64) value = f.double();
          else f.skip();
          break;
        case 30:
          if (f.wire === WIRE_VARINT) value = f.int64();
          else f.skip();
          break;
        case 9:
          type = f.varint();
          break;
        case 10:
          name = seq.names.get(f.varint()) ?? '';
          break;
        case 23:
          name = f.string();
          break;
        case 11:
          track = f.varint();
          break;
        case 3:
          f.varints((iid) => (category ??= seq.categories.get(iid)));
          break;
        case 22:
          category ??= f.string();
          break;
        case 4:
          readAnnotation(f.message(), seq, (args ??= {}));
          break;
        case 34: {
          // A source location read as the args the runtime otherwise writes: file and line.
          const location = seq.locations.get(f.varint());
          if (location) Object.assign((args ??= {}), location);
          break;
        }
        case 47:
        case 48:
          if (f.wire === WIRE_FIXED64 || f.wire === WIRE_LEN) f.fixed64s((id) => (arrows += id >= ARROW_FLOW_BASE ? 1 : 0));
          else f.skip();
          break;
        default:
          f.skip();
      }
    }
    for (let i = 0; i < arrows; i++) this.out.counted();
    if (type === TYPE_INSTANT || type === TYPE_COUNTER) this.out.counted();
    if (type === TYPE_COUNTER && value !== undefined) {
      const t = this.tracks.get(track);
      this.out.counter?.(t?.pid ?? 0, t?.name ?? `track ${track}`, value);
    }
    if (ns === undefined || (type !== TYPE_BEGIN && type !== TYPE_END)) return;
    let stack = this.open.get(track);
    if (stack === undefined) this.open.set(track, (stack = []));
    if (type === TYPE_BEGIN) {
      stack.push({ startNs: ns, name, category: category ?? '', args: args ?? {} });
      return;
    }
    const begun = stack.pop();
    if (begun === undefined) return; // an end without its begin: nothing to measure
    this.out.counted(); // the slice's one X event
    const owner = this.tracks.get(track);
    this.out.slice(sliceRecord(begun, ns, owner?.pid ?? 0, owner?.tid ?? 0));
  }
}

/** A slice as events.ts's chromeEvent() makes it of the same slice written as JSON. */
function sliceRecord(s: OpenSlice, endNs: number, pid: number, tid: number): SliceRecord {
  const { args } = s;
  return {
    pid,
    tid,
    name: s.name,
    // Our runtime's slices have their file as category and as args.file; the protobuf has the arg
    cat: typeof args.file === 'string' ? args.file : s.category,
    line: typeof args.line === 'number' ? args.line : undefined,
    startNs: s.startNs,
    durNs: Math.max(0, endNs - s.startNs),
    instance: typeof args.instance === 'number' ? args.instance : undefined,
    index: typeof args.slice === 'number' ? args.slice : undefined,
  };
}

function toNs(seq: SequenceState, clockId: number, timestamp: number): number {
  const clock = seq.clocks.get(clockId);
  if (clock === undefined) return timestamp; // a global clock: ns, on the trace's one timeline
  clock.value = clock.incremental ? clock.value + timestamp : timestamp;
  return clock.baseNs + (clock.value - clock.baseValue) * clock.unitNs;
}

function readSnapshot(f: Fields, seq: SequenceState): void {
  const clocks: Array<{ id: number; value: number; incremental: boolean; unitNs: number }> = [];
  while (f.next()) {
    if (f.field !== 1 || f.wire !== WIRE_LEN) {
      f.skip();
      continue;
    }
    const c = f.message();
    const clock = { id: 0, value: 0, incremental: false, unitNs: 1 };
    while (c.next()) {
      if (c.field === 1) clock.id = c.varint();
      else if (c.field === 2) clock.value = c.varint();
      else if (c.field === 3) clock.incremental = c.varint() !== 0;
      else if (c.field === 4) clock.unitNs = c.varint() || 1;
      else c.skip();
    }
    clocks.push(clock);
  }
  const boottime = clocks.find((c) => c.id === BOOTTIME);
  for (const c of clocks) {
    // Sequence-scoped clocks (64-127) are this sequence's; they map to BOOTTIME by the snapshot.
    if (c.id < 64 || c.id > 127) continue;
    const baseNs = boottime ? boottime.value : c.value * c.unitNs;
    seq.clocks.set(c.id, { value: c.value, incremental: c.incremental, unitNs: c.unitNs, baseValue: c.value, baseNs });
  }
}

function readDefaults(f: Fields, seq: SequenceState): void {
  while (f.next()) {
    if (f.field === 58 && f.wire === WIRE_VARINT) seq.defaultClock = f.varint();
    else if (f.field === 11 && f.wire === WIRE_LEN) {
      const d = f.message();
      while (d.next()) {
        if (d.field === 11 && d.wire === WIRE_VARINT) seq.defaultTrack = d.varint();
        else d.skip();
      }
    } else f.skip();
  }
}

function readInterned(f: Fields, seq: SequenceState): void {
  while (f.next()) {
    if (f.field === 4 && f.wire === WIRE_LEN) {
      readSourceLocation(f.message(), seq);
      continue;
    }
    const table = f.field === 1 ? seq.categories : f.field === 2 ? seq.names : f.field === 3 ? seq.annotationNames : undefined;
    if (table === undefined || f.wire !== WIRE_LEN) {
      f.skip();
      continue;
    }
    const entry = f.message();
    let iid = 0;
    let name = '';
    while (entry.next()) {
      if (entry.field === 1 && entry.wire === WIRE_VARINT) iid = entry.varint();
      else if (entry.field === 2 && entry.wire === WIRE_LEN) name = entry.string();
      else entry.skip();
    }
    table.set(iid, name);
  }
}

function readAnnotation(f: Fields, seq: SequenceState, args: Record<string, ArgValue>): void {
  let name: string | undefined;
  let value: ArgValue | undefined;
  while (f.next()) {
    switch (f.field) {
      case 1:
        name = seq.annotationNames.get(f.varint());
        break;
      case 10:
        name = f.string();
        break;
      case 2:
        value = f.varint() !== 0;
        break;
      case 3:
        value = f.varint();
        break;
      case 4:
        value = f.int64();
        break;
      case 5:
        value = f.wire === WIRE_FIXED64 ? f.double() : (f.skip(), undefined);
        break;
      case 6:
        value = f.string();
        break;
      default:
        f.skip();
    }
  }
  if (name !== undefined && value !== undefined) args[name] = value;
}

/** SourceLocation { iid 1, file_name 2, line_number 4 }. */
function readSourceLocation(entry: Fields, seq: SequenceState): void {
  let iid = 0;
  let file = '';
  let line = 0;
  while (entry.next()) {
    if (entry.field === 1 && entry.wire === WIRE_VARINT) iid = entry.varint();
    else if (entry.field === 2 && entry.wire === WIRE_LEN) file = entry.string();
    else if (entry.field === 4 && entry.wire === WIRE_VARINT) line = entry.varint();
    else entry.skip();
  }
  if (iid !== 0) seq.locations.set(iid, { file, line });
}
