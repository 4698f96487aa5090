// `@traced` async methods in code the plugin did not instrument: the body's awaits are invisible
// to a wrapper, so V8's promise hooks (Node only) tell when the instance runs.
//
// Measured on Node 20: the promise an `await` creates for itself (the "throwaway" whose reaction
// resumes the body) is the last promise created before the body suspends, in a frame of the
// async function itself, and its `before`/`after` hooks bracket exactly the body's next run. Its
// parent is the awaited promise, not the function's own. So: while a traced run is on the stack,
// the latest promise created and the frame that created it (a stack capture limited to a few
// frames) are kept; when the run ends, if the function's own promise did not settle and that
// latest promise was made by the function's own code (same source position), it is the await's,
// and its `before` starts the next slice. Otherwise the body has ended (by a return or a throw,
// which the hooks cannot tell apart: `settled`).
//
// Promise hooks slow every promise of the process; they are installed the first time a traced
// async method runs while recording, and stay.
import type { Recorder } from './recorder';
import type { Site } from './traced-site';
import { Ended, Resumed } from './coroutine-kinds';
import { GenInstance, GenState, RESUMED_BY, genFrameKey, isYieldStarAt } from './async-gen-runs';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
type CallSiteLike = {
  getFileName(): string | null;
  getLineNumber?(): number | null;
  getColumnNumber?(): number | null;
  getEnclosingLineNumber?(): number | null;
  getEnclosingColumnNumber?(): number | null;
};

const KEY = Symbol.for('panopticon.async-runs');

export function tracedAsyncCall(rec: Recorder, site: Site, fn: AnyFn, thisArg: unknown, args: IArguments): unknown {
  const runs = runsOf(rec);
  if (runs === null) {
    // No promise hooks here: the first run is a plain slice.
    const frame = rec.enter(site.id);
    try {
      return fn.apply(thisArg, args as unknown as unknown[]);
    } finally {
      rec.exit(frame);
    }
  }
  const co = rec.begin(site.id);
  if (co === 0) return fn.apply(thisArg, args as unknown as unknown[]);
  runs.push(co, site, null);
  let promise: unknown;
  try {
    promise = fn.apply(thisArg, args as unknown as unknown[]);
  } catch (error) {
    runs.pop();
    rec.suspendAs(co, Ended.Throw);
    throw error;
  }
  runs.runEnded(co);
  return promise;
}

export function runsOf(rec: Recorder): AsyncRuns | null {
  const holder = rec as unknown as Record<symbol, AsyncRuns | null | undefined>;
  let runs = holder[KEY];
  if (runs === undefined) {
    runs = AsyncRuns.create(rec);
    Object.defineProperty(rec, KEY, { value: runs, enumerable: false });
  }
  return runs;
}

export class AsyncRuns {
  /** Traced runs on the stack, innermost last: instance, its site, the promise whose reaction it is. */
  private readonly cos: number[] = [];
  private readonly sites: Site[] = [];
  private readonly reactions: (object | null)[] = [];
  /** Per instance: its own promise (until it ends) and whether that settled during the run. */
  private readonly outer: (object | undefined)[] = [];
  private readonly settled: boolean[] = [];
  /** The latest promise created during the innermost run, and the stack that created it. */
  private latest: object | undefined = undefined;
  private latestStack: { stack?: unknown } = {};
  private readonly ownerOf = new WeakMap<object, number>();

  static create(rec: Recorder): AsyncRuns | null {
    try {
      if (typeof process !== 'object' || process === null || typeof process.versions?.node !== 'string') return null;
      const hooks = (require('node:v8') as typeof import('node:v8')).promiseHooks;
      if (hooks === undefined) return null;
      const runs = new AsyncRuns(rec);
      hooks.createHook({
        init: (promise: object, parent: object | undefined) => runs.init(promise, parent),
        settled: (promise: object) => runs.settle(promise),
        before: (promise: object) => runs.before(promise),
        after: (promise: object) => runs.after(promise),
      });
      return runs;
    } catch {
      return null;
    }
  }

  private constructor(private readonly rec: Recorder) {}

  push(co: number, site: Site, reaction: object | null): void {
    this.cos.push(co);
    this.sites.push(site);
    this.reactions.push(reaction);
    this.latest = undefined;
  }

  pop(): void {
    this.cos.pop();
    this.sites.pop();
    this.reactions.pop();
    this.latest = undefined;
  }

