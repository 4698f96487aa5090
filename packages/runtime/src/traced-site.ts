// One decorated function's entry in the recorder's function table, made lazily: decoration can
// run before any recorder exists (a scope opened later, `trace(fn)`), so a site registers itself
// with the realm's recorder on the first call that finds one, as the plugin's module header does.
// Names follow the plugin's (`Class.method`, `get Class.prop`, `new Class`); where the decorator
// protocol does not tell the class (TC39 member decorators), the class is found on first use from
// the receiver.
import { currentRecorder } from './registry';
import type { Recorder } from './recorder';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What kind of slice a site names. */
export type SiteKind = 'method' | 'getter' | 'setter' | 'constructor';

/** Where the decorator was applied, from the stack at decoration time ('' / 0 when unknown). */
export interface Position {
  file: string;
  line: number;
  col: number;
}

export class Site {
  /** The recorder once found; `undefined` until then (the hooks then look it up again). */
  rec: Recorder | undefined = undefined;
  id = 0;
  /** The function a receiver-based class lookup looks for (the wrapper put on the class). */
  wrapper: unknown = undefined;
  /** Async functions: where the function's own code is, as async-runs.ts compares frames. */
  frameKey = '';

  constructor(
    readonly kind: SiteKind,
    /** The member as the plugin writes it after the class: `.m`, `.#m`, `["a b"]`, `[Symbol.iterator]`. */
    readonly member: string,
    /** The class's name when the protocol says it; `undefined` to find it from the receiver. */
    private className: string | undefined,
    readonly isStatic: boolean,
    private readonly key: string | symbol | undefined,
    private readonly customName: string | undefined,
    private readonly position: Position,
  ) {}

  /** The recorder, registering this site on first sight; null while the realm has none. */
  init(receiver: unknown): Recorder | null {
    const rec = currentRecorder();
    if (rec === undefined) return null;
    try {
      this.id = rec.register(this.position.file, [this.displayName(receiver), this.position.line, this.position.col]);
    } catch {
      return null; // a recorder-like object that cannot register: record nothing, never throw
    }
    this.rec = rec;
    return rec;
  }

  displayName(receiver: unknown): string {
    if (this.customName !== undefined) return this.customName;
    const cls = this.className ?? (this.className = classOf(receiver, this.key, this.wrapper, this.isStatic));
    if (this.kind === 'constructor') return `new ${cls}`;
    const prefix = this.kind === 'getter' ? 'get ' : this.kind === 'setter' ? 'set ' : '';
    return prefix + cls + this.member;
  }
}

/** `.key`, `.#key`, `["key"]`, `[Symbol.iterator]`, as the plugin's names.ts writes them. */
export function memberText(key: string | symbol | number): string {
  if (typeof key === 'symbol') {
    const d = key.description ?? '';
    return d.startsWith('Symbol.') ? `[${d}]` : `[Symbol(${d})]`;
  }
  if (typeof key === 'number') return `[${key}]`;
  if (key.startsWith('#')) return `.${key}`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `.${key}`;
  if (/^(0|[1-9]\d*)$/.test(key)) return `[${key}]`;
  return `[${JSON.stringify(key)}]`;
}

export function nameOfClass(ctor: unknown): string {
  try {
    const name = typeof ctor === 'function' ? ctor.name : undefined;
    return typeof name === 'string' && name !== '' ? name : '(anonymous class)';
  } catch {
    return '(anonymous class)';
  }
}

/**
 * The class that holds `wrapper` under `key`, walking up from the receiver (its own properties
 * first: a static member's receiver is the class). A private member has no property: the
 * receiver's class then (a subclass's name when called on a subclass's instance).
 */
function classOf(receiver: unknown, key: string | symbol | undefined, wrapper: unknown, isStatic: boolean): string {
  try {
    if ((typeof receiver !== 'object' && typeof receiver !== 'function') || receiver === null) return '(anonymous class)';
    if (key !== undefined && !(typeof key === 'string' && key.startsWith('#'))) {
      for (let o: object | null = receiver; o !== null; o = Object.getPrototypeOf(o)) {
        const d = Object.getOwnPropertyDescriptor(o, key);
        if (d !== undefined && (d.value === wrapper || d.get === wrapper || d.set === wrapper)) {
          return nameOfClass(typeof o === 'function' ? o : (o as { constructor?: unknown }).constructor);
        }
      }
    }
    return nameOfClass(isStatic ? receiver : (receiver as { constructor?: unknown }).constructor);
  } catch {
    return '(anonymous class)';
  }
}

/** The code that applied the decorator: the first stack frame outside the runtime and the decorator helpers. */
export function decorationSite(): Position {
  const none = { file: '', line: 0, col: 0 };
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 16;
    Error.captureStackTrace(holder, decorationSite);
    const frames: { fn: string; file: string; line: number; col: number }[] = [];
    for (const line of String(holder.stack).split('\n').slice(1)) {
      const m = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
      if (m === null) continue;
      const [, fn = '', file, ln, col] = m;
      if (file.startsWith('node:') || file === __filename || file.startsWith(__dirname + path.sep)) continue;
      frames.push({ fn, file, line: Number(ln), col: Number(col) });
    }
    const at = (f: (typeof frames)[number]) => ({ file: relativeFile(f.file), line: f.line, col: f.line === 0 ? 0 : f.col });
    // TC39 decorators are applied from a static block of the class (TypeScript and Babel both
    // do): the best position there is; the helpers' inner functions have minified names.
    const block = frames.find((f) => f.fn.includes('<static_initializer>'));
    if (block !== undefined) return at(block);
    for (let i = 0; i < frames.length; i++) {
      if (HELPER.test(frames[i].fn)) continue;
      // an anonymous callback of a helper (Babel's legacy helper reduces over the decorators)
      if (frames[i].fn === '' && i + 1 < frames.length && HELPER.test(frames[i + 1].fn)) continue;
      return at(frames[i]);
    }
    return none;
  } catch {
    return none;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Frames of the decorator helpers that TypeScript and Babel emit (or import from their runtimes). */
const HELPER = /(^|\.)(__decorate|__esDecorate|__runInitializers|_?apply\w*Dec\w*|_?\w*[dD]ecorat\w*|memberDec|Reflect\.decorate|forEach|reduce|reduceRight|map)$/;

function relativeFile(file: string): string {
  try {
    const p = file.startsWith('file://') ? fileURLToPath(file) : file;
    if (!path.isAbsolute(p)) return p;
    const rel = path.relative(process.cwd(), p);
    return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel.split(path.sep).join('/');
  } catch {
    return file;
  }
}
