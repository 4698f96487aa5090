// `panopticon --args`: a program runs as it does plainly (getters, proxy traps and toString that
// would print if touched never run), and its slices carry the rendered argument and return values
// in .json and .pftrace alike, in every kind of module and thread; secrets redacted (--redact adds
// keys); --args=GLOB and --args-files narrow it; without --args the slices carry none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PANOPTICON, readTrace, runAsync, slicesOf, tempDir } from './support/helpers.mjs';

const PROGRAM = join('test', 'fixtures', 'args', 'program.js');
const plainRun = runAsync([PROGRAM]);

async function tracedRun(flags, output = 'trace.json') {
  const out = join(tempDir('panopticon-args-'), output);
  const [plain, traced] = await Promise.all([plainRun, runAsync([PANOPTICON, '-o', out, ...flags, PROGRAM])]);
  assert.equal(traced.status, plain.status, traced.stderr);
  assert.equal(traced.stdout, plain.stdout);
  assert.doesNotMatch(traced.stdout, /RAN/);
  const checked = readTrace(out);
  assert.ok(checked.ok && checked.model, checked.report);
  return slicesOf(checked.model);
}

/** The value args of a slice (all but the location and coroutine ones). */
function valuesOf(slice) {
  return Object.fromEntries(Object.entries(slice.args ?? {}).filter(([k]) => k.startsWith('args.') || k === 'return' || k === 'throw'));
}

function one(slices, name) {
  const found = slices.filter((s) => s.name === name);
  assert.equal(found.length, 1, `${name}: ${found.length} slices`);
  return valuesOf(found[0]);
}

for (const output of ['trace.json', 'trace.pftrace']) {
  test(`--args: each slice shows its arguments and result (${output})`, async () => {
    const slices = await tracedRun(['--args'], output);
    assert.deepEqual(one(slices, 'add'), { 'args.a': '1', 'args.b': '2', return: '3' });
    assert.deepEqual(one(slices, 'login'), { 'args.user': '"bob"', 'args.password': '[redacted]', 'args.options': '{ pin: 1234 }', return: '{ user: "bob", ok: true, pin: 1234 }' });
    assert.deepEqual(one(slices, 'inspectNothing'), { 'args.o': '{ visible: 1, boom: [Getter] }', 'args.p': '[Proxy]', return: '[1, "object"]' });
    assert.deepEqual(one(slices, 'shapes'), { 'args.w': '3', 'args.h': '2', 'args.more': '["a", "b"]', return: '8' });
    assert.deepEqual(one(slices, 'keep'), { 'args.v': '{ toString: [Function: toString] }', return: '{ toString: [Function: toString] }' });
    // A plain function gets no catch (it would move where node reports an uncaught throw); an async one has one.
    assert.deepEqual(one(slices, 'fails'), { 'args.n': '3' });
    const rejects = slices.filter((s) => s.name === 'rejects').sort((a, b) => a.ts - b.ts).map(valuesOf);
    assert.deepEqual(rejects, [{ 'args.why': '"no"' }, { throw: '[TypeError: no]' }]);
    // A generator: its arguments on the first slice, its return value on the last.
    const gen = slices.filter((s) => s.name === 'countdown').sort((a, b) => a.ts - b.ts).map(valuesOf);
    assert.equal(gen.length, 3);
    assert.deepEqual(gen, [{ 'args.from': '2' }, {}, { return: '"liftoff"' }]);
    const later = slices.filter((s) => s.name === 'later').sort((a, b) => a.ts - b.ts).map(valuesOf);
    assert.deepEqual(later, [{ 'args.x': '21' }, { return: '{ doubled: 42 }' }]);
    assert.deepEqual(one(slices, 'greet'), { 'args.name': '"esm"', return: '"hello esm"' });
    const square = slices.find((s) => s.name === 'square');
    assert.ok(square, 'the worker is traced');
    assert.notEqual(square.tid, slices.find((s) => s.name === 'add').tid);
    assert.deepEqual(valuesOf(square), { 'args.n': '5', return: '25' });
  });
}

test('--redact adds secret keys, for parameters and properties', async () => {
  const slices = await tracedRun(['--args', '--redact', 'PIN,user']);
  assert.deepEqual(one(slices, 'login'), { 'args.user': '[redacted]', 'args.password': '[redacted]', 'args.options': '{ pin: [redacted] }', return: '{ user: [redacted], ok: true, pin: [redacted] }' });
});

test('--args=GLOB records only the functions named, --args-files only the files matched', async () => {
  const [named, files] = await Promise.all([tracedRun(['--args=add,log*']), tracedRun(['--args-files', '**/helper.mjs'])]);
  const withValues = (slices) => [...new Set(slices.filter((s) => Object.keys(valuesOf(s)).length > 0).map((s) => s.name))].sort();
  assert.deepEqual(withValues(named), ['add', 'login']);
  assert.deepEqual(withValues(files), ['greet']);
});

test('without --args no slice carries values', async () => {
  const slices = await tracedRun([]);
  assert.ok(slices.some((s) => s.name === 'add'));
  assert.deepEqual(slices.filter((s) => Object.keys(valuesOf(s)).length > 0), []);
});

test('a build made with the plugin option args (runtime: auto) records values under PANOPTICON_OUTPUT; PANOPTICON_REDACT adds keys', async () => {
  const { createRequire } = await import('node:module');
  const { mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { ROOT, runNode } = await import('./support/helpers.mjs');
  const require = createRequire(import.meta.url);
  const babel = require('@babel/core');
  const source = join(ROOT, 'test', 'fixtures', 'idle', 'server.js');
  const dir = join(ROOT, '.tmp', `args-build-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const { code } = babel.transformSync(readFileSync(source, 'utf8'), { filename: source, cwd: ROOT, configFile: false, babelrc: false, plugins: [[require('../packages/babel-plugin'), { runtime: 'auto', args: { functions: ['parse'] } }]] });
  writeFileSync(join(dir, 'server.js'), code);
  const out = join(dir, 'trace.json');
  const run = runNode([join(dir, 'server.js'), '2'], { cwd: dir, env: { ...process.env, PANOPTICON_OUTPUT: out, PANOPTICON_REDACT: 'TEXT' } });
  assert.equal(run.status, 0, run.stderr);
  const checked = readTrace(out);
  assert.ok(checked.ok, checked.report);
  const slices = slicesOf(checked.model);
  assert.deepEqual(slices.filter((s) => s.name === 'parse').map(valuesOf), [{ 'args.text': '[redacted]', return: '[0, 1]' }, { 'args.text': '[redacted]', return: '[1, 2]' }]);
  assert.deepEqual(slices.filter((s) => s.name === 'handle').map(valuesOf), [{}, {}]);
});
