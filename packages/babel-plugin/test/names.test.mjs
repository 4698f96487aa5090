// The function table the header registers: display names computed from the syntax
// (semantics.md item 5), with 1-based lines and columns of the original source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from '../../../test/support/helpers.mjs';
import { tableOf, moduleTableOf, namesOf } from './transform.mjs';

const TS = { filename: join(ROOT, 'snippet.ts'), presets: [['@babel/preset-typescript', { allowDeclareFields: true }]] };

/** name -> "line:col" for every entry but the module's. */
function positions(code, opts) {
  return Object.fromEntries(tableOf(code, opts).entries.slice(1).map((e) => [e.name, `${e.line}:${e.col}`]));
}

test('class members: methods, static, accessors, private, constructor, fields, static blocks', () => {
  const code = `class Class {
  constructor() {}
  method() {}
  static staticMethod() {}
  get prop() { return 1; }
  set prop(v) {}
  #priv() {}
  get #hidden() { return 1; }
  static #staticPriv() {}
  field = () => {};
  static staticField = function () {};
  #privField = () => {};
  static { }
}`;
  assert.deepEqual(positions(code), {
    'new Class': '2:3',
    'Class.method': '3:3',
    'Class.staticMethod': '4:3',
    'get Class.prop': '5:3',
    'set Class.prop': '6:3',
    'Class.#priv': '7:3',
    'get Class.#hidden': '8:3',
    'Class.#staticPriv': '9:3',
    'Class.field': '10:11',
    'Class.staticField': '11:24',
    'Class.#privField': '12:16',
    'Class.<static>': '13:3',
  });
});

test('computed keys keep their source text, literals read as names when they are identifiers', () => {
  const code = `class K { [key]() {} ['lit']() {} ['not-an-id']() {} [1]() {} [Symbol.iterator]() {} [a +
    b]() {} [aVeryLongExpressionThatGoesOnAndOn(withArguments, andMore)]() {} }`;
  assert.deepEqual(namesOf(code), ['K[key]', 'K.lit', 'K["not-an-id"]', 'K[1]', 'K[Symbol.iterator]', 'K[a + b]', 'K[aVeryLongExpressionThatGoesOnAndOn(with…]']);
  assert.deepEqual(namesOf('const o = { [key]: () => {}, get [k2]() { return 1; }, "str-key"() {}, 7: function () {} }'), ['o[key]', 'get o[k2]', 'o["str-key"]', 'o[7]']);
});

test('object literals: methods, accessors, properties holding functions, nested objects', () => {
  const code = `const obj = {
  key() {},
  get g() { return 1; },
  set g(v) {},
  arrow: () => {},
  fn: function () {},
  named: function own() {},
  nested: { deep() {} },
};`;
  assert.deepEqual(positions(code), {
    'obj.key': '2:3',
    'get obj.g': '3:3',
    'set obj.g': '4:3',
    'obj.arrow': '5:10',
    'obj.fn': '6:7',
    own: '7:10',
    'obj.nested.deep': '8:13',
  });
  // an object with no name of its own: the key alone
  assert.deepEqual(namesOf('f({ key() {}, prop: () => {} });'), ['key', 'prop']);
});

test('functions take the name of the variable, property or parameter they are assigned to', () => {
  const code = [
    'const f = () => {};',
    'const g = function () {};',
    'let late; late = () => {};',
    'a.b.c = function () {};',
    'this.self = () => {};',
    'Foo.prototype.bar = function () {};',
    'module.exports = function () {};',
    'table[index] = () => {};',
    'table["key"] = () => {};',
    'x ||= () => {};',
    'function takes(cb = () => {}) {}',
    'const { d = () => {} } = {};',
    'const cast = (() => {});',
    'const C = class { m() {} };',
    'holder.D = class { m() {} };',
    'const E = class Named { m() {} };',
  ].join('\n');
  assert.deepEqual(namesOf(code), ['f', 'g', 'late', 'a.b.c', 'this.self', 'Foo.prototype.bar', 'module.exports', 'table[index]', 'table.key', 'x', 'takes', 'cb', 'd', 'cast', 'C.m', 'holder.D.m', 'Named.m']);
});

