// Instrumented code in `vm` contexts: without a runtime the hooks are no-ops and the program runs
// as before (a function serialised to a page, a bare context); with the classic-script runtime
// (@panopticon/runtime/global) evaluated first, the same code records a trace that passes the
// checker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT, readTrace, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { instrument } from './transform.mjs';
import { PROGRAM, ASYNC_PROGRAM } from './fixtures/program.mjs';

const GLOBAL_RUNTIME = readFileSync(join(ROOT, 'packages', 'runtime', 'dist', 'global.js'), 'utf8');
const FILE = join(ROOT, 'vm-program.js');

function contextWithRuntime() {
  const context = vm.createContext({});
  vm.runInContext(GLOBAL_RUNTIME, context);
  return context;
}

function traceOf(context) {
  const text = vm.runInContext("globalThis[Symbol.for('panopticon.api')].chromeTrace()", context);
  const path = join(tempDir(), 'vm-trace.json');
  writeFileSync(path, text);
  return readTrace(path);
}

test('without a runtime, instrumented code gives the same completion value and leaves no recorder', () => {
  const expected = vm.runInContext(PROGRAM, vm.createContext({}));
  const code = instrument(PROGRAM, { filename: FILE });
  assert.match(code, /__panopticon_rt_/);
  const context = vm.createContext({});
  assert.equal(vm.runInContext(code, context), expected);
  assert.equal(vm.runInContext("typeof globalThis[Symbol.for('panopticon.runtime')]", context), 'undefined');
});

test('without a runtime, async functions and generators run the same (the no-op hooks pass values through)', async () => {
  const plain = vm.createContext({});
  vm.runInContext(ASYNC_PROGRAM, plain);
  const bare = vm.createContext({});
  vm.runInContext(instrument(ASYNC_PROGRAM, { filename: FILE }), bare);
  assert.equal(await bare.done, await plain.done);
});

test('a serialised function needs the script it came from, unless it opted out with panopticon-ignore', () => {
  const code = instrument(
    `globalThis.traced = function add(a, b) { return a + b; };
     globalThis.optedOut = /* panopticon-ignore */ function add(a, b) { return [a + b, [1].map((x) => x)]; };`,
    { filename: FILE },
  );
  const context = vm.createContext({});
  vm.runInContext(code, context);
  const traced = vm.runInContext('traced.toString()', context);
  const optedOut = vm.runInContext('optedOut.toString()', context);
  assert.match(traced, /__panopticon_rt_/);
  assert.doesNotMatch(optedOut, /__panopticon/);
  // semantics.md item 7: the accessor is a declaration of the original script, not in the text
  const page = vm.createContext({});
  assert.throws(() => vm.runInContext(`(${traced})(1, 2)`, page), { name: 'ReferenceError', message: /__panopticon_rt_/ });
  assert.equal(JSON.stringify(vm.runInContext(`(${optedOut})(1, 2)`, page)), '[3,[1]]');
});

test('with @panopticon/runtime/global evaluated first, the same code records a trace that passes the checker', () => {
  const expected = vm.runInContext(PROGRAM, vm.createContext({}));
  const context = contextWithRuntime();
  assert.equal(vm.runInContext(instrument(PROGRAM, { filename: FILE }), context), expected);
  const trace = traceOf(context);
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  const count = (name) => slices.filter((s) => s.name === name).length;
  assert.equal(count('vm-program.js'), 1);
  assert.equal(count('fib'), 1973); // fib(15) makes 1973 calls
  for (const name of ['new Shape', 'new Square', 'Shape.<static>', 'Square.area', 'Square.reveal', 'Shape.reveal', 'Shape.#secret', 'set Shape.id', 'get Shape.id', 'obj.add', 'get obj.doubled', 'thrower', '(anonymous 35:25)']) {
    assert.ok(count(name) >= 1, `no slice ${name}: ${[...new Set(slices.map((s) => s.name))].join(', ')}`);
  }
  const fib = slices.find((s) => s.name === 'fib' && s.depth === 1);
  assert.deepEqual(fib.args, { file: 'vm-program.js', line: 23, col: 1 });
});

test('with the runtime, async code records a trace that passes the checker and runs the same', async () => {
  const plain = vm.createContext({});
  vm.runInContext(ASYNC_PROGRAM, plain);
  const context = contextWithRuntime();
  vm.runInContext(instrument(ASYNC_PROGRAM, { filename: FILE }), context);
  assert.equal(await context.done, await plain.done);
  const trace = traceOf(context);
  assert.ok(trace.ok, trace.report);
  assert.ok(slicesOf(trace.model).some((s) => s.name === 'step'));
});

test('two scripts in one context register separately and share the recorder', () => {
  const context = contextWithRuntime();
  vm.runInContext(instrument('function one() { return 1; } one();', { filename: join(ROOT, 'a.js') }), context);
  vm.runInContext(instrument('function two() { return one() + 1; } two();', { filename: join(ROOT, 'b.js') }), context);
  const trace = traceOf(context);
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  const two = slices.find((s) => s.name === 'two');
  const nested = slices.filter((s) => s.name === 'one').map((s) => s.args.file);
  assert.deepEqual(nested, ['a.js', 'a.js']);
  assert.equal(two.args.file, 'b.js');
});

test('two different scripts of the same file name (a script evaluated again after an edit) each register', () => {
  const context = contextWithRuntime();
  vm.runInContext(instrument('function first() {} first();', { filename: join(ROOT, 'same.js') }), context);
  vm.runInContext(instrument('function second() {} second();', { filename: join(ROOT, 'same.js') }), context);
  const trace = traceOf(context);
  assert.ok(trace.ok, trace.report);
  const names = slicesOf(trace.model).map((s) => s.name);
  assert.deepEqual(names.filter((n) => n !== 'same.js'), ['first', 'second']);
});
