// `@traced`: records methods, accessors and classes in code the plugin did not instrument.
// One export for every decorator protocol, told apart by how it is called:
//   TC39 (TypeScript 5, Babel 2023-xx)        (value, context) with context.kind
//   experimentalDecorators / Babel 'legacy'   (target, key, descriptor) for members, (ctor) for classes
//   a factory                                 @traced(), @traced('name'), @traced({ name })
// In code the plugin instrumented, the body already records itself: a function whose source
// holds the instrumenter's `__panopticon_` names is left as it is (checked once, at decoration).
import { Site, decorationSite, memberText, nameOfClass, type Position, type SiteKind } from './traced-site';
import { wrapFunction, wrappers } from './traced-wrap';

export interface TracedOptions {
  /** The slice's name instead of `Class.method`; on a class, the class's name in its members' names. */
  name?: string;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface DecoratorContext {
  kind: string;
  name: string | symbol;
  static?: boolean;
  private?: boolean;
}

/** Decorates, or with options makes the decorator. */
export function traced(...args: unknown[]): any {
  if (args.length === 0) return decoratorWith({});
  if (args.length === 1 && typeof args[0] !== 'function') return decoratorWith(optionsOf(args[0]));
  return decorate({}, args);
}

function decoratorWith(options: TracedOptions): (...args: unknown[]) => any {
  return function traced(...args: unknown[]) {
    return decorate(options, args);
  };
}

function optionsOf(arg: unknown): TracedOptions {
  if (typeof arg === 'string') return { name: arg };
  if (arg === undefined) return {};
  if (typeof arg === 'object' && arg !== null) {
    const name = (arg as TracedOptions).name;
    if (name === undefined || typeof name === 'string') return { name };
  }
  throw new TypeError(`panopticon: @traced takes a name or { name }, got ${String(arg)}`);
}

function decorate(options: TracedOptions, args: unknown[]): any {
  const [a, b, c] = args;
  if (args.length === 2 && isContext(b)) return decorateTc39(a, b, options, decorationSite());
  if (args.length === 1 && typeof a === 'function') return decorateClass(a as AnyFn, options, decorationSite()) ?? undefined;
  if (args.length >= 2 && ((typeof a === 'object' && a !== null) || typeof a === 'function') && (typeof b === 'string' || typeof b === 'symbol' || typeof b === 'number')) {
    return decorateLegacyMember(a, b, c as PropertyDescriptor | undefined, options, decorationSite());
  }
  throw new TypeError('panopticon: @traced decorates a class, a method or an accessor');
}

function isContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as DecoratorContext).kind === 'string' && 'name' in value;
}

/** Whether the plugin instrumented this function (its source holds the injected names). */
function instrumented(fn: unknown): boolean {
  try {
    return typeof fn === 'function' && Function.prototype.toString.call(fn).includes('__panopticon_');
  } catch {
    return false;
  }
}

function wrap(fn: unknown, kind: SiteKind, key: string | symbol | number | undefined, cls: string | undefined, isStatic: boolean, options: TracedOptions, at: Position): any {
  if (typeof fn !== 'function' || instrumented(fn) || wrappers.has(fn)) return fn;
  const k = typeof key === 'number' ? String(key) : key;
  const site = new Site(kind, k === undefined ? '' : memberText(k), cls, isStatic, k, options.name, at);
  return wrapFunction(fn as AnyFn, site);
}

// ------------------------------------------------------------ TC39

function decorateTc39(value: unknown, context: DecoratorContext, options: TracedOptions, at: Position): any {
  const isStatic = context.static === true;
  switch (context.kind) {
    case 'class':
      return decorateClass(value as AnyFn, options, at);
    case 'method':
      return wrap(value, 'method', context.name, undefined, isStatic, options, at);
    case 'getter':
      return wrap(value, 'getter', context.name, undefined, isStatic, options, at);
    case 'setter':
      return wrap(value, 'setter', context.name, undefined, isStatic, options, at);
    case 'accessor': {
      const pair = value as { get?: unknown; set?: unknown };
      return {
        get: wrap(pair.get, 'getter', context.name, undefined, isStatic, options, at),
        set: wrap(pair.set, 'setter', context.name, undefined, isStatic, options, at),
      };
    }
    case 'field':
      return fieldInitializer(context.name, isStatic, options, at);
    default:
      return undefined;
  }
}

