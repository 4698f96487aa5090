// --counters: a program that burns CPU and allocates for about 200 ms, in its main thread and a
// worker, traced with counters sampled. The trace has counter tracks with plausible values (no
// exact figures: the machine is shared), the program's output and exit code are untouched, and a
// bad interval is refused before anything runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrace, runNode, runPanopticon, slicesOf, tempDir } from '../../../test/support/helpers.mjs';

// CPU time per thread where node has process.threadCpuUsage() (node 23.9+), else per process
const CPU = typeof process.threadCpuUsage === 'function' ? 'cpu (main)' : 'cpu (process)';

const FIXTURE = join(fileURLToPath(import.meta.url), '..', 'fixtures', 'counters', 'burn.js');
const dir = tempDir('panopticon-counters-');
const program = join(dir, 'burn.js');
cpSync(FIXTURE, program);

const plain = runNode([program], { cwd: dir });
const without = runPanopticon(['-o', join(dir, 'plain.json'), program], { cwd: dir });
const withJson = runPanopticon(['--counters', '-o', join(dir, 'counters.json'), program], { cwd: dir });
const withProto = runPanopticon(['--counters=5', '-o', join(dir, 'counters.pftrace'), program], { cwd: dir });

/** Counter samples by track name. */
function tracks(path) {
  const trace = readTrace(path);
  assert.ok(trace.ok, `${path}: ${trace.report}`);
  const byName = new Map();
  for (const c of trace.model.counters) {
    if (!byName.has(c.name)) byName.set(c.name, []);
    byName.get(c.name).push(c.value);
  }
  return { byName, model: trace.model };
}

test('the program prints the same and exits with the same code, with and without --counters', () => {
  assert.equal(plain.status, 3);
  assert.equal(plain.stdout, 'rounds 20, worker 10\n');
  for (const run of [without, withJson, withProto]) {
    assert.equal(run.status, plain.status, run.stderr);
    assert.equal(run.stdout, plain.stdout);
  }
});

for (const [format, file] of [['json', 'counters.json'], ['pftrace', 'counters.pftrace']]) {
  test(`--counters (${format}): CPU, heap and event-loop tracks per thread, with plausible values`, () => {
    const { byName, model } = tracks(join(dir, file));
    const worker = [...byName.keys()].find((n) => /^heap \(worker \d+\)\.used MB$/.test(n));
    assert.ok(worker, `a worker heap track among ${[...byName.keys()].join(', ')}`);
    const label = worker.slice('heap ('.length, worker.indexOf(')'));
    for (const name of [`${CPU}.user %`, `${CPU}.system %`, 'heap (main).used MB', 'heap (main).total MB', 'event loop (main).utilization %', `heap (${label}).total MB`, `event loop (${label}).utilization %`]) {
      assert.ok(byName.get(name)?.length > 0, `${name} has samples`);
    }
    assert.ok(byName.get('heap (main).used MB').every((v) => v > 0), 'heap used > 0');
    assert.ok(byName.get(`heap (${label}).used MB`).every((v) => v > 0), 'worker heap used > 0');
    assert.ok(byName.get('heap (main).total MB').every((v, i) => v >= byName.get('heap (main).used MB')[i]), 'total >= used');
    assert.ok(byName.get(`${CPU}.user %`).some((v) => v > 0), 'some CPU time');
    assert.ok(byName.get('event loop (main).utilization %').every((v) => v >= 0 && v <= 100.5), 'utilization is a percentage');
    assert.ok(byName.get('event loop (main).utilization %').some((v) => v > 0), 'the loop was busy at times');
    // The sampler is the tracer's own code: every slice is the program's.
    assert.ok(slicesOf(model).every((s) => s.args?.file === undefined || s.args.file.endsWith('burn.js')), 'no slices of the sampler');
  });
}

test('without --counters there are no counter tracks', () => {
  const { byName } = tracks(join(dir, 'plain.json'));
  assert.equal(byName.size, 0);
});

test('--counters=abc is refused before the program runs', () => {
  for (const bad of ['--counters=abc', '--counters=0', '--counters=-5', '--counters=']) {
    const output = join(dir, `bad${bad.length}.json`);
    const run = runPanopticon([bad, '-o', output, program], { cwd: dir });
    assert.equal(run.status, 2, `${bad}: ${run.stderr}`);
    assert.match(run.stderr, /--counters takes a sampling interval in milliseconds/);
    assert.equal(run.stdout, '', 'the program did not run');
    assert.equal(existsSync(output), false);
  }
});

test('panopticon summary lists the counter tracks, in both formats alike', () => {
  const listed = {};
  for (const file of ['counters.json', 'counters.pftrace']) {
    const run = runPanopticon(['summary', join(dir, file)], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /spin {2}\(burn\.js:\d+\)/);
    assert.match(run.stdout, /\nCounters\n {2}samples +min +max +last +counter\n/);
    assert.match(run.stdout, /heap \(main\)\.used MB {2}\(pid \d+\)/);
    const json = JSON.parse(runPanopticon(['summary', '--json', join(dir, file)], { cwd: dir }).stdout);
    const { byName } = tracks(join(dir, file));
    // As many samples per track as the checker sees.
    assert.deepEqual(Object.fromEntries(json.counters.map((c) => [c.name, c.samples])), Object.fromEntries([...byName].map(([name, values]) => [name, values.length])));
    listed[file] = json.counters.map((c) => c.name);
  }
  assert.deepEqual(listed['counters.json'], listed['counters.pftrace']);
});
