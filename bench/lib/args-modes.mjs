// Argument and return values (`panopticon --args`, the plugin's `args` option): the workload's
// code instrumented with `args: true`, run traced (its own Recorder class, started) and not
// recording (another copy, never started), in rounds of their own after the main ones, with plain
// and traced again as the yardsticks. Recording values allocates (each value is rendered to a
// string when recorded), so its garbage would otherwise be collected on the other modes' time.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, loadCopy, separateRecorderClass, setRegistry } from './modes.mjs';
import { recordedCounts } from './counts.mjs';
import { median } from './measure.mjs';

const require = createRequire(import.meta.url);
const babel = require('@babel/core');
const plugin = require(join(ROOT, 'packages/babel-plugin/dist/index.js')).default;
const { VERSION } = require(join(ROOT, 'packages/runtime/dist/index.js'));

function instrumentWithArgs(source, filename) {
  return babel.transformSync(source, { filename, cwd: ROOT, babelrc: false, configFile: false, sourceType: 'script', plugins: [[plugin, { cwd: ROOT, args: true }]] }).code;
}

/** `modes`: plain and traced from loadModes; adds args (traced with values) and argsIdle. */
export function loadArgsModes({ source, filename }, modes) {
  const code = instrumentWithArgs(source, filename);
  const ArgsRecorder = separateRecorderClass('args');
  const recorder = new ArgsRecorder(VERSION);
  recorder.start();
  setRegistry(recorder);
  const args = loadCopy(code, filename, 'args');
  const IdleRecorder = separateRecorderClass('argsIdle');
  setRegistry(new IdleRecorder(VERSION));
  const argsIdle = loadCopy(code, filename, 'argsIdle');
  setRegistry(undefined);
  const none = () => undefined;
  return {
    plain: modes.plain,
    traced: modes.traced,
    args: {
      exports: args,
      // The values of past samples are not needed: the bench drops them with the events.
      reset: () => {
        recorder.clear();
        recorder.functions.sideValues.length = 0;
      },
      counts: () => ({ ...recordedCounts(recorder), values: recorder.functions.sideValues.length }),
    },
    argsIdle: { exports: argsIdle, reset: none, counts: () => ({}) },
  };
}

/** The cost of values: per call, and against tracing without them and the reference tracer. */
export function printArgs({ times, counts, calls, referenceOverheadNs }) {
  const m = Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
  const perCall = (mode) => ((m[mode] - m.plain) / calls) * 1e6;
  console.log('  with argument and return values (--args), in rounds of their own:');
  for (const [mode, label] of [['plain', 'plain (not instrumented)'], ['traced', 'traced (recorder started)'], ['args', 'traced with --args'], ['argsIdle', 'instrumented --args, not recording']]) {
    console.log(`    ${label.padEnd(36)} ${m[mode].toFixed(2).padStart(9)} ms  (min ${Math.min(...times[mode]).toFixed(2)}, max ${Math.max(...times[mode]).toFixed(2)})`);
  }
  const values = counts.args?.values ?? 0;
  const args = perCall('args');
  const traced = perCall('traced');
  console.log(`  --args: ${values.toLocaleString('en-US')} values recorded per run; overhead per call ${args.toFixed(1)} ns (traced without: ${traced.toFixed(1)} ns)`);
  console.log(`  --args overhead / traced overhead: ${(args / traced).toFixed(2)}; / reference tracer overhead: ${(args / referenceOverheadNs).toFixed(2)}`);
  console.log(`  --args, not recording / plain time: ${(m.argsIdle / m.plain).toFixed(3)} (overhead ${perCall('argsIdle').toFixed(1)} ns per call)`);
  const perRound = (f) => median(times.plain.map((_, i) => f(i)));
  console.log(`  same, as medians of per-round ratios: --args/traced overhead ${perRound((i) => (times.args[i] - times.plain[i]) / (times.traced[i] - times.plain[i])).toFixed(2)}, not recording/plain ${perRound((i) => times.argsIdle[i] / times.plain[i]).toFixed(3)}`);
}
