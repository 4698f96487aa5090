// PANOPTICON_COUNTERS in a build instrumented with runtime: 'auto', run with plain node: the
// counter tracks are in the trace (both formats), and the program's output is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, runNode, readTrace } from './support/helpers.mjs';

// CPU time per thread where node has process.threadCpuUsage() (node 23.9+), else per process
const CPU = typeof process.threadCpuUsage === 'function' ? 'cpu (main)' : 'cpu (process)';

const require = createRequire(import.meta.url);
const babel = require('@babel/core');
const plugin = require('../packages/babel-plugin');
const source = join(ROOT, 'test', 'fixtures', 'idle', 'busy.js');

// Inside the repository, so that @panopticon/runtime/auto resolves.
const dir = join(ROOT, '.tmp', `counters-${process.pid}`);
mkdirSync(dir, { recursive: true });
const file = join(dir, 'busy.js');
writeFileSync(file, babel.transformSync(readFileSync(source, 'utf8'), { filename: source, cwd: ROOT, configFile: false, babelrc: false, plugins: [[plugin, { runtime: 'auto' }]] }).code);

const plain = runNode([source]);

for (const ext of ['json', 'pftrace']) {
  test(`PANOPTICON_COUNTERS with PANOPTICON_OUTPUT=….${ext}: counter tracks, same output`, () => {
    const out = join(dir, `trace.${ext}`);
    const run = runNode([file], { cwd: dir, env: { ...process.env, PANOPTICON_OUTPUT: out, PANOPTICON_COUNTERS: '5' } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, plain.stdout);
    const trace = readTrace(out);
    assert.ok(trace.ok, trace.report);
    const names = new Set(trace.model.counters.map((c) => c.name));
    for (const name of [`${CPU}.user %`, 'heap (main).used MB', 'heap (main).total MB', 'event loop (main).utilization %']) assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
    assert.ok(trace.model.counters.filter((c) => c.name === 'heap (main).used MB').every((c) => c.value > 0));
  });
}

test('an idle build with PANOPTICON_COUNTERS but nothing recording writes nothing and prints the same', () => {
  const run = runNode([file], { cwd: dir, env: { ...process.env, PANOPTICON_COUNTERS: '5' } });
  assert.equal(run.status, 0);
  assert.equal(run.stdout, plain.stdout);
  assert.equal(run.stderr, '');
});

test('traceToFile({ counters }) samples too', () => {
  const out = join(dir, 'to-file.json');
  const program = `
    const { traceToFile } = require(${JSON.stringify(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'))});
    traceToFile({ output: ${JSON.stringify(out)}, counters: 5, quiet: true });
    let n = 0;
    const tick = () => { const end = Date.now() + 3; while (Date.now() < end) n++; if (n < 1e12 && tick.left-- > 0) setTimeout(tick, 1); };
    tick.left = 10;
    tick();`;
  const run = runNode(['-e', program], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.ok(trace.model.counters.some((c) => c.name === 'heap (main).used MB' && c.value > 0));
});
