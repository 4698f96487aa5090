// The plugin under Babel 8 (the root's `babel8` dev dependency, an alias of @babel/core@^8):
// the same function table, the same behaviour in vm contexts, idempotent, TypeScript signatures
// left alone. Babel 8 is ESM-only; node 20.19+ loads it (it asks for node 22 in its engines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT, readTrace, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { options, instrument as instrument7 } from './transform.mjs';
import { PROGRAM, ASYNC_PROGRAM } from './fixtures/program.mjs';

const babel8 = await import('babel8');
const FILE = join(ROOT, 'vm-program.js');

function instrument8(code, opts = {}) {
  return babel8.transformSync(code, options({ filename: FILE, ...opts })).code;
}

function registered(code) {
  const match = /\.register\(("[^"]*"), (\[.*?\])\);/.exec(code);
  assert.ok(match, code);
  return [JSON.parse(match[1]), JSON.parse(match[2])];
}

test('Babel 8 is the one under test', () => {
  assert.match(babel8.version, /^8\./);
});

test('Babel 8 registers the same function table as Babel 7', () => {
  assert.deepEqual(registered(instrument8(PROGRAM)), registered(instrument7(PROGRAM, { filename: FILE })));
  assert.deepEqual(registered(instrument8(ASYNC_PROGRAM)), registered(instrument7(ASYNC_PROGRAM, { filename: FILE })));
});

test('Babel 8 output runs the same without a runtime and records a valid trace with one', async () => {
  const expected = vm.runInContext(PROGRAM, vm.createContext({}));
  const code = instrument8(PROGRAM);
  assert.equal(vm.runInContext(code, vm.createContext({})), expected);

  const context = vm.createContext({});
  vm.runInContext(readFileSync(join(ROOT, 'packages', 'runtime', 'dist', 'global.js'), 'utf8'), context);
  assert.equal(vm.runInContext(code, context), expected);
  const plainAsync = vm.createContext({});
  vm.runInContext(ASYNC_PROGRAM, plainAsync);
  vm.runInContext(instrument8(ASYNC_PROGRAM), context);
  assert.equal(await context.done, await plainAsync.done);

  const path = join(tempDir(), 'babel8.json');
  writeFileSync(path, vm.runInContext("globalThis[Symbol.for('panopticon.api')].chromeTrace()", context));
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  const names = new Set(slicesOf(trace.model).map((s) => s.name));
  for (const name of ['fib', 'new Square', 'Shape.<static>', 'get obj.doubled', 'step']) assert.ok(names.has(name), name);
});

test('Babel 8: instrumenting twice changes nothing; TypeScript signatures stay', () => {
  const once = instrument8(PROGRAM);
  assert.equal(instrument8(once), once);
  const ts = 'function over(a: string): string;\nfunction over(a: any) { return a; }\ndeclare function ambient(): void;\nclass C { m(a: string): void; m(a: any) {} declare f: number; }';
  const out = babel8.transformSync(ts, { ...options({ filename: join(ROOT, 'x.ts') }), parserOpts: { plugins: ['typescript'] } }).code;
  for (const signature of ['function over(a: string): string;', 'declare function ambient(): void;', 'm(a: string): void;', 'declare f: number;']) assert.ok(out.includes(signature), out);
  assert.deepEqual(registered(out)[1], ['x.ts', 1, 1, 'over', 2, 1, 'C.m', 4, 31]);
});
