// Async functions and async generators, exactly (issue 3, "Exactness"): explicit awaits, the
// implicit ones of for await (each loop head, and the iterator's return() on break or a labelled
// continue) and of an async generator's yield and return, rejected awaits caught, awaits in catch
// and finally, return() on an async generator, recursion, and the module's own top-level await.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, describeChains, times, tracedOnce } from './support.mjs';

const traced = tracedOnce(join(FIXTURES, 'async.mjs'));
const named = async (name) => (await traced).chains.filter((c) => c.name === name);

const awaitingTwice = 'twice: first run>await, await fulfilled>await, await fulfilled>return';
const closedAtFirstYield = 'source: first run>yield, return>return';

test('the program ran to the end, traced as plain', async () => {
  const { stdout } = await traced;
  assert.match(stdout, /^twice 2\n/);
  assert.match(stdout, /labelled 2 1\nafter labelled\n/);
  assert.match(stdout, /factorial 24\nloop \[ 1, 2, 3 \]\n$/);
});

test('every instance is exactly the chain expected, in the order the instances began', async () => {
  const { chains } = await traced;
  assert.deepEqual(describeChains(chains), [
    // the module: nine top-level awaits
    `test/coroutines/fixtures/async.mjs: first run>await, ${times(8, 'await fulfilled>await').join(', ')}, await fulfilled>return`,
    awaitingTwice,
    // loop heads for 1, 2 and the end; then the code after the loop
    'consume: first run>await, await fulfilled>await, await fulfilled>await, await fulfilled>return',
    // yield 1; yield (awaits) 2; return (awaits) its value; done
    'source: first run>yield, next>yield, next>await, await fulfilled>return',
    // loop head; body breaks and return() is awaited; after the loop
    'breaker: first run>await, await fulfilled>await, await fulfilled>return',
    closedAtFirstYield,
    // per outer round: the loop head, then the body's continue awaits return(); then the end
    'labelled: first run>await, await fulfilled>await, await fulfilled>await, await fulfilled>await, await fulfilled>return',
    closedAtFirstYield,
    closedAtFirstYield,
    // rejected await into catch, an await in catch, an await in finally
    'recovers: first run>await, await rejected>await, await fulfilled>await, await fulfilled>return',
    // return() at the yield runs finally, which awaits
    'cleanup: first run>yield, return>await, await fulfilled>return',
    'factorial: first run>await, await fulfilled>return',
    'factorial: first run>await, await fulfilled>return',
    'factorial: first run>await, await fulfilled>return',
    'factorial: first run>return',
    awaitingTwice,
    awaitingTwice,
    awaitingTwice,
  ]);
});

test('the module with top-level await is one chain, and the awaited calls run inside its slices', async () => {
  const { chains } = await traced;
  const [module, twice] = chains;
  assert.equal(module.name, 'test/coroutines/fixtures/async.mjs');
  assert.equal(module.slices.length, 10);
  assert.equal(twice.slices[0].depth, module.slices[0].depth + 1, 'twice() first runs inside the module\'s first slice');
});

test('recursion: each call of factorial is its own chain, the first runs nested one in another', async () => {
  const calls = await named('factorial');
  assert.equal(new Set(calls.map((c) => c.instance)).size, 4);
  const depths = calls.map((c) => c.slices[0].depth);
  assert.deepEqual(depths, [depths[0], depths[0] + 1, depths[0] + 2, depths[0] + 3]);
  // the innermost returns first, then each caller resumes in turn
  const resumptions = calls.slice(0, 3).map((c) => c.slices[1].ts);
  assert.deepEqual([...resumptions].sort((a, b) => b - a), resumptions);
});

test('break out of for await: the slice after the loop starts after the iterator was closed', async () => {
  const [breaker] = await named('breaker');
  const { chains } = await traced;
  const closed = chains.find((c) => c.name === 'source' && c.instance > breaker.instance);
  const closing = closed.slices[1];
  assert.equal(closing.args.resumed, 'return');
  assert.ok(closing.ts >= breaker.slices[1].ts + breaker.slices[1].dur, 'return() runs after the body\'s slice ended');
  assert.ok(breaker.slices[2].ts >= closing.ts + closing.dur, 'the code after the loop runs after return() finished');
});
