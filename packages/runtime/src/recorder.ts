// The recorder: one per thread (per realm), reached by instrumented code through the global
// registry. Its hooks are the hot path: they write integers and a timestamp into preallocated
// typed arrays and allocate nothing.
//
// Event encoding, one Int32 code, one Float64 time and one Int32 mark per event:
//   code > 0   enter the function with that id; the hook returns the new depth (the "frame")
//   code < 0   exit down to depth -code - 1: closes the frame -code and anything still open
//              above it (module top-level code has no try/finally, so an exception that escapes
//              a module's evaluation leaves its slice open until an enclosing frame exits)
//   mark       0 for plain calls; for a slice of a generator or async function,
//              (instance << 3) | how it was resumed (on enter) or how it ended (on exit)
//
// A generator or async function *instance* (one call) runs as several slices. Its hooks keep the
// instance's state in typed arrays indexed by the instance number, which the instrumented code
// holds in a local: begin() at the first run, suspend*() as a value goes into `await`/`yield`,
// resume*() as the result comes out, caught()/enteredFinally() at the top of every catch and
// finally (resumptions by gen.throw(), gen.return() or a rejected await land there without
// passing a resume hook), and fail()/end() when the body is left.
import { clock } from './clock';
import { FunctionTable } from './function-table';
import { Ended, INSTANCE_SHIFT, InstanceState, Resumed, WOKEN } from './coroutine-kinds';
import type { WakeTracker } from './wakeups';
import { heapStorage, type RecorderStorage } from './storage';
import { MAX_SIDE_VALUES, SIDE_SHIFT } from './side-events';
import { recordArgs, recordResult } from './value-capture';
import { SideValueRelease } from './side-values';

/** Events per chunk: 256 Ki events are 4 MiB of typed arrays (16 bytes an event). */
export const CHUNK_EVENTS = 1 << 18;

export interface EventChunk {
  codes: Int32Array;
  times: Float64Array;
  marks: Int32Array;
  length: number;
}

const INITIAL_INSTANCES = 1 << 10;
/** Instance numbers share an Int32 mark with a 3-bit kind. */
const MAX_INSTANCES = 2 ** (31 - INSTANCE_SHIFT) - 1;

export class Recorder {
  readonly version: string;
  readonly functions = new FunctionTable();
  /**
   * Whether hooks record; when false they cost a load and a branch. Instrumented code reads it
   * itself before calling enter(), so every recorder-like object in the registry must have it.
   */
  recording = false;
  depth = 0;
  /** Depth of the innermost open span: an await resumes on top of it (see openSpan). */
  private spanDepth = 0;
  /** Instances begun so far; instance numbers start at 1. */
  instances = 0;
  private codes: Int32Array;
  private times: Float64Array;
  private marks: Int32Array;
  private cursor = 0;
  private readonly full: EventChunk[] = [];
  /** Flight recorder: the newest events kept (0: all), and the chunks dropped for it. */
  private ringEvents = 0;
  private droppedChunks = 0;
  private chunkSink: ((chunk: EventChunk) => boolean) | null = null;
  /** Events no longer in chunks(): see recordedEvents. */
  private discarded = 0;
  /** Chunks given back by clear(), reused before any new one is allocated. */
  private readonly spare: EventChunk[] = [];
  private instanceFunction = new Int32Array(INITIAL_INSTANCES);
  private instanceFrame = new Int32Array(INITIAL_INSTANCES);
  private instanceState = new Uint8Array(INITIAL_INSTANCES);
  /** Wake-up arrows, when asked for (see wakeups.ts). */
  private wake: WakeTracker | null = null;
  /** Lets side-event payloads go with their events. */
  private readonly sideRelease = new SideValueRelease(this.functions.sideValues);

  constructor(version: string, private readonly storage: RecorderStorage = heapStorage) {
    this.version = version;
    ({ codes: this.codes, times: this.times, marks: this.marks } = storage.newChunk(CHUNK_EVENTS));
  }

  /** Called once per module by the injected header. Returns the id of the module's entry 0. */
  register(file: string, entries: ReadonlyArray<string | number>): number {
    this.storage.registered(String(file), entries);
    return this.functions.register(String(file), entries);
  }

  // ------------------------------------------------------------ plain functions

  enter(id: number): number {
    if (!this.recording) return 0;
    const c = this.cursor;
    this.codes[c] = id;
    this.times[c] = clock.now();
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
    return ++this.depth;
  }

