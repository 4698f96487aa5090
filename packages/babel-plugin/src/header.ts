// The code injected at the top of each instrumented module.
//
// Instrumented functions call `rt()` for the recorder: a hoisted function declaration, because
// with ES-module cycles a hoisted export can run before the module body, where a `const` would be
// in its TDZ. The first call registers the module's function table with the realm's recorder
// (found through the global registry) and caches it; the `var`s have no initialisers so that the
// body reaching them does not reset what an early call set. Without a recorder the hooks are
// no-ops and the code still runs (a function serialised to a page, a bare `vm` context).
import type { types as t } from '@babel/core';

/** Identifiers the instrumenter introduces; no program would choose them. */
export interface HeaderNames {
  rt: string;
  init: string;
  recorder: string;
  base: string;
  noop: string;
  symbol: string;
  moduleFrame: string;
}

export const NAME_PREFIX = '__panopticon_';
export const FRAME = '__panopticon_frame';
/** The recorder, held in a local for the function's exit hook: one accessor call per call. */
export const RECORDER = '__panopticon_rec';
export const REGISTRY_SYMBOL = 'panopticon.runtime';
/** The module that installs an idle recorder, switched on by the environment (runtime: 'auto'). */
export const AUTO_RUNTIME = '@panopticon/runtime/auto';

/** Names carry a hash of the file and its source: in classic scripts top-level declarations are globals. */
export function headerNames(fileHash: string): HeaderNames {
  return {
    rt: `${NAME_PREFIX}rt_${fileHash}`,
    init: `${NAME_PREFIX}init_${fileHash}`,
    recorder: `${NAME_PREFIX}recorder_${fileHash}`,
    base: `${NAME_PREFIX}base_${fileHash}`,
    noop: `${NAME_PREFIX}noop_${fileHash}`,
    symbol: `${NAME_PREFIX}symbol_${fileHash}`,
    moduleFrame: `${NAME_PREFIX}module_${fileHash}`,
  };
}

/**
 * Stands in for the recorder when the realm has none: every hook the instrumenter calls, doing
 * nothing; the suspend and resume hooks return the value they are given, as the recorder's do.
 */
const NOOP_RECORDER = `(function () {
    function zero() { return 0; }
    function nothing() {}
    function same(co, value) { return value; }
    return { enter: zero, exit: nothing, begin: zero, beginAsync: zero, end: nothing, fail: nothing, caught: nothing, enteredFinally: nothing,
      suspendAwait: same, resumeAwait: same, suspendYield: same, resumeNext: same };
  })()`;
/** The same with the argument and return hooks (plugin option `args`). */
const NOOP_RECORDER_VALUES = NOOP_RECORDER.replace('resumeNext: same }', 'resumeNext: same, args: nothing, returned: same, threw: nothing }');

export function headerSource(n: HeaderNames, file: string, table: ReadonlyArray<string | number>, autoRuntime = false, values = false): string {
  const registry = `typeof globalThis === "object" && globalThis !== null ? globalThis[${n.symbol} || (${n.symbol} = Symbol.for(${JSON.stringify(REGISTRY_SYMBOL)}))] : undefined`;
  // runtime: 'auto' in CommonJS: load the runtime on first use (an ES module imports it instead).
  const load = autoRuntime
    ? `\n  if (r === undefined && typeof require === "function") { try { require(${JSON.stringify(AUTO_RUNTIME)}); } catch (e) {} r = ${registry}; }`
    : '';
  return `function ${n.rt}() { return ${n.recorder} !== undefined ? ${n.recorder} : ${n.init}(); }
function ${n.init}() {
  var r = ${registry};${load}
  if (r === undefined${values ? ' || typeof r.returned !== "function"' : ''}) return ${n.noop} || (${n.noop} = ${values ? NOOP_RECORDER_VALUES : NOOP_RECORDER});
  ${n.base} = r.register(${JSON.stringify(file)}, ${JSON.stringify(table)});
  return ${n.recorder} = r;
}
var ${n.recorder}, ${n.base}, ${n.noop}, ${n.symbol};`;
}

/** FNV-1a of a string, as 6 base-36 digits. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(7, '0').slice(-6);
}

export type Types = typeof t;
