// @traced async generator methods without the plugin (fixtures/decorators/async-gen.ts): each
// instance is one chain with every run of its body (each call that runs it, each resumption
// after an await, a yield's and a `for await`'s included), ended as a yield, an await, or
// `settled` (returned or thrown); calls that only queue a request, or find the instance ended,
// run nothing and show nothing. The program sees exactly what it sees undecorated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDecorated, chainOf, instances } from './support/decorated.mjs';

// await null; yield i: the await, then the yield's own await of i, then the yield.
const TICK = ['await->await', 'await->yield'];
const EXPECTED = {
  // for await over counted(2), then counted(2) with four next() calls queued at once: V8 goes on
  // to the next queued request in the run that yields, and `return 'done'` awaits 'done'.
  'Gens.counted': [
    ['first run->await', ...TICK, 'next->await', ...TICK, 'next->await', 'await->settled'],
    ['first run->await', ...TICK, 'next->await', ...TICK, 'next->await', 'await->settled'],
    // counted(1) twice at once.
    ['first run->await', ...TICK, 'next->await', 'await->settled'],
    ['first run->await', ...TICK, 'next->await', 'await->settled'],
  ],
  // for await over an undecorated async generator: each of its results is awaited.
  'Gens.relay': [['first run->await', 'await->await', 'await->yield', 'next->await', 'await->await', 'await->yield', 'next->await', 'await->settled']],
  'Gens.guarded': [
    // return() queued behind the first next(): taken up in the run that yields, it awaits its
    // value outside the body, and that await's reaction runs the finally block.
    ['first run->await', 'await->yield', 'return->await', 'await->settled'],
    // return() at a yield awaits its value outside the body; that await's reaction runs the
    // finally block, which awaits too.
    ['first run->await', 'await->yield', 'return->await', 'await->settled'],
    // throw() at a yield runs the catch at once; the last next() finds the instance ended.
    ['first run->await', 'await->yield', 'throw->await', 'await->yield', 'next->await', 'await->settled'],
  ],
  'Gens.failing': [['first run->await', 'await->yield', 'next->await', 'await->settled']],
  // A yielded promise that rejects throws at the yield, out of the body.
  'Gens.rejecting': [['first run->await', 'await->yield', 'next->await', 'await->settled']],
  // yield* passes the inner values on from the body's frame; `yield await p` awaits twice.
  'Gens.delegating': [
    ['first run->await', 'await->yield', 'next->await', 'await->yield', 'next->await', 'await->await', 'await->await', 'await->yield', 'next->await', 'await->settled'],
  ],
  // Falls off the end; return() at a yield with nothing to run; one closed before it started
  // (not recorded); one consumed by consume(), one by nested(); throw() at a yield, uncaught.
  'Gens.quick': [
    ['first run->await', 'await->yield', 'next->settled'],
    ['first run->await', 'await->yield', 'return->settled'],
    ['first run->await', 'await->yield', 'next->settled'],
    ['first run->await', 'await->yield', 'next->settled'],
    ['first run->await', 'await->yield', 'throw->settled'],
  ],
  // yield* this.quick(): awaits the inner results, passes the first on, then falls off the end.
  'Gens.nested': [['first run->await', 'await->yield', 'next->await', 'await->settled']],
  // An async method whose `for await` runs quick(): awaits each result, returns.
  'Gens.consume': [['first run->await', 'await->await', 'await->settled']],
};

for (const build of ['tsc', 'tsc-experimental', 'babel-2023-11', 'babel-legacy']) {
  test(`${build}: every run of each async generator instance, one chain each, as the program ran undecorated`, () => {
    const traced = runDecorated('async-gen', build);
    const plain = runDecorated('async-gen', build, { plain: true });
    // Logs, their interleaving with undecorated async work, results, exceptions: all the same.
    assert.deepEqual(traced.seen, plain.seen);
    const s = traced.slices;
    for (const [name, chains] of Object.entries(EXPECTED)) assert.deepEqual(instances(s, name).map(chainOf), chains, name);
    assert.equal(s.length, Object.values(EXPECTED).flat(2).length, 'nothing else is recorded');
    const flows = traced.trace.model.flows;
    const list = traced.trace.model.threads[Object.keys(traced.trace.model.threads)[0]].slices;
    const [consume] = instances(s, 'Gens.consume');
    const consumed = instances(s, 'Gens.quick')[2];
    const parentOf = (x) => list[list.findIndex((y) => y.ts === x.ts && y.name === x.name)].parent;
    const indexOf = (x) => list.findIndex((y) => y.ts === x.ts && y.name === x.name);
    // next() from consume's first run and from its resumption (nested()'s: from its own next()):
    // nested there; the yield's await resumes on an empty stack.
    assert.deepEqual(consumed.map(parentOf), [indexOf(consume[0]), -1, indexOf(consume[1])]);
    const [nested] = instances(s, 'Gens.nested');
    const delegated = instances(s, 'Gens.quick')[3];
    assert.deepEqual(delegated.map(parentOf), [indexOf(nested[0]), -1, indexOf(nested[2])]);
    for (const chains of Object.keys(EXPECTED).map((name) => instances(s, name))) {
      for (const chain of chains) {
        if (chain[0].args.instance === consumed[0].args.instance || chain[0].args.instance === delegated[0].args.instance) continue;
        // The runs follow one another, none inside another, and one flow links them in order.
        for (let i = 1; i < chain.length; i++) assert.ok(chain[i].ts >= chain[i - 1].ts + chain[i - 1].dur, `${chain[0].name} slice ${i}`);
        assert.ok(chain.every((x) => x.depth === 0), `${chain[0].name}: each run on an empty stack or in undecorated code`);
        const flow = flows.find((f) => f.slices.some((x) => x.ts === chain[0].ts && x.name === chain[0].name));
        assert.ok(flow, `${chain[0].name} has a flow`);
        assert.deepEqual(flow.slices.map((x) => x.ts), chain.map((x) => x.ts));
      }
    }
  });
}

test('with no recorder in the process, decorated async generators run as undecorated ones', () => {
  const idle = runDecorated('async-gen', 'tsc', { idle: true });
  const plain = runDecorated('async-gen', 'tsc', { plain: true });
  assert.deepEqual(idle.seen, plain.seen);
});
