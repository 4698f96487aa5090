// Scoped tracing from code: trace(fn) and startTrace() record only while a scope is open and turn
// just the scope's events into a trace (a file, or Chrome JSON text).
//
// Recording is shared by every scope of the realm's recorder: the first scope that finds it off
// turns it on, and it goes off when the last open scope closes. A recorder that was already
// recording (under `panopticon`, or started by its embedder) is left alone: the scope only notes
// where its events start and end. Either way a scope also records whatever else runs on the thread
// while it is open (other requests' callbacks between the awaits of an async scope): one thread's
// recorder cannot tell them apart.
import { installRecorder } from './registry';
import { writeChromeTrace } from './chrome-json';
import { assertWritable, defaultMeta, writeTraceFile } from './trace-file';
import { clock } from './clock';
import { scopeEvents } from './scope-events';
import { valuesNamedBy } from './side-values';
import type { EventChunk, Recorder } from './recorder';
import type { FunctionTable } from './function-table';

export interface ScopeOptions {
  /** Where the trace is written when the scope ends; its extension names the format. */
  output?: string;
  /** The process's name in the trace; the command line by default. */
  processName?: string;
}

/** What trace(fn) gives back (in a promise when `fn` returned one). */
export interface ScopeResult<T> {
  /** What `fn` returned (its promise's value for an async `fn`). */
  result: T;
  /** Events written to the trace (slices and metadata). */
  events: number;
  /** The trace as Chrome JSON text, when no `output` was given. */
  trace?: string;
  /** Where the trace was written, when `output` was given. */
  output?: string;
}

