// What the plugin leaves alone: code it already instrumented, opted-out functions and files,
// nodes other plugins made without a source location, TypeScript signatures without a body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT } from '../../../test/support/helpers.mjs';
import { babel, instrument, options, tableOf } from './transform.mjs';

const FILE = join(ROOT, 'behaviour.js');

const SAMPLE = `'use strict';
function f(x) { function x() {} return [typeof x, () => 1]; }
class A extends Object { #p() { return 1; } constructor() { super(); } get g() { return this.#p(); } static { A.ready = true; } field = () => 2; }
const o = { m() { return 3; }, arrow: (a = () => 4) => a() };
function withLexical(p) { function p() { return c; } const c = 5; return p(); }
function* gen() { yield 1; }
async function later() { await null; }`;

/** The source text of every function of `names` (globals of the script), evaluated with a fake registry. */
function sourcesOf(code, names) {
  const context = vm.createContext({});
  vm.runInContext(code, context);
  return Object.fromEntries(names.map((n) => [n, vm.runInContext(`String(${n})`, context)]));
}

test('instrumenting instrumented code again changes nothing, byte for byte', () => {
  for (const sourceType of ['script', 'module']) {
    const once = instrument(SAMPLE, { filename: FILE, sourceType });
    assert.match(once, /__panopticon_rt_/);
    assert.equal(instrument(once, { filename: FILE, sourceType }), once);
  }
  // also when the second pass sees another file name (a bundler re-running over its output)
  const once = instrument(SAMPLE, { filename: FILE });
  assert.equal(instrument(once, { filename: join(ROOT, 'bundle.js') }), once);
});

test('/* panopticon-ignore */ leaves a function and everything nested in it untouched', () => {
  const code = `/* panopticon-ignore */
function declared() { return () => function deeper() {}; }
const arrow = /* panopticon-ignore */ () => [1].map((x) => x);
// panopticon-ignore
const viaVariable = () => function nested() {};
const obj = {
  /* panopticon-ignore */
  method() { return () => 1; },
  // panopticon-ignore
  prop: function () { return () => 2; },
  traced() {},
};
class K {
  /* panopticon-ignore */
  method() { return () => 3; }
  // panopticon-ignore
  field = () => () => 4;
  traced() {}
}
/* panopticon-ignored-not-quite */ function almost() {}
/* panopticon-ignore */ function* ignoredGen() { yield () => 5; }
function traced() {}`;
  assert.deepEqual(tableOf(code, { filename: FILE }).entries.slice(1).map((e) => e.name), ['obj.traced', 'K.traced', 'almost', 'traced']);
  const out = instrument(code, { filename: FILE });
  const plain = babel.transformSync(code, { filename: FILE, babelrc: false, configFile: false }).code;
  const names = ['declared', 'arrow', 'viaVariable', 'obj.method', 'obj.prop', 'K.prototype.method', 'ignoredGen'];
  const instrumented = sourcesOf(out, names);
  assert.deepEqual(instrumented, sourcesOf(plain, names));
  for (const [name, text] of Object.entries(instrumented)) assert.doesNotMatch(text, /__panopticon/, name);
  assert.match(sourcesOf(out, ['traced']).traced, /__panopticon_rt_/);
});

test('a panopticon-ignore-file comment anywhere leaves the file exactly as Babel alone prints it', () => {
  for (const code of [`// panopticon-ignore-file\n${SAMPLE}`, `${SAMPLE}\n/* panopticon-ignore-file: generated */`]) {
    const plain = babel.transformSync(code, { filename: FILE, babelrc: false, configFile: false }).code;
    assert.equal(instrument(code, { filename: FILE }), plain);
  }
});

test('functions another plugin built without a source location are left alone', () => {
  // Runs before the instrumenter (plugins' Program visitors run in order): adds a function
  // declaration and, inside an existing function, an arrow, both made with builders (no loc).
  const addHelpers = ({ types: t }) => ({
    visitor: {
      Program(path) {
        path.unshiftContainer('body', t.functionDeclaration(t.identifier('injected'), [], t.blockStatement([t.returnStatement(t.arrowFunctionExpression([], t.numericLiteral(1)))])));
      },
      FunctionDeclaration(path) {
        if (path.node.id.name !== 'user') return;
        path.get('body').unshiftContainer('body', t.variableDeclaration('const', [t.variableDeclarator(t.identifier('helper'), t.arrowFunctionExpression([], t.numericLiteral(2)))]));
      },
    },
  });
  const code = 'function user() { return 3; }';
  const opts = { filename: FILE, plugins: [] };
  const out = babel.transformSync(code, { ...options(opts), plugins: [addHelpers, ...options(opts).plugins] }).code;
  const sources = sourcesOf(out, ['injected', 'user']);
  assert.doesNotMatch(sources.injected, /__panopticon/);
  assert.match(sources.user, /__panopticon_rt_/);
  assert.match(sources.user, /const helper = \(\) => 2;/);
  const table = /register\("behaviour\.js", (\[.*?\])\)/.exec(out);
  assert.deepEqual(JSON.parse(table[1]), ['behaviour.js', 1, 1, 'user', 1, 1]);
});

test('TypeScript overload and declare signatures are left as they are', () => {
  const code = `function over(a: string): string;
function over(a: number): number;
function over(a: any) { return a; }
declare function ambient(): void;
abstract class C {
  m(a: string): void;
  m(a: any) {}
  declare field: number;
  abstract run(): void;
}`;
  const ts = { filename: join(ROOT, 'behaviour.ts'), sourceType: 'module' };
  // with the syntax plugin only, the output is still TypeScript: the signatures must survive as they were
  const out = babel.transformSync(code, { ...options(ts), parserOpts: { plugins: ['typescript'] } }).code;
  for (const signature of ['function over(a: string): string;', 'function over(a: number): number;', 'declare function ambient(): void;', 'm(a: string): void;', 'declare field: number;', 'abstract run(): void;']) {
    assert.ok(out.includes(signature), `${signature} missing from\n${out}`);
  }
  assert.equal(out.match(/\.enter\(/g).length, 3); // the module, over and C.m
});
