// `@traced` async generator methods: each instance is one chain, followed across its awaits by
// async-runs.ts's promise hooks. Measured on Node 20:
// - next()/throw() on an instance at its start or at a yield create the request's promise (in
//   the builtin's frame) and run the body at once, up to its first await; `yield v` and
//   `return v` await `v` there, and `for await` awaits each result, all like an `await`: a
//   throwaway promise created in the body's own frame, whose before/after hooks bracket the run.
// - The run that resumes from a yield's await settles the request's promise and suspends at the
//   yield; if more requests are queued, V8 goes on with the next one in that same run.
// - return() at a yield awaits its value in the builtin's frame; that await's reaction resumes
//   the body (its `finally` blocks).
// - next()/throw()/return() while the body runs or awaits only queue a request.
// - The request's promise is settled by a return or a throw of the body from the body's own
//   frame, by a yield from V8's machinery with no frame of the body on the stack (a stack capture
//   at the `settled` hook tells them apart), and by a call on an instance that had ended inside
//   the call's builtin. A `yield*` passes on the inner generator's values from the body's frame,
//   which is then at the `yield*` keyword: the function's source (toString) at that position
//   tells it from a return or a throw.
// The hooks do not say whether a promise was fulfilled or rejected: a run that ends the body says
// `settled`, as an async method's last run does.
import type { Recorder } from './recorder';
import type { Site } from './traced-site';
import { Ended, Resumed } from './coroutine-kinds';
import { runsOf } from './async-runs';

export const RESUMED_BY = [Resumed.Next, Resumed.Throw, Resumed.Return];

export const enum GenState {
  AtYield = 0,
  Busy = 1,
  Done = 2,
}

export class GenInstance {
  state = GenState.AtYield;
  /** Requests queued while busy, and how each was made: promise, how, promise, how... */
  readonly queue: unknown[] = [];
  expectRequest = false;
  returnPending = false;
  /** The run on the stack resumed from an await of the body (only such a run can yield). */
  resumedFromAwait = false;
  /** The request settled outside the body in such a run: a yield. */
  yielded = false;
  /** How the pending await's reaction resumes the body. */
  reactionHow: Resumed = Resumed.Await;
  constructor(readonly site: Site) {}
}

type Method = (this: unknown, value?: unknown) => unknown;

const YIELD_STAR = /^yield\s*\*/;

/** The source of each async generator method `@traced` wrapped, split in lines when first needed. */
const sources = new WeakMap<Site, unknown>();

export function noteSource(site: Site, fn: unknown): void {
  sources.set(site, fn);
}

/** Whether the body's source at (line, col) of its file (1-based) is a `yield*`. */
export function isYieldStarAt(site: Site, line: number, col: number): boolean {
  try {
    let lines = sources.get(site);
    if (typeof lines === 'function') {
      lines = Function.prototype.toString.call(lines).split('\n');
      sources.set(site, lines);
    }
    if (!Array.isArray(lines)) return false;
    // frameKey ends with the body's own line:col, where its source text (as toString gives it) starts.
    const parts = site.frameKey.split(':');
    const row = line - Number(parts[parts.length - 2]);
    if (!(row >= 0 && row < lines.length)) return false;
    const at = row === 0 ? col - Number(parts[parts.length - 1]) : col - 1;
    const text = lines[row] as string;
    return at >= 0 && YIELD_STAR.test(text.slice(at));
  } catch {
    return false;
  }
}
type TracedIterator = Record<symbol, number>;

/**
 * A next() (how 0), throw() (1) or return() (2) of an async generator instance, its number kept
 * in `it[key]` as traced-wrap.ts keeps a generator's: 0 before its first run, -1 when not recorded.
 */
export function asyncGeneratorStep(it: TracedIterator, key: symbol, site: Site, how: number, original: Method, value: unknown): unknown {
  let co = it[key];
  const rec = site.rec;
  if (co < 0 || rec === undefined || !rec.recording) {
    if (co === 0 && how === 0) it[key] = -1;
    return original.call(it, value);
  }
  const runs = runsOf(rec);
  if (runs === null) return withoutHooks(rec, it, key, site, how, original, value);
  const call = () => original.call(it, value);
  if (co === 0) {
    co = firstRun(it, key, rec, site.id, how);
    return co === 0 ? call() : runs.genFirst(co, site, call);
  }
  return runs.genStep(co, how, call);
}

/**
 * A generator instance's first call, with `it[key]` still 0: a next() begins the instance (its
 * number is returned and kept); a return()/throw() runs no code and finishes it, and a recorder
 * that takes no more instances begins none: 0, and `it[key]` -1 (never recorded).
 */
export function firstRun(it: TracedIterator, key: symbol, rec: Recorder, id: number, how: number): number {
  const co = how === 0 ? rec.begin(id) : 0;
  it[key] = co === 0 ? -1 : co;
  return co;
}

/** Not Node: each call that runs the body is a slice, up to its first await. */
function withoutHooks(rec: Recorder, it: TracedIterator, key: symbol, site: Site, how: number, original: Method, value: unknown): unknown {
  let co = it[key];
  if (co === 0) {
    co = firstRun(it, key, rec, site.id, how);
    if (co === 0) return original.call(it, value);
  } else rec.resumeAs(co, RESUMED_BY[how]);
  try {
    return original.call(it, value);
  } finally {
    rec.suspendAs(co, Ended.Await);
  }
}

// ------------------------------------------------------------ the body's frame

const FRAMES = 24;
type CallSiteLike = {
  getFileName(): string | null;
  getFunctionName(): string | null;
  getEnclosingLineNumber?(): number | null;
  getEnclosingColumnNumber?(): number | null;
};

/**
 * The body's frame, as async-runs.ts keys frames, from inside its first run: the frame just
 * above the next() builtin that asyncGeneratorStep called. '' when it cannot be told (then no await is followed).
 */
export function genFrameKey(): string {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = FRAMES;
    Error.captureStackTrace(holder, genFrameKey);
    Error.prepareStackTrace = bodyFrame;
    const key = holder.stack;
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
  }
}

function bodyFrame(_error: unknown, frames: CallSiteLike[]): string {
  for (let i = 1; i < frames.length; i++) {
    const file = frames[i].getFileName();
    if (file !== null && file !== undefined && file !== '') continue;
    const name = frames[i].getFunctionName();
    if (name !== 'next' && name !== 'throw' && name !== 'return') continue;
    // The builtin our step called (not one the body called, as `for await` does).
    if (i + 1 >= frames.length || frames[i + 1].getFileName() !== __filename) continue;
    const body = frames[i - 1];
    const bodyFile = body.getFileName();
    if (bodyFile === null || bodyFile === undefined || bodyFile === '' || bodyFile.startsWith('node:')) return '';
    return `${bodyFile}:${body.getEnclosingLineNumber?.() ?? 0}:${body.getEnclosingColumnNumber?.() ?? 0}`;
  }
  return '';
}
