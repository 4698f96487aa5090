// @traced async methods without the plugin, where the runs are hardest to tell from the outside
// (fixtures/decorators/async-edges.ts): the trace must show each run of the body once, and
// nothing that ran elsewhere (an undecorated function's continuation, a `.then` callback) as one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDecorated, chainOf, instances } from './support/decorated.mjs';

for (const build of ['tsc', 'babel-2023-11']) {
  test(`${build}: returned promises, recursion, thenables and rejected awaits: each run once, nothing else`, () => {
    const traced = runDecorated('async-edges', build);
    const plain = runDecorated('async-edges', build, { plain: true });
    assert.deepEqual(traced.seen, plain.seen);
    const s = traced.slices;
    // `return undecorated(1)` and `return promise.then(cb)` end the body; what runs later is not its.
    assert.deepEqual(instances(s, 'Edges.viaPlain').map(chainOf), [['first run->await', 'await->settled']]);
    assert.deepEqual(instances(s, 'Edges.chained').map(chainOf), [['first run->await', 'await->settled']]);
    // fact(3): four instances; fact(0) returns in its first run, the others resume once each.
    const facts = instances(s, 'Edges.fact');
    assert.equal(facts.length, 4);
    assert.equal(facts.filter((c) => chainOf(c).join() === 'first run->settled').length, 1);
    assert.equal(facts.filter((c) => chainOf(c).join() === 'first run->await,await->settled').length, 3);
    assert.deepEqual(
      facts.map((c) => c[0].depth).sort(),
      [0, 1, 2, 3],
      'each first run nests in its caller\'s',
    );
    assert.deepEqual(instances(s, 'Edges.thenable').map(chainOf), [['first run->await', 'await->settled']]);
    // The rejected await resumes into the catch: one slice, resumed by the await, to the end.
    assert.deepEqual(instances(s, 'Edges.rejected').map(chainOf), [['first run->await', 'await->settled']]);
    assert.equal(s.length, 2 + 2 + 7 + 2 + 2);
  });
}
