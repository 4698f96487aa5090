// Renders any JavaScript value as a short string without running the program's code: no getter
// is called (properties are read by descriptor, accessors shown as `[Getter]`), no proxy trap is
// touched (`[Proxy]`), no toString / inspect / toJSON / Symbol.toPrimitive; built-ins are called
// through the copies value-intrinsics.ts took at load. Depth, entries and length are bounded, cycles
// shown as `[Circular]`, and values under keys that look secret as `[redacted]`. Never throws.
import { apply, getOwnPropertyDescriptor, getPrototypeOf, intrinsic, isArray, jsonStringify, objectIs, ownKeys, stringSlice, types } from './value-intrinsics';

export interface RenderOptions {
  /** Nesting levels shown inside the value (deeper ones as `[Object]`, `[Array(n)]`). */
  depth?: number;
  /** Entries shown per array, object, map or set. */
  entries?: number;
  /** Characters of the whole rendering. */
  length?: number;
  /** Characters of a string shown. */
  stringLength?: number;
  /** Whether a property name or parameter name is a secret's (see secretKeys). */
  redact?: (key: string) => boolean;
}

export const DEFAULT_SECRET_KEYS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'authorization', 'cookie', 'api-key', 'api_key', 'apikey', 'private-key', 'private_key', 'privatekey', 'credential'];

/** Case-insensitive substring test against the defaults and `extra`. */
export function secretKeys(extra: readonly string[] = []): (key: string) => boolean {
  const words = [...DEFAULT_SECRET_KEYS, ...extra].map((w) => String(w).trim().toLowerCase()).filter((w) => w.length > 0);
  return (key) => {
    const k = key.toLowerCase();
    for (const w of words) if (k.includes(w)) return true;
    return false;
  };
}

const defaultRedact = secretKeys();
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Thrown to stop at the length budget: a constant, not an Error (capturing a stack costs microseconds). */
const BUDGET = { budget: true };