  exit(frame: number): void {
    if (frame === 0) return;
    const c = this.cursor;
    this.codes[c] = -frame;
    this.times[c] = clock.now();
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
    this.depth = frame - 1;
  }

  // ------------------------------------------------------------ generators and async functions

  /** First run of an instance of coroutine `id`; returns the instance number (0: not recorded). */
  begin(id: number): number {
    // Past MAX_INSTANCES an instance number would not fit its mark: later instances go untraced.
    if (!this.recording || this.instances === MAX_INSTANCES) return 0;
    const co = ++this.instances;
    if (co === this.instanceState.length) this.growInstances();
    this.instanceFunction[co] = id;
    this.instanceState[co] = InstanceState.Running;
    this.enterSlice(co, Resumed.First);
    return co;
  }

  /** First run of an async function instance: as begin(), and its promise is noted for wake-ups. */
  beginAsync(id: number): number {
    const co = this.begin(id);
    if (this.wake !== null && co !== 0) this.wake.begun(co);
    return co;
  }

  /** `await S(x)`: the slice ends as the value goes into the await. Returns `value`. */
  suspendAwait<T>(co: number, value: T): T {
    if (co !== 0 && this.instanceState[co] === InstanceState.Running) {
      this.exitSlice(co, Ended.Await, InstanceState.Awaiting);
      if (this.wake !== null) this.wake.awaiting(co, value);
    }
    return value;
  }

  /** `yield S(x)` and `yield* S(x)`. Returns `value`. */
  suspendYield<T>(co: number, value: T): T {
    if (co !== 0 && this.instanceState[co] === InstanceState.Running) this.exitSlice(co, Ended.Yield, InstanceState.Yielded);
    return value;
  }

  /** `R(await ...)`: the await returned normally. Returns `value`. */
  resumeAwait<T>(co: number, value: T): T {
    if (co !== 0 && this.instanceState[co] === InstanceState.Awaiting) {
      // An await resumes from a microtask, on an empty stack: frames still open were left by an
      // exception that skipped their exit (module top-level code has no finally). Close them.
      if (this.depth !== this.spanDepth) this.closeStaleFrames();
      if (this.wake !== null) this.noteWaker(co);
      this.enterSlice(co, Resumed.AwaitFulfilled);
    }
    return value;
  }

  /** `R(yield ...)`: resumed by next(). Returns `value`. */
  resumeNext<T>(co: number, value: T): T {
    if (co !== 0 && this.instanceState[co] === InstanceState.Yielded) this.enterSlice(co, Resumed.Next);
    return value;
  }

  /** Top of a catch block: if suspended, resumed by gen.throw() or a rejected await. */
  caught(co: number): void {
    const state = this.instanceState[co];
    if (co === 0 || state === InstanceState.Running || state === InstanceState.Done) return;
    if (this.wake !== null && state === InstanceState.Awaiting) this.noteWaker(co);
    this.enterSlice(co, state === InstanceState.Yielded ? Resumed.Throw : Resumed.AwaitRejected);
  }

  /** Top of a finally block: if suspended, resumed by gen.return() (or an awaited return value). */
  enteredFinally(co: number): void {
    const state = this.instanceState[co];
    if (co === 0 || state === InstanceState.Running || state === InstanceState.Done) return;
    this.enterSlice(co, state === InstanceState.Yielded ? Resumed.Return : Resumed.AwaitFulfilled);
  }

  /** The body is left by an exception. */
  fail(co: number): void {
    if (co === 0 || this.instanceState[co] === InstanceState.Done) return;
    this.caught(co);
    this.exitSlice(co, Ended.Throw, InstanceState.Done);
  }

  /** The body is left (after fail() when by an exception). */
  end(co: number): void {
    if (co === 0 || this.instanceState[co] === InstanceState.Done) return;
    this.enteredFinally(co);
    this.exitSlice(co, Ended.Return, InstanceState.Done);
  }

  /** `@traced` without the plugin: resumes a suspended instance, saying how. */
  resumeAs(co: number, how: Resumed): void {
    const state = this.instanceState[co];
    if (co === 0 || state === InstanceState.Running || state === InstanceState.Done) return;
    this.enterSlice(co, how);
  }

  /** `@traced` without the plugin: suspends or ends a running instance, saying how. */
  suspendAs(co: number, how: Ended): void {
    if (co === 0 || this.instanceState[co] !== InstanceState.Running) return;
    const done = how === Ended.Return || how === Ended.Throw || how === Ended.Settled;
    this.exitSlice(co, how, done ? InstanceState.Done : how === Ended.Yield ? InstanceState.Yielded : InstanceState.Awaiting);
  }

