// Streaming: every thread's events are written while the program runs (the main thread drains
// the shared arena on a timer and whenever it needs a new chunk), so memory stays bounded however
// many events there are, and a process killed with SIGKILL keeps what was written before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, runNode, runPanopticon, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

const FIXTURES = join('test', 'fixtures', 'streaming');

// Each format streams: JSON as a cut-off array, .json.gz in whole members, .pftrace in whole
// packets (begin packets of slices still open rewritten at their end: live-encoder.ts).
const FORMATS = ['json', 'json.gz', 'pftrace'];

for (const format of FORMATS) {
test(`${format}: 20 million events are streamed out: the process does not hold them`, () => {
  const out = join(tempDir(), `trace.${format}`);
  const plain = runNode([join(FIXTURES, 'many-calls.js')], { cwd: ROOT });
  // --max-depth 1 keeps the trace small; every event is still recorded and drained.
  const traced = runPanopticon(['--max-depth', '2', '-o', out, join(FIXTURES, 'many-calls.js')], { cwd: ROOT, timeout: 120_000 });
  assert.equal(traced.status, 0, traced.stderr);
  const plainPeak = Number(/peak rss MB (\d+)/.exec(plain.stdout)[1]);
  const tracedPeak = Number(/peak rss MB (\d+)/.exec(traced.stdout)[1]);
  // Unbounded, 20M events would take 320 MB of typed arrays.
  assert.ok(tracedPeak - plainPeak < 150, `traced peak ${tracedPeak} MB against plain ${plainPeak} MB`);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.equal(slicesOf(trace.model).filter((s) => s.name === 'run').length, 10);
});

test(`${format}: a process killed with SIGKILL keeps the events streamed before, in a valid trace`, () => {
  const out = join(tempDir(), `trace.${format}`);
  const traced = runPanopticon(['-o', out, join(FIXTURES, 'killed.js')], { cwd: ROOT });
  assert.equal(traced.signal, 'SIGKILL');
  assert.match(traced.stderr, /killed while it wrote its events/);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.equal(slicesOf(trace.model).filter((s) => s.name === 'early').length, 100);
});

test(`${format}: a process that runs out of heap keeps the events streamed before, in a valid trace`, () => {
  const out = join(tempDir(), `trace.${format}`);
  const traced = runPanopticon(['-o', out, '--', process.execPath, '--max-old-space-size=40', join(FIXTURES, 'oom.js')], { cwd: ROOT, timeout: 60_000 });
  // V8 aborts: the command ends the way the program did
  assert.equal(traced.signal, 'SIGABRT', `status ${traced.status}, signal ${traced.signal}`);
  assert.match(traced.stderr, /heap out of memory/);
  assert.match(traced.stderr, /killed while it wrote its events/);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.equal(slicesOf(trace.model).filter((s) => s.name === 'early').length, 100);
});
}

test('--buffer N keeps each thread\'s newest N events; the trace and stderr say how many were dropped', () => {
  const out = join(tempDir(), 'trace.json');
  const traced = runPanopticon(['--buffer', '1000', '-o', out, join(FIXTURES, 'many-calls.js')], { cwd: ROOT, timeout: 120_000 });
  assert.equal(traced.status, 0, traced.stderr);
  const said = /ring buffer: (\d+) older events dropped \(each thread keeps its newest 1000\)/.exec(traced.stderr);
  assert.ok(said, traced.stderr);
  // 10 x 1M calls, 2 events each, plus the module and run() frames
  assert.equal(Number(said[1]) + 1000, 2 * 10_000_000 + 2 + 2 * 10);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  assert.ok(slices.length >= 499 && slices.length <= 501, `1000 events make about 500 slices (${slices.length})`);
  assert.ok(slices.filter((s) => s.name === 'leaf').length >= 490, 'the newest: the last leaf() calls');
  const labels = readFileSync(out, 'utf8').split('\n').filter((l) => l.includes('"dropped_events"'));
  assert.equal(labels.length, 1);
});

/** A fixture instrumented with the plugin's `runtime: 'auto'` (idle until PANOPTICON_OUTPUT), in `dir`. */
function autoBuild(name, dir) {
  const require = createRequire(import.meta.url);
  const babel = require('@babel/core');
  const source = join(ROOT, FIXTURES, name);
  mkdirSync(dir, { recursive: true });
  const { code } = babel.transformSync(readFileSync(source, 'utf8'), {
    filename: source, cwd: ROOT, configFile: false, babelrc: false, plugins: [[require('../packages/babel-plugin'), { runtime: 'auto' }]],
  });
  writeFileSync(join(dir, name), code);
  return source;
}

for (const format of FORMATS) {
test(`${format}: an idle build switched on by PANOPTICON_OUTPUT streams too: memory stays bounded`, () => {
  const dir = join(ROOT, '.tmp', `stream-${process.pid}-${format}`);
  const source = autoBuild('many-calls.js', dir);
  const out = join(dir, `trace.${format}`);
  const plain = runNode([source], { cwd: ROOT });
  const traced = runNode([join(dir, 'many-calls.js')], { cwd: dir, timeout: 120_000, env: { ...process.env, PANOPTICON_OUTPUT: out, PANOPTICON_MAX_DEPTH: '2' } });
  assert.equal(traced.status, 0, traced.stderr);
  const plainPeak = Number(/peak rss MB (\d+)/.exec(plain.stdout)[1]);
  const tracedPeak = Number(/peak rss MB (\d+)/.exec(traced.stdout)[1]);
  assert.ok(tracedPeak - plainPeak < 150, `traced peak ${tracedPeak} MB against plain ${plainPeak} MB (unbounded: +320 MB)`);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.equal(slicesOf(trace.model).filter((s) => s.name === 'run').length, 10);
});

test(`${format}: an idle build switched on by PANOPTICON_OUTPUT writes every second: a SIGKILL later keeps what came before`, () => {
  const dir = join(ROOT, '.tmp', `killed-${process.pid}-${format}`);
  autoBuild('killed.js', dir);
  const out = join(dir, `trace.${format}`);
  // 100 calls, far from filling a chunk: only the timer writes them before the kill
  const traced = runNode([join(dir, 'killed.js')], { cwd: dir, env: { ...process.env, PANOPTICON_OUTPUT: out } });
  assert.equal(traced.signal, 'SIGKILL');
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.equal(slicesOf(trace.model).filter((s) => s.name === 'early').length, 100);
});
}

test('PANOPTICON_LOCATIONS=interned: an idle build writes its .pftrace with interned source locations', async () => {
  const { decodePerfetto, resolvePerfetto } = await import('../packages/runtime/test/support/decode-perfetto.mjs');
  const dir = join(ROOT, '.tmp', `locations-${process.pid}`);
  autoBuild('killed.js', dir);
  const out = join(dir, 'trace.pftrace');
  const traced = runNode([join(dir, 'killed.js')], { cwd: dir, env: { ...process.env, PANOPTICON_OUTPUT: out, PANOPTICON_LOCATIONS: 'interned' } });
  assert.equal(traced.signal, 'SIGKILL');
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  const early = slicesOf(trace.model).filter((s) => s.name === 'early');
  assert.equal(early.length, 100);
  assert.ok(early.every((s) => s.args.file === undefined));
  const begins = resolvePerfetto(decodePerfetto(out)).events.filter((e) => e.type === 1 && e.name === 'early');
  assert.equal(begins.length, 100);
  assert.ok(begins.every((e) => e.location?.line === 3 && e.location.file.endsWith('killed.js')), JSON.stringify(begins[0].location));
});
