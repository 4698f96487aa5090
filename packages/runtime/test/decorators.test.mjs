// @traced without the plugin: fixtures/decorators/shapes.ts compiled by TypeScript (TC39 and
// experimentalDecorators) and by Babel (2023-11 and legacy decorators), run with plain node inside
// trace(). The program sees what it sees undecorated, and the trace shows the decorated methods,
// accessors and constructions by the plugin's names, generator and async instances as chains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILDS, runDecorated, chainOf, instances } from './support/decorated.mjs';

const runs = Object.fromEntries(BUILDS.map((build) => [build, { traced: runDecorated('shapes', build), plain: runDecorated('shapes', build, { plain: true }) }]));

/** The slices of the run's only thread, with `parentName` and `instance` filled in. */
function slices(build) {
  const threads = Object.values(runs[build].traced.trace.model.threads);
  assert.equal(threads.length, 1);
  const list = threads[0].slices;
  return list.map((s) => ({ ...s, parentName: s.parent >= 0 ? list[s.parent].name : null }));
}

const named = (list, name) => list.filter((s) => s.name === name);
for (const build of BUILDS) {
  test(`${build}: the program sees what it sees undecorated (this, arguments, results, exceptions, name, length, iterators)`, () => {
    const { traced, plain } = runs[build];
    if (build === 'babel-legacy') {
      // Babel's legacy transform binds the class's own name inside its body to the undecorated
      // class: `new.target === Counter` there is false once a class decorator replaced the class
      // (with any decorator that returns a class). Everything else is the same.
      assert.deepEqual(traced.seen[0], ['new.target is Counter', false]);
      assert.deepEqual(plain.seen[0], ['new.target is Counter', true]);
      assert.deepEqual(traced.seen.slice(1), plain.seen.slice(1));
    } else {
      assert.deepEqual(traced.seen, plain.seen);
    }
    assert.deepEqual(
      plain.seen.find((x) => x[0] === 'identity'),
      ['identity', 'area', 2, 'undefined', 'labelled', 3],
    );
  });

  test(`${build}: methods, accessors, static methods and constructions are slices named as the plugin names them`, () => {
    const list = slices(build);
    const names = new Set(list.map((s) => s.name));
    for (const name of ['new Counter', 'Counter.create', 'Counter.inc', 'get Counter.double', 'set Counter.double', 'Counter.fail', 'Shapes.unit', 'Shapes.area', 'get Shapes.side', 'custom name', 'Shapes.letters', 'Shapes.load', 'Shapes.inner', 'Shapes.delegating', 'Shapes.broken']) {
      assert.ok(names.has(name), `${build}: a slice named ${name} (got ${[...names].join(', ')})`);
    }
    assert.ok(!names.has('Shapes.labelled'), 'the custom name replaces the method name');
    assert.ok(!names.has('new Shapes'), 'an undecorated class is not recorded');
    assert.equal(named(list, 'Counter.inc').length, 2);
    assert.equal(named(list, 'Counter.fail').length, 1, 'a call that throws is one finished slice');
    assert.ok(list.every((s) => !s.open), 'nothing is left open');
    if (build === 'babel-legacy') {
      // Counter.create's `new Counter` names the undecorated class there (see above).
      assert.equal(named(list, 'new Counter').length, 1);
    } else {
      assert.equal(named(list, 'new Counter').length, 2);
      assert.ok(named(list, 'new Counter').some((s) => s.parentName === 'Counter.create'), 'the construction nests in Counter.create');
    }
    for (const s of list) {
      assert.equal(s.args.file, 'shapes.js', `${s.name}: the file that applied the decorator`);
      assert.ok(s.args.line > 0, `${s.name}: a line`);
    }
  });

  test(`${build}: a generator method is one chain per instance: each next/throw/return a slice`, () => {
    const list = slices(build);
    const chains = instances(list, 'Shapes.letters');
    assert.equal(chains.length, 2, 'letters("abcd") and letters("xyz"); the one returned before it started ran nothing');
    assert.deepEqual(chainOf(chains[0]), ['first run->yield', 'next->yield', 'throw->yield', 'next->yield', 'next->return']);
    assert.deepEqual(chainOf(chains[1]), ['first run->yield', 'next->yield', 'next->yield', 'next->return']);
    const flows = runs[build].traced.trace.model.flows;
    for (const chain of chains) {
      const flow = flows.find((f) => f.slices.some((s) => s.ts === chain[0].ts && s.name === 'Shapes.letters'));
      assert.ok(flow, 'the instance has a flow');
      assert.deepEqual(flow.slices.map((s) => s.ts), chain.map((s) => s.ts), 'the flow links its slices in order');
    }
  });

  test(`${build}: an async method is one chain per call: its first run, then one slice per resumption`, () => {
    const list = slices(build);
    const loads = instances(list, 'Shapes.load');
    assert.equal(loads.length, 2, 'two concurrent calls');
    for (const chain of loads) assert.deepEqual(chainOf(chain), ['first run->await', 'await->await', 'await->settled']);
    // `const a = await this.inner()`: inner's first run nests in load's second slice.
    const inners = instances(list, 'Shapes.inner');
    assert.equal(inners.length, 3);
    for (const chain of inners) assert.deepEqual(chainOf(chain), ['first run->await', 'await->settled']);
    assert.equal(inners.filter((c) => c[0].parentName === 'Shapes.load').length, 2);
    assert.equal(inners.filter((c) => c[0].parentName === 'Shapes.delegating').length, 1);
    // `return this.inner()` ends delegating's run: the promise it returns is not an await of its own.
    assert.deepEqual(instances(list, 'Shapes.delegating').map(chainOf), [['first run->await', 'await->settled']]);
    assert.deepEqual(instances(list, 'Shapes.broken').map(chainOf), [['first run->await', 'await->settled']]);
    // An async generator: every run, followed across its awaits; each `yield i` awaits i, then
    // resolves next()'s promise; the last next() falls off the end of the loop.
    const tick = ['await->await', 'await->yield'];
    assert.deepEqual(instances(list, 'Shapes.ticks').map(chainOf), [['first run->await', ...tick, 'next->await', ...tick, 'next->await', ...tick, 'next->settled']]);
    const flows = runs[build].traced.trace.model.flows;
    for (const chain of loads) {
      const flow = flows.find((f) => f.slices.some((s) => s.ts === chain[0].ts && s.name === 'Shapes.load'));
      assert.ok(flow, 'the call has a flow');
      assert.deepEqual(flow.slices.map((s) => s.ts), chain.map((s) => s.ts));
    }
  });
}

