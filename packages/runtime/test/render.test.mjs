// The value renderer (value-render.ts) on hostile values: it must never run the program's code
// (getters, proxy traps, toString, Symbol.toPrimitive, toJSON, inspect hooks), never throw, and
// stay short whatever it is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ROOT } from '../../../test/support/helpers.mjs';

const { renderValue, secretKeys } = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));

/** An object every touch of which is noted: `touched` must stay empty. */
function tripwire(touched) {
  const handler = {};
  for (const trap of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply', 'construct', 'isExtensible', 'preventExtensions', 'setPrototypeOf']) {
    handler[trap] = () => {
      touched.push(trap);
      throw new Error(`trap ${trap}`);
    };
  }
  return handler;
}

test('render: primitives', () => {
  assert.deepEqual(
    [1, -0, NaN, -Infinity, 10n, true, undefined, null, 'a"b\n', Symbol('s'), Symbol()].map((v) => renderValue(v)),
    ['1', '-0', 'NaN', '-Infinity', '10n', 'true', 'undefined', 'null', '"a\\"b\\n"', 'Symbol(s)', 'Symbol()'],
  );
});

test('render: objects, arrays, classes, null prototypes, built-ins', () => {
  class Point { constructor() { this.x = 1; this.y = 2; } }
  const nullProto = Object.assign(Object.create(null), { k: 1 });
  assert.equal(renderValue({ a: 1, 'b c': [1, 'x'], [Symbol('s')]: 2 }), '{ a: 1, "b c": [1, "x"], [Symbol(s)]: 2 }');
  assert.equal(renderValue(new Point()), 'Point { x: 1, y: 2 }');
  assert.equal(renderValue(nullProto), '[Object: null prototype] { k: 1 }');
  assert.equal(renderValue(new Map([['a', { b: 1 }]])), 'Map(1) { "a" => { b: 1 } }');
  assert.equal(renderValue(new Set([1, 2])), 'Set(2) { 1, 2 }');
  assert.equal(renderValue(new Uint8Array([1, 2])), 'Uint8Array(2) [1, 2]');
  assert.equal(renderValue(new Date(0)), '1970-01-01T00:00:00.000Z');
  assert.equal(renderValue(new Date(NaN)), 'Invalid Date');
  assert.equal(renderValue(/a+b/gi), '/a+b/gi');
  assert.equal(renderValue(new TypeError('bad')), '[TypeError: bad]');
  assert.equal(renderValue(function named() {}), '[Function: named]');
  assert.equal(renderValue(async function* ag() {}), '[AsyncGeneratorFunction: ag]');
  assert.equal(renderValue(Promise.resolve(1)), 'Promise');
  assert.equal(renderValue(new Number(3)), '[3]');
  assert.equal(renderValue([1, , 3]), '[1, <empty>, 3]');
  assert.equal(renderValue((function () { return arguments; })(1, 'a')), '[Arguments] [1, "a"]');
  assert.equal(renderValue(new WeakMap()), 'WeakMap');
});

test('render: depth, entries, string and total length are bounded', () => {
  assert.equal(renderValue([1, [2, [3, [4]]]]), '[1, [2, [Array(2)]]]');
  assert.equal(renderValue({ a: { b: { c: {} } } }), '{ a: { b: [Object] } }');
  assert.equal(renderValue({ a: { b: 1 } }, { depth: 0 }), '[Object]');
  const huge = Array.from({ length: 1_000_000 }, (_, i) => i);
  assert.equal(renderValue(huge), '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … 999990 more]');
  const long = 'x'.repeat(1_000_000);
  assert.equal(renderValue(long), `"${'x'.repeat(80)}"… (1000000 chars)`);
  const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, 'v'.repeat(30)]));
  const text = renderValue(wide);
  assert.ok(text.length <= 201, text);
  assert.ok(text.endsWith('…'), text);
  assert.equal(renderValue(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]))), `{ ${Array.from({ length: 10 }, (_, i) => `k${i}: ${i}`).join(', ')}, … }`);
});

test('render: cycles', () => {
  const a = { name: 'a' };
  a.self = a;
  a.list = [a];
  assert.equal(renderValue(a), '{ name: "a", self: [Circular], list: [[Circular]] }');
  const m = new Map();
  m.set('m', m);
  assert.equal(renderValue(m), 'Map(1) { "m" => [Circular] }');
});

