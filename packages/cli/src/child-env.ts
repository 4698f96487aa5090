// Keeps children traced when the program starts them with an environment of its own. Children
// inherit NODE_OPTIONS (which loads the preload) and the session options through the
// environment; a program that passes `env: {PATH: ...}` to spawn, or clears NODE_OPTIONS from
// process.env, would start them untraced. The child_process functions are wrapped so that such a
// child gets the tracing variables back, the caller's other NODE_OPTIONS kept.
//
// Everything else about the call is untouched: the same arguments (the options and env objects
// are copied, never changed, with their prototypes), the same `this`, return value and errors;
// the wrappers keep `name`, `length` and the symbol properties (util.promisify.custom of exec and
// execFile, which is wrapped the same way, so promisified calls keep tracing too). Anything odd
// (env not an object, options in an unexpected place) is passed on as is, for node to judge.
import childProcess from 'node:child_process';
import Module from 'node:module';
import { promisify } from 'node:util';
import { OPTIONS_ENV } from './options';
import { PRELOAD, preloadOption, withNodeOption } from './session';

type Vars = Record<string, string | undefined>;
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Where each function takes its options: the highest argument index it may be at. */
const OPTIONS_AT: Record<string, number> = {
  spawn: 2,
  spawnSync: 2,
  execFile: 2,
  execFileSync: 2,
  fork: 2,
  exec: 1,
  execSync: 1,
};

const WRAPPED = Symbol.for('panopticon.childEnv');

/**
 * Wraps child_process so that children keep the tracing variables. `env` holds them: its
 * PANOPTICON_CLI_OPTIONS, and its NODE_OPTIONS, of which only the panopticon preload is kept when
 * it is there (the rest are the parent's own options, which a child given its own env does not
 * get). Call once per process, before the program runs.
 */
export function keepTracingChildren(env: Vars): void {
  const vars = tracingVars(env);
  if (!vars) return;
  const cp = childProcess as unknown as Record<string, AnyFunction & { [WRAPPED]?: boolean }>;
  for (const [name, maxIndex] of Object.entries(OPTIONS_AT)) {
    const original = cp[name];
    if (typeof original !== 'function' || original[WRAPPED]) continue;
    cp[name] = wrap(original, maxIndex, vars);
  }
  Module.syncBuiltinESMExports();
}

interface TracingVars {
  /** The NODE_OPTIONS entry that loads the preload. */
  nodeOption: string;
  options: string;
}

function tracingVars(env: Vars): TracingVars | undefined {
  const options = env[OPTIONS_ENV];
  if (!options) return undefined;
  const given = env.NODE_OPTIONS ?? '';
  const ours = preloadOption(PRELOAD);
  const nodeOption = given.includes(ours) || given.trim() === '' ? ours : given;
  return { nodeOption, options };
}

function wrap(original: AnyFunction, maxIndex: number, vars: TracingVars): AnyFunction {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    return callTraced(original, this, args, maxIndex, vars);
  };
  copyOwnProperties(original, wrapper, (key, value) =>
    key === promisify.custom && typeof value === 'function' ? wrap(value as AnyFunction, maxIndex, vars) : value,
  );
  Object.defineProperty(wrapper, WRAPPED, { value: true });
  return wrapper;
}

/** name, length, prototype and the symbol properties, with their attributes. */
function copyOwnProperties(from: AnyFunction, to: AnyFunction, map: (key: PropertyKey, value: unknown) => unknown): void {
  for (const key of Reflect.ownKeys(from)) {
    if (key === 'arguments' || key === 'caller') continue;
    const descriptor = Object.getOwnPropertyDescriptor(from, key)!;
    if ('value' in descriptor) descriptor.value = map(key, descriptor.value);
    try {
      Object.defineProperty(to, key, descriptor);
    } catch {
      // a property the wrapper cannot take (non-configurable on it): the original's stays its own
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The index of the options argument, as node finds it; -1 when there is none. */
function optionsIndex(args: unknown[], maxIndex: number): number {
  for (let i = 1; i <= maxIndex && i < args.length; i++) {
    const value = args[i];
    if (isObject(value)) return i;
    if (value != null && !Array.isArray(value)) return -1; // a callback, or a mistake node reports
  }
  return -1;
}

function callTraced(original: AnyFunction, self: unknown, args: unknown[], maxIndex: number, vars: TracingVars): unknown {
  const at = optionsIndex(args, maxIndex);
  const options = at === -1 ? undefined : (args[at] as Record<string, unknown>);
  const env = options?.env;
  if (env != null) {
    if (typeof env !== 'object') return Reflect.apply(original, self, args);
    const added = additions(env as Vars, vars);
    if (!added) return Reflect.apply(original, self, args);
    const copied = [...args];
    copied[at] = withOwn(options!, { env: withOwn(env as object, added) });
    return Reflect.apply(original, self, copied);
  }
  // No env: the child gets process.env, which the program may have stripped of the variables.
  const added = additions(process.env, vars);
  if (!added) return Reflect.apply(original, self, args);
  const saved = Object.keys(added).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, added);
  try {
    return Reflect.apply(original, self, args);
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The variables `env` lacks for the child to be traced; undefined when it has them. */
function additions(env: Vars, vars: TracingVars): Vars | undefined {
  let nodeOptions: unknown;
  let options: unknown;
  try {
    nodeOptions = env.NODE_OPTIONS;
    options = env[OPTIONS_ENV];
  } catch {
    return undefined; // an env that throws on reading: node will meet the same
  }
  const added: Vars = {};
  if (nodeOptions !== undefined && typeof nodeOptions !== 'string') return undefined;
  if (!nodeOptions?.includes(vars.nodeOption)) added.NODE_OPTIONS = withNodeOption(nodeOptions, vars.nodeOption);
  if (options === undefined || options === '') added[OPTIONS_ENV] = vars.options;
  return Object.keys(added).length > 0 ? added : undefined;
}

/** A copy of `object` (same prototype, same own properties) with `extra` set on it. */
function withOwn<T extends object>(object: T, extra: Record<string, unknown>): T {
  const copy = Object.create(Object.getPrototypeOf(object) as object | null) as T;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(object));
  for (const [key, value] of Object.entries(extra)) Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