/** `value` as a short, safe string. */
export function renderValue(value: unknown, options: RenderOptions = {}): string {
  // The common cases need no renderer (its bounds still apply to strings).
  switch (typeof value) {
    case 'number': return objectIs(value, -0) ? '-0' : String(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'undefined': return 'undefined';
    case 'string': if (value.length <= (options.stringLength ?? 80)) return jsonStringify(value); break;
    default: if (value === null) return 'null';
  }
  const r = new Renderer(options);
  try {
    r.value(value, 0);
  } catch (e) {
    if (e !== BUDGET) return r.text.length > 0 ? `${r.text}…[unrenderable]` : '[unrenderable]';
  }
  return r.text;
}

class Renderer {
  text = '';
  private readonly depth: number;
  private readonly entries: number;
  private readonly length: number;
  private readonly stringLength: number;
  readonly redact: (key: string) => boolean;
  private readonly seen: object[] = [];

  constructor(o: RenderOptions) {
    this.depth = o.depth ?? 2;
    this.entries = o.entries ?? 10;
    this.length = o.length ?? 200;
    this.stringLength = o.stringLength ?? 80;
    this.redact = o.redact ?? defaultRedact;
  }

  /** Appends; past the length budget, ends the rendering with `…`. */
  private put(s: string): void {
    if (this.text.length + s.length > this.length) {
      this.text += apply(stringSlice, s, [0, Math.max(0, this.length - this.text.length)]) + '…';
      throw BUDGET;
    }
    this.text += s;
  }

  value(v: unknown, level: number): void {
    switch (typeof v) {
      case 'string': return this.put(this.quote(v));
      case 'number': return this.put(objectIs(v, -0) ? '-0' : String(v));
      case 'bigint': return this.put(`${String(v)}n`);
      case 'boolean': return this.put(v ? 'true' : 'false');
      case 'undefined': return this.put('undefined');
      case 'symbol': return this.put(this.symbol(v));
      case 'function': return this.func(v as object);
      default:
        if (v === null) return this.put('null');
        return this.object(v as object, level);
    }
  }

  private quote(s: string): string {
    const max = this.stringLength;
    if (s.length <= max) return jsonStringify(s);
    return `${jsonStringify(apply(stringSlice, s, [0, max]) as string)}… (${s.length} chars)`;
  }

  private symbol(s: symbol): string {
    const d = intrinsic.symbolDescription ? apply(intrinsic.symbolDescription, s, []) : undefined;
    return d === undefined ? 'Symbol()' : `Symbol(${this.clip(String(d))})`;
  }

  private clip(s: string): string {
    return s.length <= this.stringLength ? s : `${apply(stringSlice, s, [0, this.stringLength])}…`;
  }

  private func(f: object): void {
    if (types === null) return this.put('[Function]');
    if (types.isProxy(f)) return this.put('[Proxy]');
    const kind = types.isAsyncFunction(f) ? (types.isGeneratorFunction(f) ? 'AsyncGeneratorFunction' : 'AsyncFunction') : types.isGeneratorFunction(f) ? 'GeneratorFunction' : 'Function';
    const name = ownData(f, 'name');
    this.put(typeof name === 'string' && name !== '' ? `[${kind}: ${this.clip(name)}]` : `[${kind} (anonymous)]`);
  }

  private object(o: object, level: number): void {
    if (types === null) return this.put(isArray(o) ? '[Array]' : '[Object]');
    if (types.isProxy(o)) return this.put('[Proxy]');
    if (this.seen.includes(o)) return this.put('[Circular]');
    const special = this.special(o);
    if (special !== null) return this.put(special);
    const array = isArray(o) || types.isArgumentsObject(o);
    const typed = types.isTypedArray(o);
    const map = types.isMap(o);
    const set = types.isSet(o);
    const name = className(o);
    const size = array ? lengthOf(o) : typed ? (apply(intrinsic.typedArrayLength!, o, []) as number) : map ? (apply(intrinsic.mapSize!, o, []) as number) : set ? (apply(intrinsic.setSize!, o, []) as number) : -1;
    const label = typed ? `${String(apply(intrinsic.typedArrayTag!, o, []))}(${size})`
      : map || set ? `${name ?? (map ? 'Map' : 'Set')}(${size})`
      : array ? (types.isArgumentsObject(o) ? '[Arguments]' : name === 'Array' ? '' : `${name ?? '[Array: null prototype]'}(${size})`)
      : name === 'Object' ? '' : name ?? '[Object: null prototype]';
    if (level >= this.depth) return this.put(array || typed ? `[${label || `Array(${size})`}]` : `[${label || 'Object'}]`);
    this.seen.push(o);
    if (label !== '') this.put(`${label} `);
    if (array || typed) this.indexed(o, size, level, typed);
    else if (map || set) this.collection(o, map, level);
    else this.properties(o, level);
    this.seen.pop();
  }

  /** Dates, regexps, errors, promises, boxed primitives and other opaque objects; null for the rest. */
  private special(o: object): string | null {
    const t = types!;
    if (t.isDate(o)) {
      const time = apply(intrinsic.dateGetTime, o, []) as number;
      return Number.isNaN(time) ? 'Invalid Date' : (apply(intrinsic.dateToISOString, o, []) as string);
    }
    if (t.isRegExp(o)) {
      let flags = '';
      for (const [get, letter] of intrinsic.regexpFlags) if (apply(get!, o, [])) flags += letter;
      return `/${this.clip(String(apply(intrinsic.regexpSource!, o, [])))}/${flags}`;
    }
    if (t.isNativeError(o)) {
      const name = dataInChain(o, 'name');
      const message = ownData(o, 'message');
      return `[${typeof name === 'string' ? this.clip(name) : 'Error'}${typeof message === 'string' && message !== '' ? `: ${this.clip(message)}` : ''}]`;
    }
    if (t.isPromise(o)) return 'Promise';
    if (t.isWeakMap(o)) return 'WeakMap';
    if (t.isWeakSet(o)) return 'WeakSet';
    if (t.isArrayBuffer(o)) return `ArrayBuffer(${String(apply(intrinsic.arrayBufferByteLength!, o, []))})`;
    if (t.isModuleNamespaceObject(o)) return '[Module]';
    if (t.isBoxedPrimitive(o)) {
      for (const unbox of [intrinsic.numberValueOf, intrinsic.stringValueOf, intrinsic.booleanValueOf, intrinsic.bigintValueOf, intrinsic.symbolValueOf] as Array<(this: unknown) => unknown>) {
        try {
          const inner = apply(unbox, o, []);
          const sub = new Renderer({ depth: 0, entries: 0, length: this.length, stringLength: this.stringLength, redact: this.redact });
          sub.value(inner, 0);
          return `[${sub.text}]`;
        } catch {
          // not this kind of box
        }
      }
      return '[boxed]';
    }
    return null;
  }

  private indexed(o: object, size: number, level: number, typed: boolean): void {
    this.put('[');
    const shown = Math.min(size, this.entries);
    for (let i = 0; i < shown; i++) {
      if (i > 0) this.put(', ');
      if (typed) this.value((o as Record<number, unknown>)[i], level + 1);
      else this.slot(getOwnPropertyDescriptor(o, String(i)), level);
    }
    if (size > shown) this.put(`${shown > 0 ? ', ' : ''}… ${size - shown} more`);
    this.put(']');
  }

  private collection(o: object, map: boolean, level: number): void {
    const iterator = apply(map ? intrinsic.mapEntries : intrinsic.setValues, o, []) as object;
    const next = map ? intrinsic.mapIteratorNext : intrinsic.setIteratorNext;
    this.put('{');
    let n = 0;
    for (;;) {
      const step = apply(next, iterator, []) as IteratorResult<unknown>;
      if (step.done) break;
      if (n === this.entries) {
        this.put(', …');
        break;
      }
      this.put(n === 0 ? ' ' : ', ');
      if (map) {
        const [k, v] = step.value as [unknown, unknown];
        this.value(k, level + 1);
        this.put(' => ');
        if (typeof k === 'string' && this.redact(k)) this.put('[redacted]');
        else this.value(v, level + 1);
      } else {
        this.value(step.value, level + 1);
      }
      n++;
    }
    this.put(n === 0 ? '}' : ' }');
  }

  private properties(o: object, level: number): void {
    const keys = ownKeys(o);
    this.put('{');
    let n = 0;
    for (const key of keys) {
      const d = getOwnPropertyDescriptor(o, key);
      if (!d || !d.enumerable) continue;
      if (n === this.entries) {
        this.put(', …');
        break;
      }
      this.put(n === 0 ? ' ' : ', ');
      const name = typeof key === 'symbol' ? `[${this.symbol(key)}]` : IDENTIFIER.test(key) ? key : jsonStringify(key);
      this.put(`${name}: `);
      if (typeof key === 'string' && this.redact(key)) this.put('[redacted]');
      else this.slot(d, level);
      n++;
    }
    this.put(n === 0 ? '}' : ' }');
  }

  /** A property by its descriptor: the value of a data property, never an accessor's. */
  private slot(d: PropertyDescriptor | undefined, level: number): void {
    if (d === undefined) return this.put('<empty>');
    if ('value' in d) return this.value(d.value, level + 1);
    this.put(d.get && d.set ? '[Getter/Setter]' : d.get ? '[Getter]' : '[Setter]');
  }
}

/** An own data property's value (undefined for accessors, proxies and absent keys). */
function ownData(o: object, key: string): unknown {
  if (types === null || types.isProxy(o)) return undefined;
  const d = getOwnPropertyDescriptor(o, key);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

/** A data property found up the prototype chain, stopping at a proxy or an accessor. */
function dataInChain(o: object, key: string): unknown {
  let p: object | null = o;
  for (let i = 0; p !== null && i < 100; i++) {
    if (types === null || types.isProxy(p)) return undefined;
    const d = getOwnPropertyDescriptor(p, key);
    if (d !== undefined) return 'value' in d ? d.value : undefined;
    p = getPrototypeOf(p) as object | null;
  }
  return undefined;
}

/** `length` of an array or arguments object, read as the data property it is. */
function lengthOf(o: object): number {
  const n = ownData(o, 'length');
  return typeof n === 'number' ? n : 0;
}

/** The name of the constructor found on the prototype chain by descriptor; null: null prototype. */
function className(o: object): string | null {
  const proto = getPrototypeOf(o) as object | null;
  if (proto === null) return null;
  const ctor = dataInChain(proto, 'constructor');
  const name = typeof ctor === 'function' ? ownData(ctor, 'name') : undefined;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}
