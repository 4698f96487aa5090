// Recording is off until start(): instrumented code that runs with a recorder installed but not
// started records nothing, and turning recording on or off in the middle of a call still gives a
// trace that nests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { instrument } from './support/instrument.mjs';

const runtime = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
const recorder = runtime.installRecorder();

runInThisContext(
  instrument(`
function leaf() { return 1; }
function outer() { return leaf() + leaf(); }
function toggling(action) {
  action();
  return leaf();
}
globalThis.snippet = { outer, toggling };
outer();
`, 'recording.js'),
);
const { outer, toggling } = globalThis.snippet;

function traceNow() {
  const path = join(tempDir(), 'trace.json');
  runtime.writeTraceFile(path, recorder, { pid: 1, tid: 1, processName: 'p', threadName: 't' });
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  return slicesOf(trace.model);
}

test('installed but not started: the module and its calls record nothing', () => {
  assert.equal(recorder.recording, false);
  assert.equal(runtime.isRecording(), false);
  outer();
  assert.equal(recorder.eventCount, 0);
  assert.equal(recorder.depth, 0);
  assert.ok(recorder.functions.names.includes('outer'), 'the module still registered its functions');
  assert.deepEqual(traceNow(), []);
});

test('started, the same code records; stopped again, nothing more', () => {
  recorder.clear();
  recorder.start();
  outer();
  recorder.stop();
  assert.equal(recorder.eventCount, 6);
  outer();
  assert.equal(recorder.eventCount, 6);
  assert.deepEqual(traceNow().map((s) => `${s.name}@${s.depth}`).sort(), ['leaf@1', 'leaf@1', 'outer@0']);
});

test('started inside a call: only what runs after start() is recorded, and it nests', () => {
  recorder.clear();
  toggling(() => recorder.start());
  recorder.stop();
  assert.equal(recorder.depth, 0);
  // toggling() began unrecorded, so its exit (frame 0) records nothing either
  assert.deepEqual(traceNow().map((s) => `${s.name}@${s.depth}`), ['leaf@0']);
});

test('stopped inside a call: the call that was recording still closes', () => {
  recorder.clear();
  recorder.start();
  toggling(() => recorder.stop());
  assert.equal(recorder.depth, 0);
  const slices = traceNow();
  assert.deepEqual(slices.map((s) => `${s.name}@${s.depth}`), ['toggling@0']);
  assert.equal(slices[0].args.unfinished, undefined);
});
