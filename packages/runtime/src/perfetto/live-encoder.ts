// A thread's slices as SLICE_BEGIN / SLICE_END packets written while the program runs: the one-pass
// encoder (stream-encoder.ts) fed batch by batch as the thread's events are drained, each batch
// scanned first (live-scan.ts) for what its begin packets need to know of their ends.
//
// A slice still open when its batch ends may end as anything, or never: its begin packet is
// written without those args and with room after it (reserve.ts); at its end, a coroutine slice's
// packet is rewritten with how it ended, and at the end of the trace every slice still open is
// rewritten as unfinished. So the file is a whole trace after every drain, and the same trace as
// the one-pass writer's once it ends (but for the fillers).
//
// Not streamed this way (the caller writes those at exit, from memory): wake-up arrows (an arrow
// leaves from a slice whose end packet is written long before) and --min-duration (a slice's
// length decides whether its begin is written). Argument and return values met here are counted,
// and said in a note: the checker reads a slice's args from its begin packet, and a return value
// comes at the end.
import { INSTANCE_SHIFT, KIND_MASK } from '../coroutine-kinds';
import { SIDE_SHIFT, SideKind } from '../side-events';
import { MAX_DEPTH } from '../slices';
import { Ann, EventType, FLUSH_AT, annotateString, type PerfettoWriter, type Sequence } from './writer';
import { StreamEncoder } from './stream-encoder';
import { ENDED, UNFINISHED } from './packets';
import { RESERVE, filler, rewritten } from './reserve';
import { BatchScanner } from './live-scan';
import type { RuntimeFunctions } from './runtime-functions';
import type { ThreadCustomEvents } from './custom-events';
import type { ThreadSlices } from './thread-slices';

const NOTHING = { firstNs: 0, unfinished: new Int32Array(0), coroutines: true, ended: new Uint8Array(0) };

export class LiveEncoder extends StreamEncoder {
  /** Per open frame: the file offset of its begin packet if it was written with room after it (-1: not). */
  private reservedAt = new Float64Array(1024);
  /** Per open frame with room: its begin packet as written. */
  private readonly saved: Array<Uint8Array | null> = [];
  private readonly scanner: BatchScanner;
  private tooDeep = 0;
  private firstLeftOutNs = 0;
  private valuesLeftOut = 0;

  constructor(
    file: PerfettoWriter,
    seq: Sequence,
    functions: RuntimeFunctions,
    flowBase: number,
    store: ThreadSlices,
    custom: ThreadCustomEvents,
    sideValues: ArrayLike<unknown>,
    private readonly maxDepth: number,
    /** Called when the program names the thread (a new track descriptor says it). */
    private readonly renamed: (name: string) => void,
  ) {
    super(file, seq, functions, NOTHING, flowBase, store, custom, sideValues);
    this.scanner = new BatchScanner(maxDepth);
  }

  /** Writes events [from, to) of a chunk's arrays: one drain's worth. */
  feedBatch(codes: Int32Array, times: Float64Array, marks: Int32Array, from: number, to: number, offsetMs: number): void {
    this.takeBack(); // other threads wrote into the file since
    this.scanner.scan(codes, marks, from, to);
    this.open = this.scanner.open;
    this.nextOpen = 0;
    this.endedOf = this.scanner.ended;
    this.coroutines = 0;
    this.base = -from; // positions count from the batch's first event, as the scanner's do
    this.feed(codes, times, marks, from, to, offsetMs);
    this.handOver();
  }

  /** Ends what is still open (rewritten as unfinished), and says what was left out. */
  finish(endNs: number): void {
    this.takeBack();
    super.finish(endNs);
    if (this.tooDeep > 0) {
      const limit = `${this.maxDepth} levels${this.maxDepth === MAX_DEPTH ? ' (Perfetto shows no more)' : ''}`;
      this.note(this.firstLeftOutNs, 'panopticon: slices left out', `slices left out: ${this.tooDeep} nested deeper than ${limit}`);
    }
    if (this.valuesLeftOut > 0) {
      this.note(endNs, 'panopticon: values left out', `${this.valuesLeftOut} argument and return values are not written in a streamed .pftrace: write .json or .json.gz to see them`);
    }
  }

