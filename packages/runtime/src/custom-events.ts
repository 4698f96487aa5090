// The program's own events: instant(name, args), counter(name, values), nameThread(name). Each is
// a side event (side-events.ts) on the calling thread's recorder, stamped where it happens in the
// call stack. When nothing records they cost a load and a branch; they never throw into the
// program: bad input is ignored, said once on stderr.
import { REGISTRY_KEY } from './registry';
import type { Recorder } from './recorder';
import { SideKind } from './side-events';

type Registry = { [REGISTRY_KEY]?: Recorder };
const realm = globalThis as unknown as Registry;

/** A primitive an instant's args can hold (objects and arrays are kept as JSON-like copies). */
export type EventArgs = Record<string, unknown>;

/** The recorder to record into, if one records (another copy's recorder may lack addSide). */
function recording(): Recorder | undefined {
  const recorder = realm[REGISTRY_KEY];
  if (recorder === undefined || !recorder.recording || typeof recorder.addSide !== 'function') return undefined;
  return recorder;
}

/**
 * A point in time on this thread's track, named `name`, with `args` (plain values: numbers,
 * strings, booleans, null, and objects or arrays of them) shown with it.
 */
export function instant(name: string, args?: EventArgs): void {
  const recorder = realm[REGISTRY_KEY];
  if (recorder === undefined || !recorder.recording) return;
  try {
    if (typeof name !== 'string' || name === '') return warnOnce('instant', `instant(name, args) needs a non-empty string name, got ${describe(name)}`);
    const copy = args === undefined || args === null ? null : plainArgs(args);
    if (copy === undefined) return warnOnce('instant-args', `instant(${JSON.stringify(name)}, args): args must be an object, got ${describe(args)}; recorded without them`, () => recording()?.addSide(SideKind.Instant, [name, null]));
    recording()?.addSide(SideKind.Instant, [name, copy]);
  } catch {
    // never into the program
  }
}

/**
 * Counter samples: each key of `values` is a counter track (named `name.key`, shared by the whole
 * process) that steps to its value now. Values must be finite numbers; others are left out.
 */
export function counter(name: string, values: Record<string, number>): void {
  const recorder = realm[REGISTRY_KEY];
  if (recorder === undefined || !recorder.recording) return;
  try {
    if (typeof name !== 'string' || name === '') return warnOnce('counter', `counter(name, values) needs a non-empty string name, got ${describe(name)}`);
    const numbers = numericValues(values);
    if (numbers === undefined) return warnOnce('counter-values', `counter(${JSON.stringify(name)}, values): values must be an object of finite numbers, got ${describe(values)}`);
    recording()?.addSide(SideKind.Counter, [name, numbers]);
  } catch {
    // never into the program
  }
}

/**
 * Names the calling thread in the trace (the latest name given wins). Given while nothing records,
 * it is remembered for the traces written later (a scope's, a signal's snapshot).
 */
export function nameThread(name: string): void {
  try {
    if (typeof name !== 'string' || name === '') {
      // Said only while recording: an untraced program's stderr stays its own.
      if (recording() !== undefined) warnOnce('thread', `nameThread(name) needs a non-empty string, got ${describe(name)}`);
      return;
    }
    // On the realm, as the registry is (hidden, and shared by every copy of the runtime).
    Object.defineProperty(realm, THREAD_NAME, { value: name, configurable: true, enumerable: false, writable: true });
    recording()?.addSide(SideKind.ThreadName, name);
  } catch {
    // never into the program
  }
}

const THREAD_NAME = Symbol.for('panopticon.threadName');

/** The name the thread gave itself, if any. */
export function ownThreadName(): string | undefined {
  const name = (realm as unknown as Record<symbol, unknown>)[THREAD_NAME];
  return typeof name === 'string' ? name : undefined;
}

/** A JSON-like copy of `args` (undefined: not an object). Functions, symbols and cycles are left out. */
function plainArgs(args: unknown): Record<string, unknown> | undefined {
  if (typeof args !== 'object' || Array.isArray(args)) return undefined;
  return plain(args, 0) as Record<string, unknown>;
}

function plain(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return null;
      if (depth >= 8) return '[…]';
      if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1) ?? null);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const v = plain((value as Record<string, unknown>)[key], depth + 1);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The finite numbers of `values` (undefined if it is not an object or has none). */
function numericValues(values: unknown): Record<string, number> | undefined {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const out: Record<string, number> = {};
  let any = false;
  for (const key of Object.keys(values)) {
    const v = (values as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v)) {
      out[key] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

const warned = new Set<string>();

/** Says `message` on stderr the first time `what` goes wrong; `then` runs every time. */
function warnOnce(what: string, message: string, then?: () => void): void {
  if (!warned.has(what)) {
    warned.add(what);
    if (typeof process === 'object' && process !== null && typeof process.stderr?.write === 'function') process.stderr.write(`panopticon: ${message}\n`);
  }
  then?.();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
