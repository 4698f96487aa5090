// The one-pass .pftrace writer (perfetto/stream-encoder.ts): which threads it writes (plain calls,
// custom events) and which it hands back to the general path (coroutines, --args values, depth
// and duration filters); that what it writes shows the same trace as the JSON of the same
// recording, and is byte for byte what the general path writes (slices still open at the end,
// frames an exception left, exits of frames begun before the recording, instants, counters and
// a thread's own name included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../test/support/helpers.mjs';
import { assertSameTrace } from './support/format-dumps.mjs';

const req = createRequire(import.meta.url);
const dist = join(ROOT, 'packages', 'runtime', 'dist');
const { FunctionTable, PerfettoWriter, SideKind, SIDE_SHIFT, writeProcessFile } = req(join(dist, 'index.js'));
const { streamThread } = req(join(dist, 'perfetto', 'stream-encoder.js'));
const { ThreadCustomEvents, CounterSamples } = req(join(dist, 'perfetto', 'custom-events.js'));

function functionTable() {
  const functions = new FunctionTable();
  functions.register('src/a.js', ['outer', 1, 0, 'middle', 5, 2, 'inner', 9, 4, 'leaf', 12, 6]);
  return functions;
}

/** A recorder-like thread from [code, ms, mark?] triples; side values go to the function table. */
function thread(functions, events, tid = 1) {
  const codes = new Int32Array(events.length);
  const times = new Float64Array(events.length);
  const marks = new Int32Array(events.length);
  events.forEach(([code, ms, mark = 0], i) => {
    codes[i] = code;
    times[i] = ms;
    marks[i] = mark;
  });
  // in two chunks, so that stream positions carry over from one to the next
  const half = events.length >> 1;
  const chunk = (from, to) => ({ codes: codes.slice(from, to), times: times.slice(from, to), marks: marks.slice(from, to), length: to - from });
  return { functions, chunks: () => [chunk(0, half), chunk(half, events.length)], tid, name: `thread ${tid}` };
}

/** A side event's [code, ms, mark]: its payload stored in the thread's side values. */
function side(functions, kind, value, ms) {
  return [0, ms, (functions.sideValues.push(value) - 1) * 2 ** SIDE_SHIFT + kind];
}

/** Whether streamThread takes the thread (and writes it when it does). */
function streams(source, filters = {}) {
  const file = new PerfettoWriter(() => {});
  const counters = new CounterSamples();
  return streamThread(file, file.processTrack(1, 'p'), 1, source, 0, 1e9, filters, 0, (store) => new ThreadCustomEvents(source.name, store, counters));
}

/** Plain calls with everything the one pass handles. */
function plainEvents(functions) {
  return [
    [-3, 0.5], // a frame begun before the recording: ends nothing
    [1, 1],
    [2, 1.5],
    side(functions, SideKind.Instant, ['checkpoint', { n: 1, ok: true }], 1.6),
    [3, 2],
    [-3, 2], // zero-length
    [3, 2.25],
    [4, 2.5],
    side(functions, SideKind.Counter, ['queue', { length: 3 }], 2.6),
    [-2, 3], // an exception skipped the exits of leaf and inner
    side(functions, SideKind.ThreadName, 'renamed worker', 3.1),
    [2, 3.5],
    side(functions, SideKind.Instant, ['bare', null], 3.6),
    side(functions, SideKind.Instant, 'not an instant', 3.7),
    [-2, 4],
    [-1, 4.5],
    [1, 5],
    [2, 5.25],
    [3, 5.5], // still open at the end: unfinished, with their parents
  ];
}

test('pftrace stream: plain-call threads are written in one pass, the same trace as JSON and the same bytes as the general path', () => {
  const functions = functionTable();
  const source = thread(functions, plainEvents(functions));
  assert.equal(streams(source), true, 'a plain-call thread goes the one-pass way');
  const dir = tempDir();
  const proc = { pid: 7, name: 'stream' };
  const paths = ['t.json', 't.pftrace'].map((f) => join(dir, f));
  for (const path of paths) writeProcessFile(path, path.endsWith('.json') ? 'json' : 'pftrace', [source], proc, 6);
  const { model } = assertSameTrace(paths);
  const slices = model.threads[0].slices;
  assert.equal(model.threads[0].name, 'renamed worker');
  assert.deepEqual(slices.filter((s) => s.args.unfinished === true).map((s) => s.name), ['outer', 'middle', 'inner']);
  assert.equal(slices.length, 9);
  assert.deepEqual(model.instants.map((i) => [i.name, i.args]), [['checkpoint', { n: 1, ok: true }], ['bare', {}]]);
  assert.deepEqual(model.counters.map((c) => [c.name, c.value]), [['queue.length', 3]]);
  // A duration filter below a nanosecond leaves every slice in but takes the general path.
  const general = join(dir, 'general.pftrace');
  writeProcessFile(general, 'pftrace', [source], { ...proc, filters: { minDurationUs: 1e-9 } }, 6);
  assert.deepEqual(readFileSync(paths[1]), readFileSync(general));
  // a thread that recorded nothing, next to one that did
  const both = [thread(functionTable(), [], 4), source];
  writeProcessFile(paths[1], 'pftrace', both, proc, 6);
  writeProcessFile(general, 'pftrace', both, { ...proc, filters: { minDurationUs: 1e-9 } }, 6);
  assert.deepEqual(readFileSync(paths[1]), readFileSync(general));
});

