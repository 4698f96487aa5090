// Side-event payloads are let go with their events (written out, dropped by a ring buffer,
// cleared) and never before: every event in a trace still has its payload, and a long run's
// memory does not keep the payloads of events long written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, runPanopticon, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/spawn.mjs';

const RUNTIME = join(ROOT, 'packages', 'runtime', 'dist', 'index.js');
const { Recorder, CHUNK_EVENTS, SideKind, writeChromeTrace } = await import(RUNTIME);

test('under the CLI, a run of several chunks keeps every instant and counter payload', () => {
  const dir = tempDir('panopticon-side-');
  cpSync(join(FIXTURES, 'custom-events', 'many.js'), join(dir, 'many.js'));
  const out = join(dir, 'many.json');
  const run = runPanopticon(['-o', out, join(dir, 'many.js')], { cwd: dir, env: { ...process.env, PANOPTICON_RUNTIME: RUNTIME } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '200000\n');
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  const marks = trace.model.instants.filter((i) => i.name === 'mark');
  assert.equal(marks.length, 400);
  assert.deepEqual(marks.map((m) => m.args.i), Array.from({ length: 400 }, (_, k) => k * 1000));
  assert.deepEqual(trace.model.counters.map((c) => c.value), Array.from({ length: 400 }, (_, k) => k * 1000));
});

test('a ring buffer lets go of the payloads of the chunks it drops, and keeps the rest', () => {
  const recorder = new Recorder('test');
  recorder.keepNewest(CHUNK_EVENTS);
  const id = recorder.register('f.js', ['f', 1, 1]);
  recorder.start();
  let sides = 0;
  // One call is two events: 1.5 chunks' worth of calls, an instant every 500 calls.
  for (let call = 0; call < 1.5 * CHUNK_EVENTS; call++) {
    if (call % 500 === 0) recorder.addSide(SideKind.Instant, ['tick', { n: sides++ }]);
    recorder.exit(recorder.enter(id));
  }
  recorder.stop();
  const values = recorder.sideValues;
  assert.equal(values.length, sides);
  assert.equal(values[0], undefined, 'the oldest payloads are gone with their chunk');
  assert.deepEqual(values[sides - 1], ['tick', { n: sides - 1 }]);
  let text = '';
  writeChromeTrace(recorder, { pid: 1, tid: 1, processName: 'p', threadName: 't' }, 1e9, (part) => (text += part));
  const dir = tempDir('panopticon-side-');
  writeFileSync(join(dir, 'ring.json'), text);
  const trace = readTrace(join(dir, 'ring.json'));
  assert.ok(trace.ok, trace.report);
  const kept = trace.model.instants.map((i) => i.args.n);
  assert.ok(kept.length > 0);
  // Every instant still in the ring is written, with its payload, up to the newest.
  assert.deepEqual(kept, Array.from({ length: kept.length }, (_, k) => sides - kept.length + k));
});

test('clear() lets go of every payload', () => {
  const recorder = new Recorder('test');
  recorder.start();
  recorder.addSide(SideKind.Counter, ['c', { v: 1 }]);
  recorder.clear();
  assert.deepEqual([...recorder.sideValues], [undefined]);
  recorder.addSide(SideKind.Counter, ['c', { v: 2 }]);
  assert.deepEqual(recorder.sideValues[1], ['c', { v: 2 }], 'indexes go on from where they were');
});