test('render: getters and setters are shown, never called', () => {
  const calls = [];
  const o = {
    get boom() { calls.push('get'); throw new Error('getter ran'); },
    set only(v) { calls.push('set'); },
    get both() { calls.push('get'); return 1; },
    set both(v) {},
  };
  assert.equal(renderValue(o), '{ boom: [Getter], only: [Setter], both: [Getter/Setter] }');
  class WithGetter { get computed() { calls.push('proto getter'); return 1; } }
  assert.equal(renderValue(new WithGetter()), 'WithGetter {}');
  // A constructor reached through a getter is not read: the class name falls back to Object.
  const sneaky = Object.create(Object.defineProperty({}, 'constructor', { get() { calls.push('constructor getter'); return Array; } }));
  assert.equal(renderValue(sneaky), '{}');
  // Arrays whose length or elements are accessors.
  const arr = [1, 2];
  Object.defineProperty(arr, 0, { get() { calls.push('element getter'); return 9; } });
  assert.equal(renderValue(arr), '[[Getter], 2]');
  assert.deepEqual(calls, []);
});

test('render: proxies are not touched, revoked ones neither, also as a prototype or constructor', () => {
  const touched = [];
  const proxy = new Proxy({}, tripwire(touched));
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(renderValue(proxy), '[Proxy]');
  assert.equal(renderValue(revoked), '[Proxy]');
  assert.equal(renderValue(new Proxy(function f() {}, tripwire(touched))), '[Proxy]');
  assert.equal(renderValue({ inner: proxy, list: [revoked] }), '{ inner: [Proxy], list: [[Proxy]] }');
  assert.equal(renderValue(Object.create(proxy)), '{}');
  function Ctor() {}
  const viaProxyCtor = Object.create({ constructor: new Proxy(Ctor, tripwire(touched)) });
  assert.equal(renderValue(viaProxyCtor), '{}');
  assert.equal(renderValue(new Map([[proxy, proxy]])), 'Map(1) { [Proxy] => [Proxy] }');
  assert.deepEqual(touched, []);
});

test('render: no toString, valueOf, Symbol.toPrimitive, toJSON or inspect hook runs', () => {
  const calls = [];
  const o = {
    toString() { calls.push('toString'); throw new Error('x'); },
    valueOf() { calls.push('valueOf'); throw new Error('x'); },
    toJSON() { calls.push('toJSON'); throw new Error('x'); },
    [Symbol.toPrimitive]() { calls.push('toPrimitive'); throw new Error('x'); },
    [inspect.custom]() { calls.push('inspect'); throw new Error('x'); },
  };
  const text = renderValue(o);
  assert.match(text, /^\{ toString: \[Function: toString\], valueOf: \[Function: valueOf\], toJSON: \[Function: toJSON\], \[Symbol\(Symbol\.toPrimitive\)\]: \[Function: \[Symbol\.toPrimitive\]\]/);
  class Loud extends Error { get message() { calls.push('message getter'); return 'm'; } }
  assert.equal(renderValue(new Loud()), '[Error]');
  assert.deepEqual(calls, []);
});

test('render: built-ins replaced by the program are not the ones it calls', () => {
  const saved = { entries: Map.prototype.entries, desc: Object.getOwnPropertyDescriptor(Symbol.prototype, 'description') };
  const calls = [];
  try {
    Map.prototype.entries = function () { calls.push('entries'); throw new Error('x'); };
    Object.defineProperty(Symbol.prototype, 'description', { get() { calls.push('description'); return 'no'; }, configurable: true });
    assert.equal(renderValue(new Map([[1, Symbol('real')]])), 'Map(1) { 1 => Symbol(real) }');
  } finally {
    Map.prototype.entries = saved.entries;
    Object.defineProperty(Symbol.prototype, 'description', saved.desc);
  }
  assert.deepEqual(calls, []);
});

test('render: keys that look secret are redacted, the list extends', () => {
  const value = { user: 'bob', password: 'hunter2', apiKey: 'k', API_KEY: 'k', Authorization: 'Bearer x', sessionCookie: 'c', nested: { accessToken: 't', pin: 1234 } };
  assert.equal(renderValue(value), '{ user: "bob", password: [redacted], apiKey: [redacted], API_KEY: [redacted], Authorization: [redacted], sessionCookie: [redacted], nested: { accessToken: [redacted], pin: 1234 } }');
  assert.equal(renderValue({ pin: 1234, other: 1 }, { redact: secretKeys(['PIN']) }), '{ pin: [redacted], other: 1 }');
  assert.equal(renderValue(new Map([['x-auth-token', 'abc']])), 'Map(1) { "x-auth-token" => [redacted] }');
  assert.doesNotMatch(renderValue(value), /hunter2|Bearer/);
});

test('render: never throws on exotic objects (buffers, views, the global object, process, boxed bigints)', () => {
  const exotic = [
    new Proxy([], { getPrototypeOf() { throw new Error('x'); } }),
    Object.defineProperty({}, 'x', { value: 1, enumerable: false }),
    new ArrayBuffer(8),
    new DataView(new ArrayBuffer(4)),
    new BigInt64Array([1n]),
    globalThis,
    process,
    Object(1n),
  ];
  for (const v of exotic) assert.equal(typeof renderValue(v), 'string');
  assert.equal(renderValue(new BigInt64Array([1n])), 'BigInt64Array(1) [1n]');
});