  /** The innermost run (instance `co`) returned to its caller or to the microtask queue. */
  runEnded(co: number): void {
    const gen = this.gens[co];
    if (gen !== undefined) return this.genRunEnded(co, gen);
    const site = this.sites[this.sites.length - 1];
    const latest = this.latest;
    const latestKey = latest !== undefined && !this.settled[co] ? creatorKey(this.latestStack) : '';
    this.pop();
    if (latestKey !== '' && latestKey === site.frameKey) {
      this.ownerOf.set(latest!, co);
      this.suspendedSite[co] = site;
      this.rec.suspendAs(co, Ended.Await);
      return;
    }
    // Returned (perhaps a promise it is now resolved with) or threw.
    this.outer[co] = undefined;
    this.suspendedSite[co] = undefined;
    this.settled[co] = false;
    this.rec.suspendAs(co, Ended.Settled);
  }

  private init(promise: object, parent: object | undefined): void {
    const n = this.cos.length;
    if (n === 0) return;
    try {
      const co = this.cos[n - 1];
      const gen = this.gens[co];
      if (gen !== undefined) {
        // A next()/throw()/return() that runs the body creates its request's promise first.
        if (gen.expectRequest) {
          gen.expectRequest = false;
          this.outer[co] = promise;
          return;
        }
      } else if (this.outer[co] === undefined) {
        // An async function creates its own promise first, before its parameters: in its frame.
        this.outer[co] = promise;
        const site = this.sites[n - 1];
        if (site.frameKey === '') {
          captureCreator(this.latestStack);
          site.frameKey = creatorKey(this.latestStack);
        }
        return;
      }
      // An await's promise always has a parent, the awaited one, which is never the function's
      // own promise (for `await 1` that is the promise V8 makes of the 1 just before): others
      // cannot be it, and need no stack (captures are the costly part).
      const candidate = parent !== undefined && parent !== this.outer[co];
      this.latest = candidate ? promise : undefined;
      if (candidate) captureCreator(this.latestStack);
      if (candidate && gen !== undefined && gen.site.frameKey === '') gen.site.frameKey = genFrameKey();
    } catch {
      // never throw into V8's promise machinery
    }
  }

  private settle(promise: object): void {
    const n = this.cos.length;
    if (n === 0) return;
    const co = this.cos[n - 1];
    if (this.outer[co] !== promise) return;
    const gen = this.gens[co];
    if (gen !== undefined) this.genSettled(co, gen);
    else this.settled[co] = true;
  }

  private before(promise: object): void {
    const co = this.ownerOf.get(promise);
    if (co === undefined) return;
    this.ownerOf.delete(promise);
    try {
      const gen = this.gens[co];
      if (gen !== undefined) gen.resumedFromAwait = gen.reactionHow === Resumed.Await;
      this.rec.resumeAs(co, gen !== undefined ? gen.reactionHow : Resumed.Await);
      this.push(co, this.siteOf(co), promise);
    } catch {
      // never throw into V8's promise machinery
    }
  }

  private after(promise: object): void {
    const n = this.reactions.length;
    if (n === 0 || this.reactions[n - 1] !== promise) return;
    try {
      this.runEnded(this.cos[n - 1]);
    } catch {
      // never throw into V8's promise machinery
    }
  }

  // ---------------------------------------------------------- async generators (async-gen-runs.ts)

  private readonly gens: (GenInstance | undefined)[] = [];

  /** First next() of an async generator instance `co` (already begun): runs `call` as its first run. */
  genFirst(co: number, site: Site, call: () => unknown): unknown {
    const gen = new GenInstance(site);
    this.gens[co] = gen;
    return this.genRun(co, gen, call);
  }

  /** A later next()/throw()/return() (how: 0, 1, 2) of instance `co`. */
  genStep(co: number, how: number, call: () => unknown): unknown {
    const gen = this.gens[co];
    if (gen === undefined || gen.state === GenState.Done) return call();
    if (gen.state === GenState.Busy) {
      // Running or awaiting: the call is queued, and runs no code now.
      const request = call();
      gen.queue.push(request as object, how);
      return request;
    }
    // At a yield: next() and throw() resume the body at once; return() first awaits its value,
    // outside the body, whose reaction then resumes it.
    if (how === 2) gen.returnPending = true;
    else this.rec.resumeAs(co, RESUMED_BY[how]);
    return this.genRun(co, gen, call);
  }

