// for await, exactly: the loop head awaits next() at each round, and leaving the loop any other
// way than by its end awaits the iterator's return(). Every one of those awaits ends a slice and
// the code after it starts the next; an exception that comes out of the loop resumes the
// instance as "await rejected" (the loop head's rejection, or the body's throw after return()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, describeChains, times, tracedOnce } from './support.mjs';

const traced = tracedOnce(join(FIXTURES, 'for-await.mjs'));

test('the program ran to the end, traced as plain', async () => {
  const { stdout } = await traced;
  assert.match(stdout, /^head 1\nhead caught head\nreturns 100\nbodyThrows body 1\n/);
  assert.match(stdout, /relay thrown in\nbox 2\ntop 7\n$/);
});

test('every instance is exactly the chain expected, in the order the instances began', async () => {
  const { chains } = await traced;
  assert.deepEqual(describeChains(chains), [
    // nine awaits, then the module's own loop: its head for 7, its head at the end
    `test/coroutines/fixtures/for-await.mjs: first run>await, ${times(10, 'await fulfilled>await').join(', ')}, await fulfilled>return`,
    // head; body for 1; the head's await rejects into the catch
    'headRejects: first run>await, await fulfilled>await, await rejected>return',
    // head; body returns and return() is awaited; the function completes
    'returns: first run>await, await fulfilled>await, await fulfilled>return',
    // head; body throws and return() is awaited; the error leaves the function
    'bodyThrows: first run>await, await fulfilled>await, await rejected>throw',
    // outer head; per outer round: inner head, inner body, inner end + outer head; outer end
    `nested: first run>await, ${times(6, 'await fulfilled>await').join(', ')}, await fulfilled>return`,
    // head; body yields 1; return() at the yield closes the loop (awaited); completes
    'relay: first run>await, await fulfilled>yield, return>await, await fulfilled>return',
    // the same resumed by throw(): closes the loop (awaited), then the error leaves
    'relay: first run>await, await fulfilled>yield, throw>await, await rejected>throw',
    'Box.open: first run>await, await fulfilled>return',
    'arrow: first run>await, await fulfilled>return',
  ]);
});

test('an async arrow awaited by an async method first runs inside the method\'s first slice', async () => {
  const { chains } = await traced;
  const open = chains.find((c) => c.name === 'Box.open');
  const arrow = chains.find((c) => c.name === 'arrow');
  assert.equal(arrow.slices[0].depth, open.slices[0].depth + 1);
  assert.ok(arrow.slices[0].ts >= open.slices[0].ts && arrow.slices[0].ts + arrow.slices[0].dur <= open.slices[0].ts + open.slices[0].dur);
});
