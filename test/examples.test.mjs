// The programs in examples/, each traced by the CLI as the README shows: same output as plain
// node (TypeScript examples against their JavaScript twins), a trace the checker accepts, and the
// slices a reader expects to see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, runNode, runPanopticon, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

/** Traces examples/FILE from the repository root; returns its slices and stdout. */
function traceExample(file, plainTwin = file) {
  const out = join(tempDir(), 'trace.json');
  const plain = runNode([join('examples', plainTwin)], { cwd: ROOT });
  const traced = runPanopticon(['-o', out, join('examples', file)], { cwd: ROOT });
  assert.equal(traced.status, 0, traced.stderr);
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(traced.stdout, plain.stdout);
  assert.match(traced.stderr, /panopticon: wrote \d+ events to .*trace\.json/);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  return { slices: slicesOf(trace.model), stdout: traced.stdout };
}

const byName = (slices, name) => slices.filter((s) => s.name === name);

for (const ext of ['js', 'ts']) {
  test(`hello.${ext}: greet() is a slice nested in the module's`, () => {
    const { slices, stdout } = traceExample(`hello.${ext}`, 'hello.js');
    assert.equal(stdout, 'Hello, world!\n');
    const [module] = byName(slices, `examples/hello.${ext}`);
    const [greet] = byName(slices, 'greet');
    assert.equal(module.depth, 0);
    assert.equal(greet.depth, 1);
    assert.ok(greet.ts >= module.ts && greet.ts + greet.dur <= module.ts + module.dur);
    assert.deepEqual(greet.args, { file: `examples/hello.${ext}`, line: 2, col: 1 });
    assert.equal(greet.cat, `examples/hello.${ext}`);
    assert.equal(slices.length, 2);
  });

  test(`fizzbuzz.${ext}: inline code is the module's one slice`, () => {
    const { slices, stdout } = traceExample(`fizzbuzz.${ext}`, 'fizzbuzz.js');
    assert.equal(stdout.split('\n')[14], 'FizzBuzz');
    assert.deepEqual(slices.map((s) => s.name), [`examples/fizzbuzz.${ext}`]);
  });

  test(`fizzbuzz-helper.${ext}: each call of p() is a slice`, () => {
    const { slices } = traceExample(`fizzbuzz-helper.${ext}`, 'fizzbuzz-helper.js');
    const calls = byName(slices, 'p');
    assert.equal(calls.length, 15);
    assert.ok(calls.every((c) => c.depth === 1 && c.args.line === 2));
    const starts = calls.map((c) => c.ts);
    assert.deepEqual([...starts].sort((a, b) => a - b), starts, 'calls in time order, one after another');
  });
}

for (const [dir, ext] of [['importing', 'js'], ['importing-ts', 'ts']]) {
  test(`${dir}: the imported module's evaluation is nested in the importer's`, () => {
    const { slices, stdout } = traceExample(`${dir}/main.${ext}`, 'importing/main.js');
    assert.equal(stdout, 'main: before the import\ngreeting: evaluating\nHello, world!\n');
    const [main] = byName(slices, `examples/${dir}/main.${ext}`);
    const [greeting] = byName(slices, `examples/${dir}/greeting.${ext}`);
    const [greet] = byName(slices, 'greet');
    assert.equal(main.depth, 0);
    assert.equal(greeting.depth, 1);
    assert.ok(greeting.ts > main.ts && greeting.ts + greeting.dur < main.ts + main.dur);
    assert.equal(greet.depth, 1);
    assert.ok(greet.ts > greeting.ts + greeting.dur, 'greet runs after the import finished');
  });
}

test('api.ts: @traced methods, custom events and --args values (api.mjs, without decorators, prints the same)', () => {
  const out = join(tempDir(), 'trace.json');
  const plain = runNode([join('examples', 'api.mjs')], { cwd: ROOT });
  const traced = runPanopticon(['--args', '-o', out, join('examples', 'api.ts')], { cwd: ROOT });
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(traced.status, 0, traced.stderr);
  assert.equal(traced.stdout, 'total 7\n');
  assert.equal(traced.stdout, plain.stdout);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  const [thread] = trace.model.threads;
  assert.equal(thread.name, 'shop');
  const adds = byName(slicesOf(trace.model), 'Cart.add').map((s) => [s.args['args.sku'], s.args['args.price'], s.args.return]);
  assert.deepEqual(adds, [['"apple"', '3', '1'], ['"pear"', '4', '2']]);
  const checkout = byName(slicesOf(trace.model), 'Cart.checkout');
  assert.deepEqual(checkout.map((s) => [s.args.resumed, s.args.ended]), [['first run', 'await'], ['await fulfilled', 'return']]);
  assert.equal(checkout[0].args['args.card'], '{ number: "4111111111111111", password: [redacted] }');
  assert.equal(checkout[1].args.return, '7');
  assert.deepEqual(trace.model.instants.map((i) => [i.name, i.args]), [['checkout started', { items: 2 }], ['paid', { total: 7, last4: '1111' }]]);
  assert.deepEqual(trace.model.counters.map((c) => [c.name, c.value]), [['cart.items', 1], ['cart.items', 2]]);
});
