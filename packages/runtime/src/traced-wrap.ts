// The wrappers `@traced` puts in place of a method, accessor half or class. Per call they cost
// what an instrumented function costs: a load of the site's recorder, `recording ? enter(id) : 0`
// and an exit in `finally`; nothing is allocated. A generator's iterator keeps its identity: its
// next/throw/return are shadowed by own properties that record each resumption as a slice of the
// instance. Async functions go through async-runs.ts, async generators through async-gen-runs.ts.
import type { Site } from './traced-site';
import { Ended, Resumed } from './coroutine-kinds';
import { tracedAsyncCall } from './async-runs';
import { asyncGeneratorStep, firstRun, noteSource } from './async-gen-runs';

/** Every wrapper made here, so that a class decorator does not wrap a member twice. */
export const wrappers = new WeakSet<object>();

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as unknown;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as unknown;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as unknown;

/** A wrapper for `fn`, recording each call under `site`; keeps `.name` and `.length`. */
export function wrapFunction(fn: AnyFn, site: Site): AnyFn {
  const kind = fn.constructor;
  let wrapper: AnyFn;
  if (kind === GeneratorFunction || kind === AsyncGeneratorFunction) wrapper = generatorWrapper(fn, site, kind === AsyncGeneratorFunction);
  else if (kind === AsyncFunction) wrapper = asyncWrapper(fn, site);
  else wrapper = plainWrapper(fn, site);
  copyIdentity(wrapper, fn);
  site.wrapper = wrapper;
  wrappers.add(wrapper);
  return wrapper;
}

export function copyIdentity(wrapper: object, fn: AnyFn): void {
  try {
    Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  } catch {
    // a frozen or odd function: the wrapper keeps its own
  }
}

// Wrappers are concise methods: like the methods they stand for, they are not constructors.
function plainWrapper(fn: AnyFn, site: Site): AnyFn {
  return {
    traced(this: unknown) {
      const rec = site.rec !== undefined ? site.rec : site.init(this);
      const frame = rec !== null && rec.recording ? rec.enter(site.id) : 0;
      try {
        return fn.apply(this, arguments as unknown as unknown[]);
      } finally {
        if (frame !== 0) rec!.exit(frame);
      }
    },
  }.traced as AnyFn;
}

function asyncWrapper(fn: AnyFn, site: Site): AnyFn {
  return {
    traced(this: unknown) {
      const rec = site.rec !== undefined ? site.rec : site.init(this);
      if (rec === null || !rec.recording) return fn.apply(this, arguments as unknown as unknown[]);
      return tracedAsyncCall(rec, site, fn, this, arguments);
    },
  }.traced as AnyFn;
}

// ------------------------------------------------------------ generators

/** Own properties of a traced iterator: its instance (0: not started, -1: not recorded). */
const INSTANCE = Symbol('panopticon.instance');
const SITE = Symbol('panopticon.site');

interface TracedIterator {
  [INSTANCE]: number;
  [SITE]: Site;
}

type Method = (this: unknown, value?: unknown) => unknown;

const syncProto = Object.getPrototypeOf(function* () {}.prototype) as Record<'next' | 'throw' | 'return', Method>;
const asyncProto = Object.getPrototypeOf(async function* () {}.prototype) as Record<'next' | 'throw' | 'return', Method>;

function generatorWrapper(fn: AnyFn, site: Site, isAsync: boolean): AnyFn {
  const methods = isAsync ? asyncMethods : syncMethods;
  if (isAsync) noteSource(site, fn);
  return {
    traced(this: unknown) {
      const it = fn.apply(this, arguments as unknown as unknown[]);
      if (site.rec === undefined) site.init(this);
      try {
        // The iterator stays the generator's own object (same prototype, same identity).
        Object.defineProperty(it, INSTANCE, { value: 0, writable: true, configurable: true });
        Object.defineProperty(it, SITE, { value: site, configurable: true });
        Object.defineProperty(it, 'next', { value: methods.next, writable: true, configurable: true });
        Object.defineProperty(it, 'throw', { value: methods.throw, writable: true, configurable: true });
        Object.defineProperty(it, 'return', { value: methods.return, writable: true, configurable: true });
      } catch {
        // not extensible (a generator function returning something odd): untraced
      }
      return it;
    },
  }.traced as AnyFn;
}

const enum How {
  Next,
  Throw,
  Return,
}

const RESUMED_BY = [Resumed.Next, Resumed.Throw, Resumed.Return];

// INSTANCE holds 0 before the first run, -1 when the instance is not recorded, co while it is
// suspended and -co - 1 while it runs (a re-entrant next() then just throws, as it would).
function makeMethods(proto: Record<'next' | 'throw' | 'return', Method>, isAsync: boolean) {
  const step = (it: TracedIterator, how: How, value: unknown): unknown => {
    const original = how === How.Next ? proto.next : how === How.Throw ? proto.throw : proto.return;
    const site = typeof it === 'object' && it !== null ? it[SITE] : undefined;
    if (site === undefined) return original.call(it, value);
    if (isAsync) return asyncGeneratorStep(it as unknown as Record<symbol, number>, INSTANCE, site, how, original, value);
    let co = it[INSTANCE];
    const rec = site.rec;
    if (co < 0 || rec === undefined || !rec.recording) {
      if (co === 0 && how === How.Next) it[INSTANCE] = -1; // its first run is not recorded: none of it is
      return original.call(it, value);
    }
    if (co === 0) {
      co = firstRun(it as unknown as Record<symbol, number>, INSTANCE, rec, site.id, how);
      if (co === 0) return original.call(it, value);
    } else rec.resumeAs(co, RESUMED_BY[how]);
    it[INSTANCE] = -co - 1;
    let result: unknown;
    try {
      result = original.call(it, value);
    } catch (error) {
      it[INSTANCE] = co;
      rec.suspendAs(co, Ended.Throw);
      throw error;
    }
    it[INSTANCE] = co;
    rec.suspendAs(co, (result as IteratorResult<unknown>).done === true ? Ended.Return : Ended.Yield);
    return result;
  };
  return {
    next(this: TracedIterator, value?: unknown) {
      return step(this, How.Next, value);
    },
    throw(this: TracedIterator, value?: unknown) {
      return step(this, How.Throw, value);
    },
    return(this: TracedIterator, value?: unknown) {
      return step(this, How.Return, value);
    },
  };
}

const syncMethods = makeMethods(syncProto, false);
const asyncMethods = makeMethods(asyncProto, true);
