// Generators, exactly (issue 3, "Exactness"): every instance is one chain whose slices say how
// each run began and ended. fixtures/generators.js runs plain and traced with the same output,
// and its trace holds exactly these chains, in the order the instances first ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, describeChains, tracedOnce } from './support.mjs';

const traced = tracedOnce(join(FIXTURES, 'generators.js'));
const named = async (name) => (await traced).chains.filter((c) => c.name === name);

test('the program ran to the end, traced as plain', async () => {
  const { stdout } = await traced;
  assert.match(stdout, /catcher caught boom\n/);
  assert.match(stdout, /walk \[ 1, 2, 3 \]\nmade 3\n$/);
});

test('every instance is exactly the chain expected, in the order the instances began', async () => {
  const { chains } = await traced;
  const walkOf3 = 'walk: first run>yield, next>yield, next>yield, next>return';
  const emptyWalk = 'walk: first run>return';
  assert.deepEqual(describeChains(chains), [
    'counter: first run>yield, next>yield, next>return',
    // yield*: the outer suspends before delegating and resumes once the inner has returned
    'outer: first run>yield, next>yield, next>return',
    'inner: first run>yield, next>yield, next>return',
    'catcher: first run>yield, throw>yield, next>return',
    'closer: first run>yield, return>return',
    // the two closers never started (return() and throw() on them) are not here at all
    'leaky: first run>yield, throw>throw',
    'three: first run>yield, next>yield, next>yield, next>return', // spread
    'three: first run>yield, next>yield, return>return', // destructuring two: closed
    'three: first run>yield, next>yield, return>return', // for...of with break: closed
    'three: first run>yield, next>yield, next>yield, next>return', // Array.from
    'three: first run>yield, next>yield, next>yield, next>return', // manual next()
    walkOf3, walkOf3, emptyWalk, emptyWalk, walkOf3, emptyWalk, emptyWalk,
    // made in a loop, still suspended at the end of the program
    'counter: first run>yield, next>yield',
    'counter: first run>yield, next>yield',
    'counter: first run>yield, next>yield',
  ]);
});

test('yield*: the inner generator runs between the outer one\'s suspension and its resumption', async () => {
  const [outer] = await named('outer');
  const [inner] = await named('inner');
  const suspended = outer.slices[0].ts + outer.slices[0].dur;
  const resumed = outer.slices[1].ts;
  for (const s of inner.slices) assert.ok(s.ts >= suspended && s.ts + s.dur <= resumed, 'inner slice inside the delegation');
  assert.notEqual(inner.instance, outer.instance);
});

test('gen.return() runs the finally block in a slice resumed by "return"', async () => {
  const [closer] = await named('closer');
  assert.equal(closer.slices[1].args.resumed, 'return');
  assert.equal(closer.slices[1].args.ended, 'return');
  assert.equal((await named('closer')).length, 1, 'return()/throw() before the first next() recorded nothing');
});

test('instances made in a loop are distinct chains', async () => {
  const { chains, model } = await traced;
  const counters = await named('counter');
  assert.equal(counters.length, 4);
  assert.equal(new Set(counters.map((c) => c.instance)).size, 4);
  const flowKeys = model.flows.map((f) => f.key);
  assert.equal(new Set(flowKeys).size, flowKeys.length);
  assert.equal(flowKeys.length, chains.filter((c) => c.slices.length > 1).length);
});
