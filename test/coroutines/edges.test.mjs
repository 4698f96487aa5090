// The ends of an async function's life: thrown before its first await (one slice, ended by
// "throw", the rejection as plain node has it), and still waiting when process.exit runs (its
// last slice ended by "await"; only the frames really on the stack are unfinished).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, describeChains, tracedOnce } from './support.mjs';
import { slicesOf } from '../support/helpers.mjs';

const early = tracedOnce(join(FIXTURES, 'throws-early.js'));
const pending = tracedOnce(join(FIXTURES, 'pending-at-exit.js'));

test('thrown before the first await: one slice ended by "throw", the rejection unchanged', async () => {
  const { stdout, status, chains, model } = await early;
  assert.equal(status, 1, 'the unhandled rejection ends the process, traced as plain');
  assert.equal(stdout, 'handled: RangeError thrown before any await: handled\n');
  assert.deepEqual(describeChains(chains), ['early: first run>throw', 'early: first run>throw']);
  assert.deepEqual(model.flows, []);
  assert.ok(slicesOf(model).every((s) => !s.args.unfinished));
});

test('pending at exit: the waiting instance ended its slice at the await; the stack is unfinished', async () => {
  const { stdout, status, chains, model } = await pending;
  assert.equal(status, 3);
  assert.equal(stdout, 'waiting forever\nexiting\n');
  assert.deepEqual(describeChains(chains), ['forever: first run>await', 'quitter: first run>await, await fulfilled>?']);
  const [forever, quitter] = chains;
  assert.equal(forever.slices[0].args.unfinished, undefined);
  assert.equal(quitter.slices[1].args.unfinished, true);
  const unfinished = slicesOf(model).filter((s) => s.args.unfinished);
  assert.deepEqual(unfinished.map((s) => s.name).sort(), ['leave', 'quitter'], 'exactly the stack at process.exit');
  const leave = unfinished.find((s) => s.name === 'leave');
  assert.equal(leave.depth, quitter.slices[1].depth + 1, 'leave() runs inside the resumed slice');
});