  private genRun(co: number, gen: GenInstance, call: () => unknown): unknown {
    gen.state = GenState.Busy;
    gen.resumedFromAwait = false;
    gen.yielded = false;
    gen.expectRequest = true;
    this.push(co, gen.site, null);
    let request: unknown;
    try {
      request = call();
    } catch (error) {
      this.pop();
      gen.state = GenState.Done;
      this.rec.suspendAs(co, Ended.Throw);
      throw error;
    }
    gen.expectRequest = false;
    this.runEnded(co);
    return request;
  }

  /**
   * The request being served settled while the body's run was on the stack. Settled from the
   * body's own frame, the body returned or threw, or yielded in a `yield*`; from outside it (V8's
   * yield machinery) after an await of the body resumed, it yielded; outside it in a call that
   * resumed nothing, the instance had already ended.
   */
  private genSettled(co: number, gen: GenInstance): void {
    this.outer[co] = undefined;
    captureCreator(this.settleStack);
    const inBody = gen.site.frameKey !== '' && creatorKey(this.settleStack) === gen.site.frameKey;
    // `yield*` passes on the inner iterator's values from the body's frame, at its keyword, in a
    // run that resumed from its await of the inner result.
    const yielded = gen.resumedFromAwait && (!inBody || isYieldStarAt(gen.site, lastLine, lastCol));
    if (yielded && gen.queue.length > 0) {
      // Requests are queued: V8 resumes the body with the next one in this same run.
      this.rec.suspendAs(co, Ended.Yield);
      this.outer[co] = gen.queue.shift() as object;
      const how = gen.queue.shift() as number;
      gen.resumedFromAwait = false;
      // A queued return() first awaits its value outside the body, as at a step.
      if (how === 2) gen.returnPending = true;
      else this.rec.resumeAs(co, RESUMED_BY[how]);
      return;
    }
    gen.yielded = yielded;
    this.settled[co] = true;
  }

  private readonly settleStack: { stack?: unknown } = {};

  private genRunEnded(co: number, gen: GenInstance): void {
    const latest = this.latest;
    const key = latest !== undefined ? creatorKey(this.latestStack) : '';
    const returning = gen.returnPending;
    gen.returnPending = false;
    this.pop();
    // return() at a yield awaits its value in V8's builtin, not in the body's frame.
    const isAwait = returning ? latest !== undefined && key === '' : key !== '' && key === gen.site.frameKey;
    if (isAwait) {
      this.ownerOf.set(latest!, co);
      this.suspendedSite[co] = gen.site;
      gen.reactionHow = returning ? Resumed.Return : Resumed.Await;
      this.rec.suspendAs(co, Ended.Await);
      return;
    }
    const settled = this.settled[co];
    this.settled[co] = false;
    this.outer[co] = undefined;
    if (settled && gen.yielded) {
      gen.state = GenState.AtYield;
      this.rec.suspendAs(co, Ended.Yield);
      return;
    }
    // Returned or threw (or, for an instance that was already done, ran nothing).
    gen.state = GenState.Done;
    this.gens[co] = undefined;
    this.suspendedSite[co] = undefined;
    this.rec.suspendAs(co, Ended.Settled);
  }

  /** Sites of suspended instances, for the run their reaction starts. */
  private readonly suspendedSite: (Site | undefined)[] = [];

  private siteOf(co: number): Site {
    return this.suspendedSite[co]!;
  }
}

const CAPTURE_FRAMES = 6;

function captureCreator(holder: { stack?: unknown }): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURE_FRAMES;
  try {
    Error.captureStackTrace(holder, captureCreator);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** File and position of the function that created the promise: the first frame that is not ours or node's. */
function creatorKey(holder: { stack?: unknown }): string {
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = keyOfFrames;
  try {
    const key = holder.stack;
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

/** Line and column (1-based) where the frame keyOfFrames() last named was. */
let lastLine = 0;
let lastCol = 0;

function keyOfFrames(_error: unknown, frames: CallSiteLike[]): string {
  for (const frame of frames) {
    const file = frame.getFileName();
    // A built-in frame (`Promise.then`, `new Promise`, `Promise.all`) made it: not an await,
    // whose promises V8 creates right in the function's frame.
    if (file === null || file === undefined || file === '') return '';
    if (file === __filename || file.startsWith('node:')) continue;
    const line = frame.getEnclosingLineNumber?.() ?? 0;
    const col = frame.getEnclosingColumnNumber?.() ?? 0;
    lastLine = frame.getLineNumber?.() ?? 0;
    lastCol = frame.getColumnNumber?.() ?? 0;
    return `${file}:${line}:${col}`;
  }
  return '';
}
