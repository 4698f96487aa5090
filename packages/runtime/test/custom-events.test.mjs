// Custom events: instant(), counter() and nameThread() called by the program, under the CLI (both
// formats) and through trace(fn) in a Babel-instrumented program run with plain node. The same
// program must give the same counters, instants and thread names in a .json and a .pftrace, as
// the checker's model of them (what a viewer shows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, runNode, runPanopticon, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/spawn.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const babel = require('@babel/core');
const plugin = require(join(ROOT, 'packages', 'babel-plugin', 'dist', 'index.js')).default;
const RUNTIME = join(ROOT, 'packages', 'runtime', 'dist', 'index.js');
const env = { ...process.env, PANOPTICON_RUNTIME: RUNTIME };

/** The fixture directory, copied out of packages/ (the CLI does not instrument the tracer's own files). */
function fixtureDir() {
  const dir = tempDir('panopticon-custom-');
  cpSync(join(FIXTURES, 'custom-events'), dir, { recursive: true });
  return dir;
}

function checked(path) {
  const trace = readTrace(path);
  assert.ok(trace.ok, `${path}: ${trace.report}`);
  return trace.model;
}

const threadsOf = (model) => (Array.isArray(model.threads) ? model.threads : Object.values(model.threads));
/** What a viewer shows of the custom events, without times (the formats round them differently). */
function custom(model) {
  const tidName = new Map(threadsOf(model).map((t) => [t.tid, t.name]));
  return {
    counters: model.counters.map((c) => `${c.name}=${c.value}`),
    instants: model.instants.map((i) => ({ thread: tidName.get(i.tid), name: i.name, args: i.args ?? {} })),
    threads: threadsOf(model).map((t) => t.name).sort(),
  };
}

const EXPECTED_MAIN_COUNTERS = ['queue.length=1', 'queue.bytes=100', 'queue.length=2', 'queue.bytes=200', 'queue.length=3', 'queue.bytes=300', 'queue.length=0'];
const EXPECTED_MAIN_INSTANTS = [
  { thread: 'boss', name: 'start', args: {} },
  { thread: 'boss', name: 'produced', args: { item: 1, label: 'item 1', ok: true } },
  { thread: 'boss', name: 'produced', args: { item: 2, label: 'item 2', ok: true } },
  { thread: 'boss', name: 'produced', args: { item: 3, label: 'item 3', ok: true } },
  { thread: 'boss', name: 'weird args', args: {} },
];

const dir = fixtureDir();
const plain = runNode([join(dir, 'program.js'), 'cli'], { cwd: dir, env });
const json = runPanopticon(['-o', join(dir, 'cli.json'), join(dir, 'program.js'), 'cli'], { cwd: dir, env });
const pftrace = runPanopticon(['-o', join(dir, 'cli.pftrace'), join(dir, 'program.js'), 'cli'], { cwd: dir, env });

test('untraced, the calls do nothing: same output, nothing on stderr', () => {
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stderr, '');
  assert.equal(plain.stdout, '{"result":{"sum":6,"misuse":"still running"},"fromWorker":42}\n');
  for (const run of [json, pftrace]) {
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, plain.stdout);
  }
});

test('bad input is ignored with one warning each, never thrown', () => {
  for (const warning of ['instant(name, args) needs a non-empty string name, got number', 'args must be an object, got "not an object"', 'counter("nothing", values): values must be an object of finite numbers', 'nameThread(name) needs a non-empty string, got object']) {
    assert.equal(json.stderr.split(warning).length - 1, 1, `${warning} once in:\n${json.stderr}`);
  }
});

test('under the CLI: instants on their thread, counters as name.key tracks, threads named by themselves', () => {
  const model = checked(join(dir, 'cli.json'));
  const seen = custom(model);
  assert.deepEqual(seen.threads, ['boss', 'pool-1']);
  assert.deepEqual(seen.counters, [...EXPECTED_MAIN_COUNTERS, 'jobs.done=1']);
  assert.deepEqual(seen.instants, [...EXPECTED_MAIN_INSTANTS, { thread: 'pool-1', name: 'job started', args: { id: 7 } }]);
  // Where they happen in the call stack: each `produced` inside the slice of produce().
  const produce = slicesOf(model).find((s) => s.name === 'produce');
  assert.ok(produce, 'produce() has a slice');
  const produced = model.instants.filter((i) => i.name === 'produced');
  assert.ok(produced.every((i) => i.ts >= produce.ts && i.ts <= produce.ts + produce.dur), 'instants inside produce()');
  assert.ok(!slicesOf(model).some((s) => /instant|counter|nameThread/.test(s.name)), 'the API leaves no slices of its own');
});

test('under the CLI, .pftrace shows the same custom events as .json', () => {
  assert.deepEqual(custom(checked(join(dir, 'cli.pftrace'))), custom(checked(join(dir, 'cli.json'))));
});

test('trace(fn) from plain node: the scope has the custom events, in both formats alike', () => {
  const source = readFileSync(join(dir, 'program.js'), 'utf8');
  const { code } = babel.transformSync(source, { filename: join(dir, 'scoped.js'), cwd: dir, babelrc: false, configFile: false, sourceType: 'script', plugins: [[plugin, { cwd: dir, runtime: 'global' }]] });
  writeFileSync(join(dir, 'scoped.js'), code);
  const outputs = {};
  for (const ext of ['json', 'pftrace']) {
    const run = runNode([join(dir, 'scoped.js'), 'scope', join(dir, `scope.${ext}`)], { cwd: dir, env });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '{"result":{"sum":6,"misuse":"still running"},"events":true}\n');
    outputs[ext] = checked(join(dir, `scope.${ext}`));
  }
  const seen = custom(outputs.json);
  assert.deepEqual(seen.threads, ['boss']);
  assert.deepEqual(seen.counters, EXPECTED_MAIN_COUNTERS);
  assert.deepEqual(seen.instants, EXPECTED_MAIN_INSTANTS);
  assert.deepEqual(custom(outputs.pftrace), seen);
  const produce = slicesOf(outputs.pftrace).find((s) => s.name === 'produce');
  assert.ok(produce, 'produce() has a slice');
  assert.ok(outputs.pftrace.instants.filter((i) => i.name === 'produced').every((i) => i.ts >= produce.ts && i.ts <= produce.ts + produce.dur));
});

test('a name given while nothing records is the name in the traces written later', () => {
  const out = join(dir, 'early.json');
  const program = `
    const { nameThread, instant, trace } = require(${JSON.stringify(RUNTIME)});
    nameThread('early');
    trace(() => instant('inside'), { output: ${JSON.stringify(out)} });`;
  const run = runNode(['-e', program], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  const seen = custom(checked(out));
  assert.deepEqual(seen.threads, ['early']);
  assert.deepEqual(seen.instants, [{ thread: 'early', name: 'inside', args: {} }]);
});