test('functions without a name are (anonymous L:C) with their own position', () => {
  const code = `[1].map(function () {});
  setTimeout(() => {});
(function () {})();
(class { m() {} });`;
  const entries = tableOf(code).entries.slice(1);
  assert.deepEqual(entries, [
    { name: '(anonymous 1:9)', line: 1, col: 9 },
    { name: '(anonymous 2:14)', line: 2, col: 14 },
    { name: '(anonymous 3:2)', line: 3, col: 2 },
    { name: '(anonymous class).m', line: 4, col: 10 },
  ]);
});

test('declarations keep their own names; nesting does not prefix them', () => {
  assert.deepEqual(positions('function outer() {\n  function inner() {}\n  const arrow = () => {};\n}'), { outer: '1:1', inner: '2:3', arrow: '3:17' });
});

test('module entry 0 is the file relative to the cwd (or the cwd option), with forward slashes', () => {
  const { file, entries } = tableOf('1;', { filename: join(ROOT, 'sub', 'dir', 'file.js') });
  assert.equal(file, 'sub/dir/file.js');
  assert.deepEqual(entries, [{ name: 'sub/dir/file.js', line: 1, col: 1 }]);
  assert.equal(tableOf('1;', { filename: join(ROOT, 'sub', 'file.js'), pluginOptions: { cwd: join(ROOT, 'sub') } }).file, 'file.js');
  assert.equal(tableOf('1;', { filename: '/elsewhere/x.js', cwd: '/elsewhere/deeper' }).file, '../x.js');
});

test('ES modules: default exports are "default", exported declarations keep their names', () => {
  const { file, entries } = moduleTableOf('export default function () {}\nexport const h = () => {};\nexport function named() {}\nexport class Cls { m() {} }', { filename: join(ROOT, 'm.mjs') });
  assert.equal(file, 'm.mjs');
  assert.deepEqual(entries.map((e) => `${e.name}@${e.line}:${e.col}`), ['m.mjs@1:1', 'default@1:16', 'h@2:18', 'named@3:8', 'Cls.m@4:20']);
  assert.deepEqual(moduleTableOf('export default class { m() {} }').entries.slice(1).map((e) => e.name), ['default.m']);
  assert.deepEqual(moduleTableOf('export default () => {};').entries.slice(1).map((e) => e.name), ['default']);
});

test('TypeScript keeps the positions of the TypeScript source (types, parameter properties, casts)', () => {
  const code = `const typed = (a: number, b: string): string => b;
class P {
  private readonly x: number = 1;
  constructor(private a: number, public b = 2) {}
  method(this: P, value: Array<string>): void {}
  handler = (e: Event): void => {};
}
const cast = ((n: number) => n) as unknown as (n: number) => number;
const sat = { run: (() => 1) satisfies () => number };
function generic<T extends object>(value: T): T { return value; }`;
  assert.deepEqual(positions(code, TS), {
    typed: '1:15',
    'new P': '4:3',
    'P.method': '5:3',
    'P.handler': '6:13',
    cast: '8:15',
    'sat.run': '9:21',
    generic: '10:1',
  });
});

test('TypeScript overload and declare signatures get no entry', () => {
  const code = `function over(a: string): string;
function over(a: number): number;
function over(a: any) { return a; }
declare function ambient(): void;
class C {
  m(a: string): void;
  m(a: any) {}
  declare field: () => void;
}
abstract class Abs { abstract run(): void; concrete() {} }`;
  assert.deepEqual(positions(code, TS), { over: '3:1', 'C.m': '7:3', 'Abs.concrete': '10:44' });
});
