// The recorder's argument and return hooks (value-capture.ts) written by the runtime's own
// writers: the same values in .json, .json.gz and .pftrace; a slice the filters leave out does
// not hand its values to a later one; nothing is recorded while recording is off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../test/support/helpers.mjs';
import { assertSameTrace } from './support/format-dumps.mjs';

const runtime = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
const { Recorder, writeTraceFile, clock } = runtime;
const META = { pid: 7, tid: 1, processName: 'unit', threadName: 'main' };

function writeAll(rec, extra = {}) {
  const dir = tempDir();
  const endMs = clock.now() + 1;
  const paths = ['t.json', 't.json.gz', 't.pftrace'].map((f) => join(dir, f));
  for (const p of paths) writeTraceFile(p, rec, META, endMs, extra);
  return assertSameTrace(paths).model;
}

function values(slice) {
  return Object.fromEntries(Object.entries(slice.args).filter(([k]) => k.startsWith('args.') || k === 'return' || k === 'throw'));
}

function setup(names) {
  const rec = new Recorder('test');
  const base = rec.register('src/unit.js', names.flatMap((n, i) => [n, i + 1, 1]));
  return { rec, id: (n) => base + names.indexOf(n) };
}

test('values: arguments, return values and exceptions in every format, coroutines too', () => {
  const { rec, id } = setup(['main', 'login', 'inner', 'gen']);
  rec.start();
  const m = rec.enter(id('main'));
  const login = rec.enter(id('login'));
  rec.args(login, 'user,password,opts', 'bob', 'hunter2', { token: 't', n: [1, 2] });
  const inner = rec.enter(id('inner'));
  rec.exit(inner); // no values of its own
  assert.deepEqual(rec.returned(login, { ok: true }), { ok: true });
  rec.exit(login);
  const co = rec.begin(id('gen'));
  rec.args(co, 'seed', 42n);
  rec.suspendYield(co, 1);
  rec.resumeNext(co, undefined);
  rec.threw(co, new RangeError('late'));
  rec.fail(co);
  rec.returned(0, 'not recorded: frame 0');
  rec.exit(m);

  const model = writeAll(rec);
  const slices = model.threads[0].slices;
  const byName = (n) => slices.filter((s) => s.name === n).map(values);
  assert.deepEqual(byName('login'), [{ 'args.user': '"bob"', 'args.password': '[redacted]', 'args.opts': '{ token: [redacted], n: [1, 2] }', return: '{ ok: true }' }]);
  assert.deepEqual(byName('inner'), [{}]);
  assert.deepEqual(byName('gen'), [{ 'args.seed': '42n' }, { throw: '[RangeError: late]' }]);
  assert.deepEqual(byName('main'), [{}]);
});

test('values: a slice left out by the filters keeps its values to itself', () => {
  const { rec, id } = setup(['parent', 'short', 'long']);
  rec.start();
  const p = rec.enter(id('parent'));
  const s = rec.enter(id('short'));
  rec.args(s, 'x', 'short one');
  rec.returned(s, 1);
  rec.exit(s);
  const l = rec.enter(id('long'));
  const until = clock.now() + 3;
  while (clock.now() < until); // 3 ms: kept by --min-duration 1000 us
  rec.exit(l);
  rec.exit(p);
  const model = writeAll(rec, { filters: { minDurationUs: 1000 } });
  const slices = model.threads[0].slices;
  assert.deepEqual(slices.map((x) => x.name).sort(), ['long', 'parent']);
  assert.deepEqual(values(slices.find((x) => x.name === 'long')), {});
});

test('values: nothing is recorded while recording is off, and hooks never throw', () => {
  const { rec, id } = setup(['f']);
  const hostile = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
  assert.equal(rec.returned(1, hostile), hostile);
  rec.args(1, 'a', hostile);
  assert.equal(rec.sideValues.length, 0);
  rec.start();
  const f = rec.enter(id('f'));
  rec.args(f, 'a,b', hostile, { get x() { throw new Error('getter'); } });
  assert.equal(rec.returned(f, hostile), hostile);
  rec.exit(f);
  assert.equal(rec.sideValues.length, 2);
  const model = writeAll(rec);
  assert.deepEqual(values(model.threads[0].slices[0]), { 'args.a': '[Proxy]', 'args.b': '{ x: [Getter] }', return: '[Proxy]' });
});
