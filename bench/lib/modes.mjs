// The four ways each workload runs, each with its own copy of the code.
//
// Instrumented code caches the recorder it finds in the registry on its first hook call, so
// every mode loads a separate copy after putting its own recorder there. The copies' sources
// differ by a trailing comment so that V8 shares no compiled code or feedback between them.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReferenceTracer } from './reference-tracer.mjs';

const require = createRequire(import.meta.url);
const Module = require('node:module');
const babel = require('@babel/core');
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const plugin = require(join(ROOT, 'packages/babel-plugin/dist/index.js')).default;
const { Recorder, VERSION } = require(join(ROOT, 'packages/runtime/dist/index.js'));

const REGISTRY = Symbol.for('panopticon.runtime');

export const MODES = ['plain', 'traced', 'notRecording', 'reference'];

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

function setRegistry(recorder) {
  if (recorder === undefined) delete globalThis[REGISTRY];
  else Object.defineProperty(globalThis, REGISTRY, { value: recorder, enumerable: false, configurable: true, writable: false });
}

/**
 * A second copy of the Recorder class for the not-recording mode. V8 keeps type feedback per
 * function, so with one class the idle instance's hooks would be compiled after the traced
 * instance's recording path had run, and inlined with it: that is the cost after a `stop()`, not
 * that of a recorder that never started (measured: about 2.9x plain instead of about 1.2x).
 */
function separateRecorderClass() {
  const path = join(ROOT, 'packages/runtime/dist/recorder.js');
  const copy = new Module(path, null);
  copy.filename = path;
  copy.paths = Module._nodeModulePaths(dirname(path));
  copy._compile(`${readFileSync(path, 'utf8')}\n// panopticon bench copy: notRecording\n`, path);
  return copy.exports.Recorder;
}

/** Compiles `code` as a CommonJS module of its own and returns its exports. */
function loadCopy(code, filename, mode) {
  const name = filename.replace(/(\.[cm]?js)?$/, `.${mode}$1`);
  const copy = new Module(name, null);
  copy.filename = name;
  copy.paths = Module._nodeModulePaths(dirname(filename));
  copy._compile(`${code}\n// panopticon bench copy: ${mode}\n`, name);
  return copy.exports;
}

/**
 * Loads the four copies of one workload's code. `calibrate(exports)` runs it once on the traced
 * copy so that the reference tracer's arrays can be sized to one run. Each mode has `reset()`
 * (before a sample, untimed) and `calls()` (after one, the calls the sample traced, if known).
 */
export function loadModes({ source, instrumented, filename, calibrate }) {
  const recorder = new Recorder(VERSION);
  recorder.start();
  setRegistry(recorder);
  const traced = loadCopy(instrumented, filename, 'traced');

  recorder.clear();
  calibrate(traced);
  const callsPerRun = recorder.eventCount / 2;
  recorder.clear();

  const IdleRecorder = separateRecorderClass();
  const idle = new IdleRecorder(VERSION);
  setRegistry(idle);
  const notRecording = loadCopy(instrumented, filename, 'notRecording');

  // Room for one run plus the module's own enter and exit.
  const tracer = new ReferenceTracer(2 * callsPerRun + 64);
  setRegistry(tracer);
  const reference = loadCopy(instrumented, filename, 'reference');

  setRegistry(undefined);
  const plain = loadCopy(source, filename, 'plain');

  const none = () => undefined;
  return {
    callsPerRun,
    modes: {
      plain: { exports: plain, reset: none, calls: none },
      traced: {
        exports: traced,
        reset: () => recorder.clear(),
        calls: () => recorder.eventCount / 2,
      },
      notRecording: { exports: notRecording, reset: none, calls: none },
      reference: {
        exports: reference,
        reset: () => tracer.reset(),
        calls: () => tracer.events / 2,
      },
    },
  };
}