  protected push(id: number, ns: number, i: number, mark: number): boolean {
    const open = super.push(id, ns, i, mark);
    if (this.top > this.reservedAt.length) {
      const grown = new Float64Array(this.reservedAt.length * 2);
      grown.set(this.reservedAt);
      this.reservedAt = grown;
    }
    this.reservedAt[this.top - 1] = -1;
    return open;
  }

  protected enter(id: number, ns: number, i: number): void {
    if (this.top >= this.maxDepth) return this.leaveOut(ns);
    super.enter(id, ns, i);
  }

  protected enterCoroutine(id: number, ns: number, i: number, mark: number): void {
    if (this.top >= this.maxDepth) {
      // Still counted in its instance, as slices.ts counts it: the next slice's index says one is missing.
      const co = mark >>> INSTANCE_SHIFT;
      if (co >= this.seen.length) this.growCounts(co);
      this.seen[co]++;
      return this.leaveOut(ns);
    }
    super.enterCoroutine(id, ns, i, mark);
  }

  protected begin(id: number, ns: number, open: boolean): void {
    if (open) this.reserve(id, ns, 0, 0, 0);
    else super.begin(id, ns, false);
  }

  protected beginCoroutine(id: number, ns: number, open: boolean, instance: number, index: number, resumed: number, ended: number): void {
    if (open) this.reserve(id, ns, instance, index, resumed);
    else super.beginCoroutine(id, ns, false, instance, index, resumed, ended);
  }

  protected endFrame(ns: number, unfinished: boolean, ended: number): void {
    const top = this.top - 1;
    const at = this.reservedAt[top];
    const co = this.marks[top] >>> INSTANCE_SHIFT;
    super.endFrame(ns, unfinished, ended);
    if (at < 0) return;
    const packet = this.saved[top]!;
    this.saved[top] = null;
    const endedArg = co !== 0 && ended !== 0 ? ENDED[ended] : null;
    if (endedArg === null && !unfinished) return; // the filler stays
    const args = endedArg === null ? UNFINISHED : unfinished ? concat(endedArg, UNFINISHED) : endedArg;
    const bytes = rewritten(packet, args);
    if (bytes !== null) this.file.patch(at, bytes);
  }

  protected side(mark: number, ns: number): void {
    const kind = mark & KIND_MASK;
    if (kind === SideKind.Args || kind === SideKind.Return) {
      this.valuesLeftOut++;
      return;
    }
    if (kind === SideKind.ThreadName) {
      const before = this.custom.name;
      this.custom.add(kind, this.sideValues[mark >>> SIDE_SHIFT], ns);
      if (this.custom.name === before) return;
      this.handOver();
      this.renamed(this.custom.name);
      this.takeBack();
      return;
    }
    super.side(mark, ns);
  }

  /** A begin packet written as it is, with RESERVE bytes after it for what its end decides. */
  private reserve(id: number, ns: number, instance: number, index: number, resumed: number): void {
    const delta = this.tick(ns);
    // Flush first if it is time: the packet then stays in place while it is written.
    if (this.pos >= FLUSH_AT) this.room(0);
    const start = this.pos;
    this.writeBegin(this.functions, id, delta, instance, index, resumed, 0, false, null);
    this.reservedAt[this.top - 1] = this.file.offset(start);
    this.saved[this.top - 1] = this.buf.slice(start, this.pos);
    if (this.pos + RESERVE > this.buf.length) this.room(RESERVE);
    this.pos = filler(this.buf, this.pos, RESERVE);
  }

  private leaveOut(ns: number): void {
    if (this.tooDeep++ === 0) this.firstLeftOutNs = ns;
  }

  /** An instant on the thread's track saying what is missing, at `ns` on the boot clock. */
  private note(ns: number, name: string, text: string): void {
    const w = this.seq.beginAt(EventType.Instant, ns);
    w.stringField(23, name);
    annotateString(w, Ann.Note, text);
    this.seq.end();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
