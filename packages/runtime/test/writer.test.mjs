// The recorder and the Chrome JSON writer driven directly: nesting, frames closed several at a
// time, chunk boundaries, slices left open at the end, awkward names, and exact ts/dur.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { readBigTrace } from './support/big-trace.mjs';

const runtime = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
const { Recorder, CHUNK_EVENTS, FunctionTable, writeTraceFile, writeChromeTrace } = runtime;
const META = { pid: 7, tid: 1, processName: 'unit', threadName: 'main' };

function recorder(names = ['module', 'a', 'b', 'c', 'd']) {
  const rec = new Recorder('test');
  const base = rec.register('src/unit.js', names.flatMap((name, i) => [name, i + 1, 1]));
  rec.start();
  return { rec, id: (name) => base + names.indexOf(name) };
}

function written(source, endMs) {
  const path = join(tempDir(), 'trace.json');
  const events = writeTraceFile(path, source, META, endMs);
  const trace = readBigTrace(path);
  assert.ok(trace.ok, trace.report);
  assert.deepEqual(trace.model.errors, []);
  return { path, events, slices: slicesOf(trace.model), model: trace.model };
}

const end = (s) => s.ts + s.dur;
const EPS = 1e-6;

test('nested enters and exits become nested slices; frames are depths', () => {
  const { rec, id } = recorder();
  const m = rec.enter(id('module'));
  const a = rec.enter(id('a'));
  const b = rec.enter(id('b'));
  rec.exit(b);
  const c = rec.enter(id('c'));
  rec.exit(c);
  rec.exit(a);
  const d = rec.enter(id('d'));
  rec.exit(d);
  rec.exit(m);
  assert.deepEqual([m, a, b, c, d], [1, 2, 3, 3, 2]);
  assert.equal(rec.depth, 0);
  assert.equal(rec.eventCount, 10);
  const { slices, events } = written(rec);
  assert.equal(events, 2 + 5);
  const depth = Object.fromEntries(slices.map((s) => [s.name, s.depth]));
  assert.deepEqual(depth, { module: 0, a: 1, b: 2, c: 2, d: 1 });
  for (const s of slices) assert.equal(s.args.unfinished, undefined, s.name);
  assert.deepEqual(slices.find((s) => s.name === 'c').args, { file: 'src/unit.js', line: 4, col: 1 });
});

test('one exit closes every frame above it (module code has no finally)', () => {
  const { rec, id } = recorder();
  const m = rec.enter(id('module'));
  rec.enter(id('a'));
  rec.enter(id('b'));
  rec.enter(id('c')); // a, b and c never report their exits: an exception escaped the module
  rec.exit(m);
  assert.equal(rec.depth, 0);
  const after = rec.enter(id('d'));
  assert.equal(after, 1, 'the next function starts at the bottom again');
  rec.exit(after);
  const { slices } = written(rec);
  const byName = Object.fromEntries(slices.map((s) => [s.name, s]));
  assert.deepEqual(Object.keys(byName).sort(), ['a', 'b', 'c', 'd', 'module']);
  for (const name of ['a', 'b', 'c']) {
    assert.ok(Math.abs(end(byName[name]) - end(byName.module)) < EPS, `${name} closes with the module`);
    assert.equal(byName[name].args.unfinished, undefined);
  }
  assert.equal(byName.d.depth, 0);
  assert.ok(byName.d.ts >= end(byName.module));
});

test('an exit of a frame already closed changes nothing', () => {
  const { rec, id } = recorder();
  const m = rec.enter(id('module'));
  const a = rec.enter(id('a'));
  rec.exit(m);
  rec.exit(a); // a late finally of a frame the module's exit already closed
  rec.exit(0); // a frame entered while not recording
  const { slices } = written(rec);
  assert.deepEqual(slices.map((s) => s.name).sort(), ['a', 'module']);
});

test('events across several chunks are all written, in order', () => {
  const { rec, id } = recorder();
  const calls = Math.ceil((2.5 * CHUNK_EVENTS) / 4); // 4 events per outer call
  const m = rec.enter(id('module'));
  for (let i = 0; i < calls; i++) {
    const a = rec.enter(id('a'));
    const b = rec.enter(id(i % 2 ? 'b' : 'c'));
    rec.exit(b);
    rec.exit(a);
  }
  rec.exit(m);
  assert.equal(rec.eventCount, 4 * calls + 2);
  const chunks = rec.chunks();
  assert.equal(chunks.length, Math.floor(rec.eventCount / CHUNK_EVENTS) + 1);
  assert.ok(chunks.slice(0, -1).every((c) => c.length === CHUNK_EVENTS));
  const { slices, events } = written(rec);
  assert.equal(events, 2 + 2 * calls + 1);
  assert.equal(slices.length, 2 * calls + 1);
  const counts = {};
  for (const s of slices) counts[s.name] = (counts[s.name] ?? 0) + 1;
  assert.deepEqual(counts, { module: 1, a: calls, b: Math.floor(calls / 2), c: Math.ceil(calls / 2) });
  assert.ok(slices.every((s) => s.args.unfinished === undefined));
  assert.equal(slices.reduce((max, s) => Math.max(max, s.depth), 0), 2); // the checker counts from 0
});