test('with no recorder in the process, decorated code runs as undecorated code does', () => {
  for (const build of ['tsc', 'babel-legacy']) {
    const idle = runDecorated('shapes', build, { idle: true });
    // (the same as traced, which is the same as undecorated but for babel-legacy's new.target, above)
    assert.deepEqual(idle.seen, runs[build].traced.seen, build);
  }
});

test('TC39 only: auto-accessors, private methods and fields holding functions (TypeScript and Babel 2023-11)', () => {
  for (const build of ['tsc', 'babel-2023-11']) {
    const traced = runDecorated('tc39-only', build);
    const plain = runDecorated('tc39-only', build, { plain: true });
    assert.deepEqual(traced.seen, plain.seen);
    assert.deepEqual(plain.seen, [['accessor', 4, 5, '', 1, 20]]);
    const names = traced.slices.map((s) => s.name).sort();
    assert.deepEqual(names, ['Box.#secret', 'Box.handler', 'get Box.content', 'get Box.content', 'set Box.content'], build);
  }
});

test('in a build the plugin instrumented, @traced adds nothing: each call is one slice, by the plugin', () => {
  const traced = runDecorated('shapes', 'babel-instrumented');
  const plain = runDecorated('shapes', 'babel-instrumented', { plain: true });
  assert.deepEqual(traced.seen, plain.seen);
  const list = traced.slices;
  const count = (name) => list.filter((s) => s.name === name).length;
  assert.equal(count('Counter.inc'), 2);
  assert.equal(count('new Counter'), 2);
  assert.equal(count('Shapes.area'), 1);
  assert.equal(count('Shapes.labelled'), 1, "the plugin's name: the body records itself");
  assert.equal(count('custom name'), 0);
  assert.ok(list.every((s) => s.args.file === 'shapes.ts'), 'every slice is the plugin\'s (TypeScript positions)');
  const loads = list.filter((s) => s.name === 'Shapes.load');
  assert.equal(loads.length, 6, 'two calls, three runs each, once');
  assert.ok(loads.every((s) => s.args.resumed !== 'await' && s.args.ended !== 'settled'), 'the plugin\'s exact kinds');
});
