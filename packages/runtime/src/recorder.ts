// The recorder: one per thread (per realm), reached by instrumented code through the global
// registry. Its two hooks are the hot path: they write an integer code and a timestamp into
// preallocated typed arrays and allocate nothing.
//
// Event encoding, one Int32 code and one Float64 time per event:
//   code > 0   enter the function with that id; the hook returns the new depth (the "frame")
//   code < 0   exit down to depth -code - 1: closes the frame -code and anything still open
//              above it (module top-level code has no try/finally, so an exception that escapes
//              a module's evaluation leaves its slice open until an enclosing frame exits)
import { clock } from './clock';
import { FunctionTable } from './function-table';

/** Events per chunk: 64 Ki events are 768 KiB of typed arrays. */
export const CHUNK_EVENTS = 1 << 16;

export interface EventChunk {
  codes: Int32Array;
  times: Float64Array;
  length: number;
}

export class Recorder {
  readonly version: string;
  readonly functions = new FunctionTable();
  /** Whether hooks record; when false they cost a load and a branch. */
  recording = false;
  depth = 0;
  private codes = new Int32Array(CHUNK_EVENTS);
  private times = new Float64Array(CHUNK_EVENTS);
  private cursor = 0;
  private readonly full: EventChunk[] = [];

  constructor(version: string) {
    this.version = version;
  }

  /** Called once per module by the injected header. Returns the id of the module's entry 0. */
  register(file: string, entries: ReadonlyArray<string | number>): number {
    return this.functions.register(String(file), entries);
  }

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

  start(): void {
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
  }

  /** Everything recorded so far, oldest first. The last chunk is a view of the live arrays. */
  chunks(): EventChunk[] {
    return [...this.full, { codes: this.codes, times: this.times, length: this.cursor }];
  }

  get eventCount(): number {
    return this.full.length * CHUNK_EVENTS + this.cursor;
  }

  /** Drops recorded events (function ids stay valid). */
  clear(): void {
    this.full.length = 0;
    this.cursor = 0;
  }

  private nextChunk(): void {
    this.full.push({ codes: this.codes, times: this.times, length: CHUNK_EVENTS });
    this.codes = new Int32Array(CHUNK_EVENTS);
    this.times = new Float64Array(CHUNK_EVENTS);
    this.cursor = 0;
  }
}