/** A field holding a function (`handler = () => ...`): each instance's function is wrapped. */
function fieldInitializer(name: string | symbol, isStatic: boolean, options: TracedOptions, at: Position) {
  let site: Site | undefined;
  return function (this: unknown, initial: unknown): unknown {
    if (typeof initial !== 'function' || instrumented(initial)) return initial;
    if (site === undefined) {
      const cls = nameOfClass(isStatic ? this : (this as { constructor?: unknown } | null)?.constructor);
      site = new Site('method', memberText(name), cls, isStatic, name, options.name, at);
    }
    return wrapFunction(initial as AnyFn, site);
  };
}

// ------------------------------------------------------------ experimentalDecorators, Babel legacy

function decorateLegacyMember(target: unknown, key: string | symbol | number, descriptor: PropertyDescriptor | undefined, options: TracedOptions, at: Position): any {
  if (descriptor === undefined || descriptor === null || typeof descriptor !== 'object') return undefined; // a field
  const isStatic = typeof target === 'function';
  const cls = nameOfClass(isStatic ? target : (target as { constructor?: unknown } | null)?.constructor);
  if (typeof descriptor.value === 'function') return { ...descriptor, value: wrap(descriptor.value, 'method', key, cls, isStatic, options, at) };
  if (descriptor.get === undefined && descriptor.set === undefined) return descriptor;
  return {
    ...descriptor,
    get: wrap(descriptor.get, 'getter', key, cls, isStatic, options, at),
    set: wrap(descriptor.set, 'setter', key, cls, isStatic, options, at),
  };
}

// ------------------------------------------------------------ classes

const SKIP_STATIC = new Set<string | symbol>(['prototype', 'length', 'name', 'caller', 'arguments']);

/**
 * Every method and accessor of the class (static and instance; private ones are out of a class
 * decorator's reach) is wrapped in place, and the class is replaced by a proxy whose `construct`
 * records `new Class`. Returns undefined when the class is left as it is.
 */
function decorateClass(ctor: AnyFn, options: TracedOptions, at: Position): AnyFn | undefined {
  if (typeof ctor !== 'function' || instrumented(ctor)) return undefined;
  const cls = options.name ?? nameOfClass(ctor);
  const memberOptions = {};
  wrapMembers(ctor.prototype as object, cls, false, memberOptions, at);
  wrapMembers(ctor, cls, true, memberOptions, at);
  const site = new Site('constructor', '', cls, false, undefined, undefined, at);
  const proxy = new Proxy(ctor, {
    construct(target, args, newTarget) {
      const rec = site.rec !== undefined ? site.rec : site.init(undefined);
      const frame = rec !== null && rec.recording ? rec.enter(site.id) : 0;
      try {
        return Reflect.construct(target, args, newTarget);
      } finally {
        if (frame !== 0) rec!.exit(frame);
      }
    },
  });
  try {
    // `instance.constructor === Class` still holds for the name the program uses (the proxy).
    const proto = ctor.prototype as { constructor?: unknown } | undefined;
    if (proto !== undefined && proto !== null && Object.getOwnPropertyDescriptor(proto, 'constructor')?.value === ctor) {
      Object.defineProperty(proto, 'constructor', { value: proxy, writable: true, configurable: true, enumerable: false });
    }
  } catch {
    // a frozen prototype keeps its constructor
  }
  return proxy;
}

function wrapMembers(obj: object | undefined, cls: string, isStatic: boolean, options: TracedOptions, at: Position): void {
  if (obj === undefined || obj === null) return;
  for (const key of Reflect.ownKeys(obj)) {
    if (isStatic ? SKIP_STATIC.has(key) : key === 'constructor') continue;
    try {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      if (d === undefined || !d.configurable) continue;
      if (d.get !== undefined || d.set !== undefined) {
        Object.defineProperty(obj, key, { ...d, get: wrap(d.get, 'getter', key, cls, isStatic, options, at), set: wrap(d.set, 'setter', key, cls, isStatic, options, at) });
      } else if (typeof d.value === 'function' && !d.enumerable && !isClass(d.value)) {
        // Methods are not enumerable; fields (enumerable) are left alone.
        Object.defineProperty(obj, key, { ...d, value: wrap(d.value, 'method', key, cls, isStatic, options, at) });
      }
    } catch {
      // a member that cannot be redefined stays as it is
    }
  }
}

function isClass(fn: unknown): boolean {
  try {
    return /^class\b/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}