test('clear() drops the events, not the function table', () => {
  const { rec, id } = recorder();
  for (let i = 0; i < CHUNK_EVENTS; i++) rec.exit(rec.enter(id('a')));
  rec.clear();
  assert.equal(rec.eventCount, 0);
  rec.exit(rec.enter(id('b')));
  const { slices } = written(rec);
  assert.deepEqual(slices.map((s) => s.name), ['b']);
});

test('slices open at the end close at the end time and are marked unfinished', () => {
  const { rec, id } = recorder();
  const m = rec.enter(id('module'));
  const a = rec.enter(id('a'));
  rec.exit(rec.enter(id('b')));
  rec.enter(id('c'));
  const endMs = runtime.clock.now() + 5;
  const { slices } = written(rec, endMs);
  assert.ok(m && a);
  const byName = Object.fromEntries(slices.map((s) => [s.name, s]));
  for (const name of ['module', 'a', 'c']) {
    assert.equal(byName[name].args.unfinished, true, name);
    assert.ok(Math.abs(end(byName[name]) - endMs * 1000) < 1e-3, `${name} ends at the end time`);
  }
  assert.equal(byName.b.args.unfinished, undefined);
});

test('an end time before an open slice began gives it a zero duration, never a negative one', () => {
  const { rec, id } = recorder();
  rec.enter(id('module'));
  const { slices } = written(rec, 0);
  assert.equal(slices.length, 1);
  assert.equal(slices[0].dur, 0);
  assert.equal(slices[0].args.unfinished, true);
});

test('names and files with quotes, backslashes, line separators and non-ASCII survive', () => {
  const names = ['say "hi"', 'back\\slash', 'ünïcödé ✓ 🚀', 'line\u2028sep\nnew', 'lone \ud800 surrogate', '</script>'];
  const rec = new Recorder('test');
  const file = 'dir/"odd" fïle\\name.js';
  const base = rec.register(file, names.flatMap((name, i) => [name, i + 1, i + 2]));
  rec.start();
  const frames = names.map((_, i) => rec.enter(base + i));
  rec.exit(frames[0]);
  const { slices, path } = written(rec);
  assert.deepEqual(slices.map((s) => s.name).sort(), [...names].sort());
  for (const s of slices) {
    assert.equal(s.cat, file);
    assert.equal(s.args.file, file);
  }
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes('\ud800'), 'a lone surrogate is escaped, so the file is valid UTF-8');
});

/** "1234.567" -> 1234567 exactly: the writer prints integer nanoseconds as microseconds. */
function nanos(text) {
  const [whole, frac = ''] = text.split('.');
  assert.ok(frac.length <= 3, `at most three decimals: ${text}`);
  return Number(whole) * 1000 + Number(frac.padEnd(3, '0'));
}

test('ts and dur are exact nanoseconds: a child never starts before or ends after its parent', () => {
  // A synthetic stream with times that round badly: sub-nanosecond fractions, float noise, a day in.
  const table = new FunctionTable();
  const base = table.register('t.js', ['p', 1, 1, 'c', 2, 1, 'g', 3, 1]);
  const codes = [];
  const times = [];
  let t = 86_400_000.0000004; // a process that has run for a day, in ms
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const step = () => (t += random() * 0.0004 + (random() < 0.3 ? 0 : 1e-7) + 0.1 * 0.2 * (random() < 0.1 ? 1 : 0));
    codes.push(base); times.push(step());
    codes.push(base + 1); times.push(step());
    codes.push(base + 2); times.push(step());
    codes.push(-3); times.push(step());
    codes.push(-2); times.push(random() < 0.5 ? t : step()); // equal end times on purpose
    codes.push(-1); times.push(random() < 0.5 ? t : step());
  }
  const chunk = { codes: Int32Array.from(codes), times: Float64Array.from(times), length: codes.length };
  let text = '';
  writeChromeTrace({ functions: table, chunks: () => [chunk] }, META, t, (part) => (text += part));
  const events = JSON.parse(text).filter((e) => e.ph === 'X');
  assert.equal(events.length, 6000);
  const raw = [...text.matchAll(/"ts":([0-9.]+),"dur":([0-9.]+),"name":"(\w)"/g)].map((m) => ({ ts: nanos(m[1]), end: nanos(m[1]) + nanos(m[2]), name: m[3] }));
  assert.equal(raw.length, 6000);
  // The writer emits a frame's children before it (they close first): g, c, p per call.
  for (let i = 0; i < raw.length; i += 3) {
    const [g, c, p] = raw.slice(i, i + 3);
    assert.deepEqual([g.name, c.name, p.name], ['g', 'c', 'p']);
    assert.ok(p.ts <= c.ts && c.ts <= g.ts, `starts in order at call ${i / 3}`);
    assert.ok(g.end <= c.end && c.end <= p.end, `ends in order at call ${i / 3}`);
    assert.equal(p.ts, Math.round(times[(i / 3) * 6] * 1e6), 'ts is the clock reading rounded to the nanosecond');
  }
  for (let i = 3; i < raw.length; i += 3) assert.ok(raw[i + 2].ts >= raw[i - 1].end, 'calls do not overlap');
});

test('a recorder that is not started records nothing and hands out frame 0', () => {
  const rec = new Recorder('test');
  const base = rec.register('x.js', ['f', 1, 1]);
  const frame = rec.enter(base);
  rec.exit(frame);
  assert.equal(frame, 0);
  assert.equal(rec.eventCount, 0);
  const { events, slices } = written(rec);
  assert.equal(events, 2);
  assert.equal(slices.length, 0);
});
