// Thousands of concurrent instances: Promise.all over 1,000 async tasks that each await twice is
// 1,000 distinct chains of 3 slices, all on their own flows; 100 generators after them take the
// instance numbers past the recorder's first table of 1,024.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, describeChains, times, tracedOnce } from './support.mjs';

test('1,000 concurrent async tasks are 1,000 chains of 3 slices', async () => {
  const { stdout, chains, model } = await tracedOnce(join(FIXTURES, 'many.js'));
  assert.equal(stdout, '1000 999000\n4950\n');
  assert.deepEqual(describeChains(chains), [
    ...times(1000, 'task: first run>await, await fulfilled>await, await fulfilled>return'),
    ...times(100, 'pair: first run>yield, next>return'),
  ]);
  assert.deepEqual(chains.map((c) => c.instance), chains.map((_, i) => i + 1), 'one instance number each, none reused');
  assert.equal(model.flows.length, 1100);
  // the tasks all started before any resumed: they really were concurrent
  const tasks = chains.slice(0, 1000);
  const lastStart = Math.max(...tasks.map((c) => c.slices[0].ts));
  const firstResume = Math.min(...tasks.map((c) => c.slices[1].ts));
  assert.ok(lastStart < firstResume);
});
