// The classic-script build, @panopticon/runtime/global (dist/global.js): evaluated in a fresh vm
// context it installs that realm's recorder, not the main realm's, and chromeTrace() gives a trace
// the checker accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT, readTrace, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { instrument } from './support/instrument.mjs';

const GLOBAL_JS = join(ROOT, 'packages', 'runtime', 'dist', 'global.js');
const KEY = Symbol.for('panopticon.runtime');
const API = Symbol.for('panopticon.api');

const PROGRAM = instrument(`
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
class Box { get value() { return fib(6); } }
var result = new Box().value;
`, 'page.js');

function tracedRealm(globals) {
  const context = vm.createContext(globals);
  vm.runInContext(readFileSync(GLOBAL_JS, 'utf8'), context, { filename: 'global.js' });
  vm.runInContext(PROGRAM, context, { filename: 'page.js' });
  return context;
}

function checked(text) {
  const path = join(tempDir(), 'trace.json');
  writeFileSync(path, text);
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  assert.deepEqual(trace.model.errors, []);
  return slicesOf(trace.model);
}

// A browser's performance.now() without cross-origin isolation: 100 us steps.
const coarse = { now: () => Math.floor(performance.now() * 10) / 10, timeOrigin: performance.timeOrigin };

for (const [label, globals] of [
  ['a bare context (no performance: Date.now)', () => ({})],
  ['a context with performance', () => ({ performance })],
  ['a context with a coarse performance.now', () => ({ performance: coarse })],
]) {
  test(`global.js in ${label}: a recorder in that realm only, and a checked trace`, () => {
    const context = tracedRealm(globals());
    assert.equal(globalThis[KEY], undefined, 'nothing installed in the main realm');
    assert.equal(globalThis[API], undefined);
    const api = vm.runInContext(`globalThis[Symbol.for('panopticon.api')]`, context);
    const recorder = vm.runInContext(`globalThis[Symbol.for('panopticon.runtime')]`, context);
    assert.ok(recorder && api);
    assert.equal(api.recorder, recorder);
    assert.equal(recorder.recording, true);
    assert.equal(vm.runInContext('result', context), 8);
    // The page's own globals are the instrumented script's top-level names, nothing of the runtime's.
    const keys = JSON.parse(vm.runInContext('JSON.stringify(Object.keys(globalThis))', context));
    // (`performance` is the context's own when it was given one; where it is listed varies by node version)
    assert.deepEqual(keys.filter((k) => !k.startsWith('__panopticon_') && k !== 'performance'), ['fib', 'result']);

    const slices = checked(api.chromeTrace());
    const count = (name) => slices.filter((s) => s.name === name).length;
    assert.equal(count('page.js'), 1);
    assert.equal(count('get Box.value'), 1);
    assert.equal(count('fib'), 25, 'fib(6) makes 25 calls');
    assert.ok(slices.every((s) => s.args.unfinished === undefined));
    // However coarse the realm's clock, calls nest: each reading is after the one before.
    assert.equal(slices.find((s) => s.name === 'get Box.value').depth, 1);
    assert.equal(Math.max(...slices.map((s) => s.depth)), 7, 'fib(6) down to fib(1) at depths 2 to 7');
  });
}

test('dist/global.js defines each module once (a rebuild does not wrap the previous bundle)', () => {
  const text = readFileSync(GLOBAL_JS, 'utf8');
  const defined = [...text.matchAll(/^defs\["([\w-]+)"\] =/gm)].map((m) => m[1]);
  assert.ok(defined.includes('clock') && defined.includes('recorder'), defined.join());
  assert.equal(new Set(defined).size, defined.length, `defined twice: ${defined.join()}`);
  assert.equal(text.match(/installs Panopticon's recorder in this realm/g).length, 1);
});

test('global.js evaluated twice in one realm keeps the first recorder', () => {
  const context = tracedRealm({ performance });
  const first = vm.runInContext(`globalThis[Symbol.for('panopticon.runtime')]`, context);
  vm.runInContext(readFileSync(GLOBAL_JS, 'utf8'), context);
  assert.equal(vm.runInContext(`globalThis[Symbol.for('panopticon.runtime')]`, context), first);
  assert.ok(first.eventCount > 0);
});

test('a realm with a recorder of its own is not touched by the main realm\'s runtime', () => {
  const runtime = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
  const main = runtime.installRecorder();
  try {
    const context = tracedRealm({ performance });
    const inner = vm.runInContext(`globalThis[Symbol.for('panopticon.runtime')]`, context);
    assert.notEqual(inner, main);
    assert.equal(main.eventCount, 0, 'the page\'s calls went to its own recorder');
    assert.ok(inner.eventCount > 0);
  } finally {
    runtime.uninstallRecorder();
  }
});

test('global.js: the page marks its own instants, counters and thread name through the api', () => {
  const context = tracedRealm({ performance });
  vm.runInContext(`(function (api) { api.nameThread('page'); api.instant('painted', { frame: 1 }); api.counter('fps', { now: 60 }); })(globalThis[Symbol.for('panopticon.api')])`, context);
  const api = vm.runInContext(`globalThis[Symbol.for('panopticon.api')]`, context);
  const path = join(tempDir(), 'trace.json');
  writeFileSync(path, api.chromeTrace());
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  assert.deepEqual(trace.model.instants.map((i) => [i.name, i.args]), [['painted', { frame: 1 }]]);
  assert.deepEqual(trace.model.counters.map((c) => [c.name, c.value]), [['fps.now', 60]]);
  assert.deepEqual(Object.values(trace.model.threads).map((t) => t.name), ['page']);
});