  private enterSlice(co: number, how: Resumed): void {
    const c = this.cursor;
    this.codes[c] = this.instanceFunction[co];
    this.times[c] = clock.now();
    this.marks[c] = (co << INSTANCE_SHIFT) | how;
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
    this.instanceFrame[co] = ++this.depth;
    this.instanceState[co] = InstanceState.Running;
  }

  private exitSlice(co: number, how: Ended, next: InstanceState): void {
    const frame = this.instanceFrame[co];
    const c = this.cursor;
    this.codes[c] = -frame;
    this.times[c] = clock.now();
    this.marks[c] = (co << INSTANCE_SHIFT) | how;
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
    this.depth = frame - 1;
    this.instanceState[co] = next;
  }

  /**
   * Before `co` resumes from an await: if the promise it awaited was a finished instance's, an
   * event (code 0, mark = that instance << 3 | WOKEN) says the next slice was woken by it.
   */
  private noteWaker(co: number): void {
    const source = this.wake!.resuming(co);
    if (source === 0 || this.instanceState[source] !== InstanceState.Done) return;
    const c = this.cursor;
    this.codes[c] = 0;
    // A time too: the arena finds a chunk's end at the first time still 0.
    this.times[c] = clock.now();
    this.marks[c] = (source << INSTANCE_SHIFT) | WOKEN;
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
  }

  private closeStaleFrames(): void {
    const c = this.cursor;
    this.codes[c] = -(this.spanDepth + 1);
    this.times[c] = clock.now();
    this.marks[c] = Ended.Throw;
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
    this.depth = this.spanDepth;
  }

  // ------------------------------------------------------------ side events (side-events.ts)

  /** Payloads of side events, by index (the function table carries them). */
  get sideValues(): unknown[] {
    return this.functions.sideValues;
  }

  /**
   * Records a side event of `kind` (1..6) now, at the current depth, with `value` as its payload.
   * Not for the hot path: it appends to an array. Nothing when not recording or the table is full.
   */
  addSide(kind: number, value: unknown): void {
    if (!this.recording) return;
    const values = this.functions.sideValues;
    const index = values.length;
    if (index >= MAX_SIDE_VALUES) return;
    values.push(value);
    if (this.storage.sideValue !== undefined) this.storage.sideValue(index, value);
    const c = this.cursor;
    this.codes[c] = 0;
    this.times[c] = clock.now();
    this.marks[c] = (index << SIDE_SHIFT) | (kind & 7);
    if (c + 1 === CHUNK_EVENTS) this.nextChunk();
    else this.cursor = c + 1;
  }

  // ------------------------------------------------------------ argument and return values (opt-in)

  /**
   * The parameters' values at entry (plugin option `args`): `names` is the parameter names,
   * comma-separated; called only when `frame` (or the instance) is recorded. Never throws.
   */
  args(frame: number, names: string, ...values: unknown[]): void {
    if (frame !== 0 && this.recording) recordArgs(this, names, values);
  }

  /** `return R.returned(frame, x)`: notes x as the slice's return value. Returns `value`. */
  returned<T>(frame: number, value: T): T {
    if (frame !== 0 && this.recording) recordResult(this, 'return', value);
    return value;
  }

  /** The body is left by an exception: notes it as the slice's result. */
  threw(frame: number, error: unknown): void {
    if (frame !== 0 && this.recording) recordResult(this, 'throw', error);
  }

  // ------------------------------------------------------------ spans

  /**
   * Opens a slice that stays open across asynchronous work (a test, a request): what runs until
   * closeSpan, await continuations included, nests inside it. Spans nest; close them in order.
   */
  openSpan(id: number): number {
    const frame = this.enter(id);
    if (frame !== 0) this.spanDepth = frame;
    return frame;
  }

  closeSpan(frame: number): void {
    if (frame === 0) return;
    this.exit(frame);
    this.spanDepth = Math.min(this.spanDepth, frame - 1);
  }

  /** Turns wake-up arrows on (Node only: they need V8's promise hooks). */
  enableWakeups(tracker: WakeTracker): void {
    this.wake = tracker;
  }

  private growInstances(): void {
    const size = this.instanceState.length * 2;
    const fn = new Int32Array(size);
    fn.set(this.instanceFunction);
    this.instanceFunction = fn;
    const frame = new Int32Array(size);
    frame.set(this.instanceFrame);
    this.instanceFrame = frame;
    const state = new Uint8Array(size);
    state.set(this.instanceState);
    this.instanceState = state;
  }

