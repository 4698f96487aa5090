// Issue 3, "Behaviour unchanged, microtask ordering included": each fixture logs the interleaving
// of awaits, generators, promise combinators, timers and rejections; it runs plain and traced,
// and stdout, exit status and stderr (frames compared by count and first file:line) must be the
// same, and the trace must pass the checker with the slices the fixture must show.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf } from '../support/helpers.mjs';
import { differential, frameLocation, stderrParts } from './run.mjs';

const FIXTURES = join('test', 'ordering', 'fixtures');
const WARN = { NODE_OPTIONS: '--unhandled-rejections=warn' };
const STRICT = { NODE_OPTIONS: '--unhandled-rejections=strict' };

/** One run per entry: fixture file, environment, slices its trace must show. */
const RUNS = [
  { file: 'await-values.mjs', slices: ['scenario', 'ticker'] },
  { file: 'return-ticks.cjs', slices: ['retPromise', 'retAwait', 'retInTry', 'Methods.ret', 'agenReturn'] },
  { file: 'methods.mjs', slices: ['Derived.greet', 'Base.greet', 'Derived.#spriv', 'get Derived.lazy', 'Derived.items', 'obj.m', 'arrows.awaitExpr'] },
  { file: 'methods-sloppy.cjs', slices: ['mapped', 'shadowed', 'inBlock', 'labelled', 'genArgs'] },
  { file: 'generators.cjs', slices: ['counter', 'guarded', 'nestedTry', 'delegate', 'delegateCatches'] },
  { file: 'async-generators.mjs', slices: ['numbers', 'loopBreak', 'loopThrow', 'loopReturn', 'delegating', 'manual'] },
  { file: 'combinators.cjs', slices: ['after', 'main', 'Tracked.then'] },
  { file: 'timers.cjs', slices: ['micro', 'immediates', 'phaseImmediates', 'phaseTimer', 'phaseTimers'] },
  { file: 'timers.mjs', slices: ['micro', 'immediates', 'phaseImmediates', 'phaseTimer', 'phaseTimers'] },
  { file: 'errors.cjs', slices: ['level1', 'level3', 'genThrow', 'finallyOverrides'] },
  { file: 'unhandled-error.cjs', slices: ['inner', 'outer'] },
  { file: 'unhandled-error.cjs', env: WARN, slices: ['inner', 'outer'] },
  { file: 'unhandled-string.mjs', slices: ['fail'] },
  { file: 'unhandled-later.cjs', slices: ['rejectsSoon'] },
  { file: 'rejection-events.mjs', slices: ['rejects', 'awaitsRejected', 'agen'] },
  { file: 'rejection-events.mjs', env: WARN, slices: ['rejects', 'awaitsRejected', 'agen'] },
  { file: 'rejection-events.mjs', env: STRICT, slices: ['rejects'] },
  { file: 'tla.mjs', slices: ['test/ordering/fixtures/tla.mjs', 'test/ordering/fixtures/modules/tla-slow.mjs', 'gen', 'at'] },
  { file: 'tla-uncaught.mjs', slices: ['test/ordering/fixtures/tla-uncaught.mjs'] },
  { file: 'tla-stall.mjs', slices: ['test/ordering/fixtures/tla-stall.mjs'] },
  { file: 'stress.mjs', slices: ['chain', 'consume', 'produce', 'counter', 'combo'] },
  { file: 'stress.cjs', slices: ['chain', 'consume', 'produce', 'counter', 'combo'] },
  { file: 'ordering.ts', slices: ['Store.add', 'Store.create', 'Store.each', 'Circle.describe', 'Shape.describe', 'generic'] },
  { file: 'tla.mts', slices: ['countdown', 'delayed', 'test/ordering/fixtures/tla.mts'] },
  { file: 'edge-cases.mjs', slices: ['computedKeys', 'yieldInKeys', 'catchDefault', 'forAwaitShapes', 'yieldOperands', 'nested'] },
  { file: 'iteration-errors.mjs', slices: ['test/ordering/fixtures/iteration-errors.mjs'] },
  { file: 'first-tick.cjs', slices: ['resumed', 'job'] },
  { file: 'computed-key-tla.mjs', slices: ['test/ordering/fixtures/computed-key-tla.mjs'] },
];

/**
 * Differences found and not fixed yet; their comparisons run as `todo`. (Fixed since: the hook
 * around the operand of yield* / for await showing in V8's "is not iterable" messages; the extra
 * stack frame after a CommonJS main; an await in a computed key at top level.)
 */
const KNOWN = {
  'iteration-errors.mjs':
    'yield* of a non-iterable member or call: V8 prints one "(intermediate value)" per call made earlier in the function, and the hooks are calls',
};

const runName = (r) => (r.env ? `${r.file} (${r.env.NODE_OPTIONS})` : r.file);

describe('microtask ordering and behaviour, plain against traced', { concurrency: 2 }, () => {
  test('every fixture has a run', () => {
    const files = readdirSync(join(ROOT, FIXTURES), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    assert.deepEqual([...new Set(RUNS.map((r) => r.file))].sort(), files);
  });

  for (const run of RUNS) {
    test(runName(run), async (t) => {
      const { plain, traced, trace } = await differential(join(FIXTURES, run.file), run.env);
      assert.equal(plain.signal, null, plain.stderr);
      assert.ok(plain.stdout.length > 0 || plain.stderr.length > 0, 'the fixture printed nothing');

      await t.test('same stdout, status and stderr', { todo: KNOWN[run.file] }, () => {
        assert.equal(traced.stdout, plain.stdout);
        assert.equal(traced.status, plain.status, traced.stderr);
        const [p, q] = [stderrParts(plain.stderr), stderrParts(traced.stderr)];
        assert.equal(q.text, p.text);
        assert.equal(q.frames.length, p.frames.length, `frames:\n${p.frames.join('\n')}\n---\n${q.frames.join('\n')}`);
        assert.equal(frameLocation(q.frames[0]), frameLocation(p.frames[0]));
      });

      await t.test('trace passes the checker with the expected slices', () => {
        const checked = readTrace(trace);
        assert.ok(checked.ok && checked.model, checked.report);
        const names = new Set(slicesOf(checked.model).map((s) => s.name));
        for (const expected of run.slices) assert.ok(names.has(expected), `no slice named ${expected} in ${[...names].slice(0, 60).join(', ')}`);
      });
    });
  }
});