/** Coroutine slices: instance 1 awaits and is resumed (left open), 2 yields twice and is resumed (left open), 3 returns past a thrown plain call. */
function coroutineEvents(functions) {
  const co = (instance, kind) => (instance << 3) | kind;
  return [
    [1, 1],
    [2, 1.5, co(1, 1)], // first run
    [-2, 2, 2], // await
    [3, 2.5, co(2, 1)],
    [-2, 2.8, 1], // yield
    [-1, 3],
    side(functions, SideKind.Instant, ['between', null], 3.2),
    [2, 3.5, co(1, 5)], // await fulfilled
    [3, 4, co(2, 2)], // next
    [-2, 4.5, 1], // yield
    [3, 4.75, co(3, 1)],
    [4, 4.8],
    [-2, 4.9, 3], // returns; the plain call above it was left by an exception
    [3, 5, co(2, 2)], // next
    [4, 5.2],
  ];
}

test('pftrace stream: coroutine chains without wake-ups are written in one pass too, with the general path\'s bytes', () => {
  const functions = functionTable();
  const source = thread(functions, coroutineEvents(functions));
  assert.equal(streams(source), true);
  const dir = tempDir();
  const proc = { pid: 8, name: 'coroutines' };
  const paths = ['t.json', 't.pftrace'].map((f) => join(dir, f));
  for (const path of paths) writeProcessFile(path, path.endsWith('.json') ? 'json' : 'pftrace', [thread(functions, [[1, 0.5], [-1, 0.7]], 9), source], proc, 6);
  const { model } = assertSameTrace(paths);
  assert.ok(model.flows.length >= 1, 'instance 2 has a chain');
  assert.ok(model.threads[0].slices.some((s) => s.args.ended === 'yield' && s.args.instance === 2));
  assert.equal(model.threads[0].slices.filter((s) => s.args.unfinished === true).length, 3);
  const general = join(dir, 'general.pftrace');
  writeProcessFile(general, 'pftrace', [thread(functions, [[1, 0.5], [-1, 0.7]], 9), source], { ...proc, filters: { minDurationUs: 1e-9 } }, 6);
  assert.deepEqual(readFileSync(paths[1]), readFileSync(general));
});

test('pftrace stream: wake-ups, values, depth and duration filters take the general path, thread by thread', () => {
  const functions = functionTable();
  const plain = thread(functions, [[1, 1], [2, 2], [-2, 3], [-1, 4]]);
  assert.equal(streams(plain), true);
  // instance 2's second slice is woken by instance 1, whose slice ended before: a wake-up arrow
  const co = (instance, kind) => (instance << 3) | kind;
  const woken = [[2, 1, co(1, 1)], [-1, 1.5, 2], [3, 2, co(2, 1)], [-1, 2.5, 2], [0, 2.7, co(1, 7)], [3, 3, co(2, 5)], [-1, 3.5, 3]];
  const coroutine = thread(functions, woken, 2);
  assert.equal(streams(coroutine), false);
  woken[4] = [0, 2.7, co(5, 7)]; // woken by an instance with no slice: no arrow
  assert.equal(streams(thread(functions, woken, 2)), true);
  const values = thread(functions, [[1, 1], side(functions, SideKind.Return, '42', 1.5), [-1, 2]], 3);
  assert.equal(streams(values), false);
  assert.equal(streams(plain, { maxDepth: 1 }), false, 'a slice left out deeper than the limit');
  assert.equal(streams(plain, { maxDepth: 2 }), true, 'nothing deeper than the limit');
  assert.equal(streams(plain, { minDurationUs: 1 }), false);
  // one process with both kinds of thread still shows what JSON shows
  const dir = tempDir();
  const paths = ['t.json', 't.pftrace'].map((f) => join(dir, f));
  for (const path of paths) writeProcessFile(path, path.endsWith('.json') ? 'json' : 'pftrace', [plain, coroutine], { pid: 3, name: 'mixed' }, 5);
  const { model } = assertSameTrace(paths);
  assert.deepEqual(model.threads.map((t) => t.slices.length), [2, 3]);
});