  // ------------------------------------------------------------ control and read-back

  start(): void {
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
  }

  /** Everything recorded so far, oldest first. The last chunk is a view of the live arrays. */
  chunks(): EventChunk[] {
    const all = [...this.full, { codes: this.codes, times: this.times, marks: this.marks, length: this.cursor }];
    if (this.ringEvents === 0) return all;
    // Flight recorder: exactly the newest ringEvents events.
    let extra = all.reduce((n, c) => n + c.length, 0) - this.ringEvents;
    while (extra > 0 && all.length > 0) {
      const first = all[0];
      if (first.length <= extra) {
        extra -= first.length;
        all.shift();
      } else {
        all[0] = { codes: first.codes.subarray(extra), times: first.times.subarray(extra), marks: first.marks.subarray(extra), length: first.length - extra };
        extra = 0;
      }
    }
    return all;
  }

  /**
   * Flight-recorder mode: keep only the newest `events` events (0: keep everything). Older chunks
   * are reused as new ones fill, so memory stays bounded however long the program runs.
   */
  keepNewest(events: number): void {
    this.ringEvents = Math.max(0, Math.floor(events));
  }

  /** Events recorded but no longer kept (flight-recorder mode), since the last clear(). */
  get droppedEvents(): number {
    if (this.ringEvents === 0) return 0;
    return Math.max(0, this.droppedChunks * CHUNK_EVENTS + this.full.length * CHUNK_EVENTS + this.cursor - this.ringEvents);
  }

  /**
   * Events recorded since the recorder was made: a position that only grows. Those before
   * `discardedEvents` are no longer in chunks() (written out by streaming, dropped by the ring
   * buffer, or cleared); chunks() holds positions discardedEvents .. recordedEvents.
   */
  get recordedEvents(): number {
    return this.discarded + this.eventCount;
  }

  get discardedEvents(): number {
    return this.discarded;
  }

  get eventCount(): number {
    return this.full.length * CHUNK_EVENTS + this.cursor;
  }

  /** Drops recorded events (function ids and instance numbers stay valid). */
  clear(): void {
    this.discarded += this.eventCount;
    this.droppedChunks = 0;
    for (const chunk of this.full) {
      chunk.marks.fill(0);
      this.spare.push(chunk);
    }
    this.full.length = 0;
    this.cursor = 0;
    this.marks.fill(0);
    this.sideRelease.allGone();
  }

  /**
   * The current chunk is full: keep it, go on in a spare or a new one. Fresh typed arrays are
   * memory outside the JS heap, and V8 answers its growth with full collections, so chunks are
   * large (few allocations) and reused after clear().
   */
  /**
   * Streaming: `sink` gets each chunk as it fills; when it returns true the chunk was written out
   * and its arrays are reused, so memory stays bounded. chunks() then holds only what is left.
   */
  streamChunksTo(sink: ((chunk: EventChunk) => boolean) | null): void {
    this.chunkSink = sink;
  }

  private nextChunk(): void {
    const filled = { codes: this.codes, times: this.times, marks: this.marks, length: CHUNK_EVENTS };
    if (this.chunkSink !== null && this.ringEvents === 0 && this.chunkSink(filled)) {
      this.discarded += CHUNK_EVENTS;
      filled.marks.fill(0);
      this.spare.push(filled);
      ({ codes: this.codes, times: this.times, marks: this.marks } = this.spare.pop()!);
      this.cursor = 0;
      this.sideRelease.allGone();
      return;
    }
    if (this.storage.streams) {
      // The storage writes it out and reuses its memory: keeping a view of it would read garbage.
      this.discarded += CHUNK_EVENTS;
      ({ codes: this.codes, times: this.times, marks: this.marks } = this.storage.newChunk(CHUNK_EVENTS));
      this.cursor = 0;
      this.sideRelease.allGone();
      return;
    }
    this.full.push(filled);
    this.sideRelease.chunkKept();
    if (this.ringEvents > 0 && (this.full.length - 1) * CHUNK_EVENTS >= this.ringEvents) {
      const oldest = this.full.shift()!; // the rest still hold the newest ringEvents
      this.discarded += CHUNK_EVENTS;
      oldest.marks.fill(0);
      this.spare.push(oldest);
      this.droppedChunks++;
      this.sideRelease.oldestDropped();
    }
    ({ codes: this.codes, times: this.times, marks: this.marks } = this.spare.pop() ?? this.storage.newChunk(CHUNK_EVENTS));
    this.cursor = 0;
  }
}
