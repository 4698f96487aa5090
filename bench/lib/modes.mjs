// The four ways each workload runs (five for the async one), each with its own copy of the code.
//
// Instrumented code caches the recorder it finds in the registry on its first hook call, so
// every mode loads a separate copy after putting its own recorder there. The copies' sources
// differ by a trailing comment so that V8 shares no compiled code or feedback between them.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReferenceTracer } from './reference-tracer.mjs';
import { recordedCounts } from './counts.mjs';

const require = createRequire(import.meta.url);
const Module = require('node:module');
const babel = require('@babel/core');
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const plugin = require(join(ROOT, 'packages/babel-plugin/dist/index.js')).default;
const { Recorder, VERSION } = require(join(ROOT, 'packages/runtime/dist/index.js'));
const { WakeTracker } = require(join(ROOT, 'packages/runtime/dist/wakeups.js'));

const REGISTRY = Symbol.for('panopticon.runtime');

export const MODES = ['plain', 'traced', 'notRecording', 'reference', 'wakeups'];

/** The source with every function instrumented, as the CLI would run it. */
export function instrument(source, filename) {
  const result = babel.transformSync(source, {
    filename,
    cwd: ROOT,
    babelrc: false,
    configFile: false,
    sourceType: 'script',
    plugins: [[plugin, { cwd: ROOT }]],
  });
  return result.code;
}

export function setRegistry(recorder) {
  if (recorder === undefined) delete globalThis[REGISTRY];
  else Object.defineProperty(globalThis, REGISTRY, { value: recorder, enumerable: false, configurable: true, writable: false });
}

/**
 * A second copy of the Recorder class for the not-recording mode. V8 keeps type feedback per
 * function, so with one class the idle instance's hooks would be compiled after the traced
 * instance's recording path had run, and inlined with it: that is the cost after a `stop()`, not
 * that of a recorder that never started (measured: about 2.9x plain instead of about 1.2x).
 * The wake-ups mode has a copy of its own too, so that its `wake !== null` branches leave the
 * traced mode's hooks alone.
 */
export function separateRecorderClass(mode) {
  const path = join(ROOT, 'packages/runtime/dist/recorder.js');
  const copy = new Module(path, null);
  copy.filename = path;
  copy.paths = Module._nodeModulePaths(dirname(path));
  copy._compile(`${readFileSync(path, 'utf8')}\n// panopticon bench copy: ${mode}\n`, path);
  return copy.exports.Recorder;
}

/** Compiles `code` as a CommonJS module of its own and returns its exports. */
export function loadCopy(code, filename, mode) {
  const name = filename.replace(/(\.[cm]?js)?$/, `.${mode}$1`);
  const copy = new Module(name, null);
  copy.filename = name;
  copy.paths = Module._nodeModulePaths(dirname(filename));
  copy._compile(`${code}\n// panopticon bench copy: ${mode}\n`, name);
  return copy.exports;
}

/**
 * Loads the copies of one workload's code. `calibrate(exports)` runs it once (it may return a
 * promise) on the traced copy, to count the calls of a run, and on the reference copy, to check
 * that its arrays hold a run. Each mode has `reset()` (before a sample, untimed), `counts()` (after
 * one: { calls, slices, wakes } as far as the mode's tracer knows them) and may have `arm()` and
 * `disarm()`, called just before and just after the timed part of a sample.
 *
 * With `wakeups`, also returns `wakeups`: plain, traced and a fifth mode, traced with wake-up
 * arrows, to be measured after the others. V8's promise hooks are on only while that mode is
 * armed, but once they have been on, promises stay slower (measured: plain 16.3 -> 17.4 ms on the
 * async workload, for the rest of the process), so a sample taken after one is not comparable
 * with a sample taken before any.
 */
export async function loadModes({ source, instrumented, filename, calibrate, wakeups = false }) {
  const recorder = new Recorder(VERSION);
  recorder.start();
  setRegistry(recorder);
  const traced = loadCopy(instrumented, filename, 'traced');

  recorder.clear();
  await calibrate(traced);
  const perRun = recordedCounts(recorder);
  // Room for one run plus the module's own enter and exit. The reference writes an event for
  // each of the recorder's and a mark for caught()/enteredFinally() calls that resume nothing:
  // twice the recorder's events is more than enough, and the calibration run checks it.
  const capacity = 2 * recorder.eventCount + 64;
  recorder.clear();

  const IdleRecorder = separateRecorderClass('notRecording');
  const idle = new IdleRecorder(VERSION);
  setRegistry(idle);
  const notRecording = loadCopy(instrumented, filename, 'notRecording');

  const tracer = new ReferenceTracer(capacity);
  setRegistry(tracer);
  const reference = loadCopy(instrumented, filename, 'reference');
  tracer.reset();
  await calibrate(reference);
  if (tracer.overflowed) throw new Error(`the reference tracer wrote ${tracer.events} events into ${capacity}`);
  tracer.reset();

  let woken = null;
  if (wakeups) woken = loadWakeupsMode(instrumented, filename);

  setRegistry(undefined);
  const plain = loadCopy(source, filename, 'plain');

  const none = () => undefined;
  const unknown = () => ({});
  const modes = {
    plain: { exports: plain, reset: none, counts: unknown },
    traced: {
      exports: traced,
      reset: () => recorder.clear(),
      counts: () => recordedCounts(recorder),
    },
    notRecording: { exports: notRecording, reset: none, counts: unknown },
    reference: {
      exports: reference,
      reset: () => tracer.reset(),
      counts: () => ({ calls: tracer.calls }),
    },
  };
  if (!woken) return { perRun, modes };
  return { perRun, modes, wakeups: { plain: modes.plain, traced: modes.traced, wakeups: woken } };
}

/** Traced with wake-up arrows: its own Recorder class, and a fresh WakeTracker for each sample. */
function loadWakeupsMode(instrumented, filename) {
  const WakeRecorder = separateRecorderClass('wakeups');
  const recorder = new WakeRecorder(VERSION);
  recorder.start();
  setRegistry(recorder);
  const exports = loadCopy(instrumented, filename, 'wakeups');
  let tracker = null;
  return {
    exports,
    reset: () => recorder.clear(),
    arm: () => {
      tracker = new WakeTracker();
      recorder.enableWakeups(tracker);
    },
    disarm: () => {
      tracker.stop();
      tracker = null;
    },
    counts: () => recordedCounts(recorder),
  };
}
