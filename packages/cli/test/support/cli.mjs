// Helpers for the CLI's end-to-end tests: run a fixture plainly and traced, read the trace through
// the checker, and the checks every trace must pass (no slice of the tracer's own code).
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, runPanopticon, readTrace, slicesOf, tempDir } from '../../../../test/support/helpers.mjs';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** panopticon's closing line on stderr: how many events, where the trace is, how many processes, how to open it. */
export const FINAL_LINE = /^panopticon: wrote (\d+) events to (.+) \((\d+) process(?:es)?; open it at https:\/\/ui\.perfetto\.dev: "Open trace file"\)$/;

/** A slice belongs to the tracer when its file is compiled tracer code or an installed package of it. */
function isTracerFile(file) {
  return /(^|\/)packages\/[^/]+\/dist\//.test(file) || file.includes('node_modules/@panopticon/');
}

/** Reads a trace, asserts the checker accepts it and that no tracer frame is in it; returns its slices. */
export function checkedSlices(path) {
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  assert.ok(trace.model, 'the checker dumped a model');
  const slices = slicesOf(trace.model);
  const tracer = slices.filter((s) => isTracerFile(String(s.args?.file ?? s.name)));
  assert.deepEqual(tracer, [], 'no slice of the tracer or its loaders');
  return slices;
}

/**
 * Runs `panopticon -o TMP ARGS` in `cwd` (the fixtures by default) and, when the run wrote a trace,
 * its checked slices. `options` go to spawnSync (input, env, cwd).
 */
export function traced(args, options = {}) {
  const out = join(tempDir(), 'trace.json');
  const result = runPanopticon(['-o', out, ...args], { cwd: FIXTURES, ...options });
  const lines = result.stderr.split('\n').filter(Boolean);
  const final = FINAL_LINE.exec(lines.at(-1) ?? '');
  return { ...result, out, final, slices: final ? checkedSlices(out) : [] };
}

/** Runs `node ARGS` in the fixtures directory (or `options.cwd`). */
export function plain(args, options = {}) {
  return runNode(args, { cwd: FIXTURES, ...options });
}

/** stderr without panopticon's closing line (wherever it is). */
export function withoutFinalLine(stderr) {
  return stderr
    .split('\n')
    .filter((line) => !FINAL_LINE.test(line))
    .join('\n');
}

/**
 * Node's uncaught-error report, made comparable between a plain and a traced run:
 * - stack frames of the tracer's CommonJS hook (it wraps Module.prototype._compile, one frame more);
 * - the blank line node itself adds after the source line and caret when the throwing code has a
 *   source map (`node --enable-source-maps` prints the same for any transpiled file).
 */
export function comparableReport(stderr) {
  return withoutFinalLine(stderr)
    .split('\n')
    .filter((line) => !/^\s+at .*packages\/cli\/dist\//.test(line))
    .join('\n')
    .replace(/\^\n\n\n/, '^\n\n');
}

/** Slices whose file is `file`, by name. */
export function namesIn(slices, file) {
  return slices.filter((s) => s.args?.file === file).map((s) => s.name);
}

/** The one slice named `name` (in `file`, when given). */
export function sliceNamed(slices, name, file) {
  const found = slices.filter((s) => s.name === name && (file === undefined || s.args?.file === file));
  assert.equal(found.length, 1, `one slice ${name}${file ? ` in ${file}` : ''}, found ${JSON.stringify(found)}`);
  return found[0];
}

/** Whether `inner` is nested inside `outer` (same thread, parent chain through depth and time). */
export function nestedIn(inner, outer) {
  return inner.tid === outer.tid && inner.depth > outer.depth && inner.ts >= outer.ts && inner.ts + inner.dur <= outer.ts + outer.dur;
}
