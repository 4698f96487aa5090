// Shared by the coroutine tests: run a fixture plainly and traced, and read a trace's generator
// and async function instances back as chains, checking that each instance is exactly one flow.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, PANOPTICON, readTrace, tempDir, runAsync } from '../support/helpers.mjs';
import { normaliseStderr } from '../semantics/differential.mjs';

export const FIXTURES = join('test', 'coroutines', 'fixtures');

const run = (args) => runAsync(args);

/**
 * Runs `file` (relative to ROOT; a TypeScript file's reference is `plainTwin`) plainly and through
 * the CLI, asserts the same stdout, stderr and exit status and a trace the checker passes with no
 * error, and returns the traced run's stdout, status and checked model.
 */
export async function traceFixture(file, plainTwin = file) {
  const out = join(tempDir('panopticon-coroutines-'), 'trace.json');
  const [plain, traced] = await Promise.all([run([plainTwin]), run([PANOPTICON, '-o', out, file])]);
  assert.equal(plain.signal, null, plain.stderr);
  assert.equal(traced.status, plain.status, traced.stderr);
  assert.equal(traced.stdout, plain.stdout);
  assert.equal(normaliseStderr(traced.stderr), normaliseStderr(plain.stderr));
  assert.match(traced.stderr, /^panopticon: wrote \d+ events/m);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  assert.ok(trace.model, 'the checker dumped a model');
  assert.deepEqual(trace.model.errors, []);
  return { stdout: traced.stdout, status: traced.status, model: trace.model };
}

/** Every slice of the model with its thread and its position in the thread's slice list. */
function allSlices(model) {
  const threads = Array.isArray(model.threads) ? model.threads : Object.values(model.threads);
  return threads.flatMap((t) => t.slices.map((s, index) => ({ ...s, pid: t.pid, tid: t.tid, index })));
}

const key = (pid, tid, index) => `${pid}/${tid}/${index}`;

/**
 * The instances of the trace in the order they began: `{ instance, name, steps, slices }`, where
 * `steps` is each slice's "resumed>ended" (`?` for a slice cut off by the end of the process).
 */
export function chainsOf(model) {
  const byInstance = new Map();
  for (const s of allSlices(model)) {
    if (s.args?.instance === undefined) continue;
    if (!byInstance.has(s.args.instance)) byInstance.set(s.args.instance, []);
    byInstance.get(s.args.instance).push(s);
  }
  return [...byInstance.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([instance, slices]) => {
      slices.sort((a, b) => a.args.slice - b.args.slice);
      return { instance, name: slices[0].name, steps: slices.map((s) => `${s.args.resumed}>${s.args.ended ?? '?'}`), slices };
    });
}

/**
 * Asserts what holds for every trace: an instance's slices are numbered 0..n-1, share one name,
 * follow one another in time, start with the only "first run", and all but the last end in a
 * suspension; an instance of n > 1 slices is exactly one flow of n points in slice order, keyed by
 * its instance; a single-slice instance has no flow; no flow is shared or left over. Returns the
 * chains (see chainsOf).
 */
export function assertChains(model) {
  const chains = chainsOf(model);
  const flows = new Map();
  for (const flow of model.flows) {
    assert.ok(!flows.has(flow.key), `flow ${flow.key} appears once`);
    flows.set(flow.key, flow);
  }
  const seenPoints = new Set();
  for (const { instance, name, steps, slices } of chains) {
    const where = `instance ${instance} (${name}: ${steps.join(', ')})`;
    assert.deepEqual(slices.map((s) => s.args.slice), slices.map((_, i) => i), `${where}: slices numbered 0..n-1`);
    assert.ok(slices.every((s) => s.name === name && s.args.line === slices[0].args.line), `${where}: one function`);
    for (let i = 1; i < slices.length; i++) {
      assert.ok(slices[i].ts + 1e-6 >= slices[i - 1].ts + slices[i - 1].dur, `${where}: slice ${i} starts after slice ${i - 1} ends`);
    }
    assert.deepEqual(steps.map((s) => s.startsWith('first run>')), steps.map((_, i) => i === 0), `${where}: only the first slice is the first run`);
    for (const s of slices.slice(0, -1)) assert.ok(['yield', 'await'].includes(s.args.ended), `${where}: a middle slice ends in a suspension`);
    const flow = flows.get(`bind/${instance}`);
    if (slices.length === 1) {
      assert.equal(flow, undefined, `${where}: a single slice has no flow`);
      continue;
    }
    assert.ok(flow, `${where}: has a flow`);
    flows.delete(`bind/${instance}`);
    const points = flow.slices.map((p) => key(p.pid, p.tid, p.index));
    assert.deepEqual(points, slices.map((s) => key(s.pid, s.tid, s.index)), `${where}: the flow links exactly its slices, in order`);
    for (const p of points) {
      assert.ok(!seenPoints.has(p), `${where}: no slice is on two flows`);
      seenPoints.add(p);
    }
  }
  assert.deepEqual([...flows.keys()], [], 'every flow is an instance');
  return chains;
}

/** The chains as `name: steps` lines, for comparing against the expected list in one assertion. */
export function describeChains(chains) {
  return chains.map((c) => `${c.name}: ${c.steps.join(', ')}`);
}

/** `count` copies of `step`, for long chains. */
export const times = (count, step) => Array.from({ length: count }, () => step);

/**
 * Starts tracing `file` once for a whole test file; each test awaits the result, so a failure
 * while running or checking fails every test that needs it, with its message.
 */
export function tracedOnce(file, plainTwin = file) {
  const result = traceFixture(file, plainTwin).then((r) => ({ ...r, chains: assertChains(r.model) }));
  result.catch(() => {}); // reported by each test that awaits it
  return result;
}
