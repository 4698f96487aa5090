// The built-ins the value renderer uses, captured when the runtime loads: a program that later
// replaces `Map.prototype.entries` or `Symbol.prototype.description` must not get its code run by
// the tracer. Type checks come from node:util's `types` (internal-slot checks that run no user
// code and never touch a proxy's traps); outside Node there is none, and the renderer then reads
// no object's properties at all (a proxy cannot be told from its target there).

type Check = (value: unknown) => boolean;

export interface TypeChecks {
  isProxy: Check;
  isDate: Check;
  isRegExp: Check;
  isMap: Check;
  isSet: Check;
  isWeakMap: Check;
  isWeakSet: Check;
  isTypedArray: Check;
  isArrayBuffer: Check;
  isNativeError: Check;
  isPromise: Check;
  isBoxedPrimitive: Check;
  isArgumentsObject: Check;
  isModuleNamespaceObject: Check;
  isAsyncFunction: Check;
  isGeneratorFunction: Check;
}

function nodeTypes(): TypeChecks | null {
  try {
    const proc = (globalThis as { process?: { versions?: { node?: unknown }; getBuiltinModule?: (id: string) => unknown } }).process;
    if (typeof proc !== 'object' || proc === null || typeof proc.versions?.node !== 'string') return null;
    const util = (typeof proc.getBuiltinModule === 'function' ? proc.getBuiltinModule('node:util') : typeof require === 'function' ? require('node:util') : null) as { types?: TypeChecks } | null;
    const types = util?.types;
    if (!types || typeof types.isProxy !== 'function') return null;
    // Copied: later changes to the util module do not reach the renderer.
    return { ...types };
  } catch {
    return null;
  }
}

export const types: TypeChecks | null = nodeTypes();

const { apply, ownKeys } = Reflect;
export { apply, ownKeys };
export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const getPrototypeOf = Object.getPrototypeOf;
export const isArray = Array.isArray;
export const objectIs = Object.is;
export const stringSlice = String.prototype.slice;
export const jsonStringify = JSON.stringify;

function getter(proto: object, key: PropertyKey): ((this: unknown) => unknown) | null {
  const d = Object.getOwnPropertyDescriptor(proto, key);
  return d && typeof d.get === 'function' ? d.get : null;
}

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const mapIteratorProto = Object.getPrototypeOf(new Map().entries()) as { next(): IteratorResult<unknown> };
const setIteratorProto = Object.getPrototypeOf(new Set().values()) as { next(): IteratorResult<unknown> };

export const intrinsic = {
  symbolDescription: getter(Symbol.prototype, 'description'),
  dateGetTime: Date.prototype.getTime,
  dateToISOString: Date.prototype.toISOString,
  regexpSource: getter(RegExp.prototype, 'source'),
  /** Each flag from its own getter, which reads the internal slot (`flags` would call getters on the object). */
  regexpFlags: (['hasIndices', 'global', 'ignoreCase', 'multiline', 'dotAll', 'unicode', 'unicodeSets', 'sticky'] as const)
    .map((name, i) => [getter(RegExp.prototype, name), 'dgimsuvy'[i]] as const)
    .filter(([get]) => get !== null),
  mapSize: getter(Map.prototype, 'size'),
  setSize: getter(Set.prototype, 'size'),
  mapEntries: Map.prototype.entries,
  setValues: Set.prototype.values,
  mapIteratorNext: mapIteratorProto.next,
  setIteratorNext: setIteratorProto.next,
  typedArrayLength: getter(typedArrayProto, 'length'),
  typedArrayTag: getter(typedArrayProto, Symbol.toStringTag),
  arrayBufferByteLength: getter(ArrayBuffer.prototype, 'byteLength'),
  numberValueOf: Number.prototype.valueOf,
  stringValueOf: String.prototype.valueOf,
  booleanValueOf: Boolean.prototype.valueOf,
  bigintValueOf: BigInt.prototype.valueOf,
  symbolValueOf: Symbol.prototype.valueOf,
};