/** `Symbol.dispose` where the runtime has it, else the key Babel's `using` helpers fall back to. */
export const disposeSymbol: typeof Symbol.dispose =
  (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/** The open scopes of one recorder, kept on it so that every copy of the runtime shares them. */
interface ScopeState {
  open: number;
  /** Whether scopes turned recording on (and so turn it off again). */
  owned: boolean;
  /** The recorder's event count when scopes turned it on: 0 means nothing of anyone else's to keep. */
  ownedFrom: number;
}

const STATE = Symbol.for('panopticon.scopes');

function stateOf(recorder: Recorder): ScopeState {
  const holder = recorder as unknown as Record<symbol, ScopeState | undefined>;
  let state = holder[STATE];
  if (state === undefined) {
    state = { open: 0, owned: false, ownedFrom: 0 };
    Object.defineProperty(recorder, STATE, { value: state, enumerable: false });
  }
  return state;
}

/** A scope being recorded: startTrace()'s handle, also what trace(fn) uses. */
export class TraceScope {
  private readonly recorder: Recorder;
  private readonly from: number;
  private readonly startDepth: number;
  private events: EventChunk | null = null;
  /** The side-event payloads its events name, copied at stop (the recorder lets them go later). */
  private sideValues: unknown[] = [];
  private endMs = 0;

  constructor(private readonly options: ScopeOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`panopticon: trace options must be an object, got ${describe(options)}`);
    if (options.output !== undefined) checkOutput(options.output);
    this.recorder = installRecorder();
    const state = stateOf(this.recorder);
    if (!this.recorder.recording) {
      state.owned = true;
      state.ownedFrom = this.recorder.eventCount; // 0: the memory held nobody else's events
      this.recorder.start();
    }
    state.open++;
    this.from = this.recorder.recordedEvents;
    this.startDepth = this.recorder.depth;
  }

  /** Whether the scope still records. */
  get active(): boolean {
    return this.events === null;
  }

  /**
   * Ends the scope (again: nothing more) and returns how many events (function enters and exits)
   * it recorded. Its events are copied out, so later scopes cannot disturb them.
   */
  stop(): number {
    if (this.events !== null) return this.events.length;
    this.endMs = clock.now();
    // Positions only grow. A recorder that streams (an enclosing `panopticon` run) or keeps only
    // its newest events may no longer hold the scope's first events: those are in the enclosing
    // trace, and the scope's own trace starts where memory does.
    const discarded = this.recorder.discardedEvents;
    const from = Math.max(this.from, discarded) - discarded;
    const to = this.recorder.recordedEvents - discarded;
    this.events = scopeEvents(this.recorder.chunks(), from, to, this.startDepth);
    this.sideValues = valuesNamedBy(this.events, this.recorder.functions.sideValues);
    const state = stateOf(this.recorder);
    state.open = Math.max(0, state.open - 1);
    if (state.open === 0 && state.owned) {
      state.owned = false;
      this.recorder.stop();
      // Nobody else's events were there before: give the memory back (the scopes copied theirs).
      if (state.ownedFrom === 0) this.recorder.clear();
    }
    return this.events.length;
  }

  /**
   * Ends the scope and writes its trace to `path` (default: the `output` option), in the format
   * its extension names. Returns the number of events written. Throws if there is no path or it
   * cannot be written.
   */
  save(path: string | undefined = this.options.output): number {
    if (typeof path !== 'string' || path === '') throw new TypeError(`panopticon: save(path) needs a file path (or the output option), got ${describe(path)}`);
    this.stop();
    try {
      return writeTraceFile(path, this.source(), this.meta(), this.endMs);
    } catch (error) {
      throw new Error(`panopticon: cannot write the trace to ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Ends the scope and returns its trace as Chrome JSON text. */
  json(): string {
    return this.render().text;
  }

  /** The trace as Chrome JSON text and the number of events in it. */
  render(): { text: string; events: number } {
    this.stop();
    let text = '';
    const events = writeChromeTrace(this.source(), this.meta(), this.endMs, (part) => {
      text += part;
    });
    return { text, events };
  }

  /**
   * `using`: ends the scope and writes the `output` option's file if there is one. It never
   * throws (it runs as the user's block is left): a failed write is said on stderr.
   */
  [disposeSymbol](): void {
    this.stop();
    if (this.options.output !== undefined) saveQuietly(this, this.options.output);
  }

  private source() {
    const events = this.events!;
    // The recorder's table, with the scope's own copy of the payloads.
    const functions = Object.create(this.recorder.functions, { sideValues: { value: this.sideValues } }) as FunctionTable;
    return { functions, chunks: () => [events] };
  }

  private meta() {
    const meta = defaultMeta();
    if (this.options.processName) meta.processName = this.options.processName;
    return meta;
  }
}

/** Opens a scope: records from now until its handle's stop(), save(), json() or disposal. */
export function startTrace(options: ScopeOptions = {}): TraceScope {
  return new TraceScope(options);
}

/**
 * Runs `fn` and records only while it runs (until its promise settles, for an async `fn`). The
 * trace goes to `options.output`, or comes back as Chrome JSON text in `trace`. If `fn` throws or
 * its promise rejects, the trace is written all the same and the error passed on.
 */
export function trace<T>(fn: () => Promise<T>, options?: ScopeOptions): Promise<ScopeResult<T>>;
export function trace<T>(fn: () => T, options?: ScopeOptions): ScopeResult<T>;
export function trace<T>(fn: () => T, options: ScopeOptions = {}): ScopeResult<T> | Promise<ScopeResult<Awaited<T>>> {
  if (typeof fn !== 'function') throw new TypeError(`panopticon: trace(fn) needs a function, got ${describe(fn)}`);
  const scope = new TraceScope(options);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    finish(scope, options);
    throw error;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => ({ result: value, ...finish(scope, options) }),
      (error: unknown) => {
        finish(scope, options);
        throw error;
      },
    );
  }
  return { result, ...finish(scope, options) };
}

/** Ends a trace(fn) scope and writes or returns its trace; never throws. */
function finish(scope: TraceScope, options: ScopeOptions): { events: number; trace?: string; output?: string } {
  scope.stop();
  if (options.output !== undefined) return { events: saveQuietly(scope, options.output), output: options.output };
  try {
    const { text, events } = scope.render();
    return { events, trace: text };
  } catch (error) {
    warn(`panopticon: could not write the scope's trace: ${(error as Error).message}`);
    return { events: 0, trace: '[]' };
  }
}

/** The output was checked writable when the scope opened; a failure now is said, not thrown. */
function saveQuietly(scope: TraceScope, path: string): number {
  try {
    return scope.save(path);
  } catch (error) {
    warn((error as Error).message);
    return 0;
  }
}

function checkOutput(path: unknown): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`panopticon: the output option must be a file path, got ${describe(path)}`);
  try {
    assertWritable(path);
  } catch (error) {
    throw new Error(`panopticon: cannot write the trace to ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

function warn(message: string): void {
  if (typeof process === 'object' && process !== null && typeof process.stderr?.write === 'function') process.stderr.write(`${message}\n`);
}
