// Differential tests (../shared/docs/semantics.md): every program in fixtures/ runs plainly and
// traced; stdout, stderr and exit status must be the same, and the trace must pass the checker.
// stderr is compared after normaliseStderr, which lists the differences that are not the
// instrumenter's (node's own source-map printing, the CLI's require hook in loader frames).
// Files in fixtures/modules/ are imported by the fixtures, not run on their own.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf } from '../support/helpers.mjs';
import { differential, normaliseStderr } from './differential.mjs';

const FIXTURES = join('test', 'semantics', 'fixtures');

/** Slices each fixture's trace must show, so that a run that silently traced nothing fails. */
const EXPECTED_SLICES = {
  'classes.js': ['Counter.<static>', 'new Counter', 'get Counter.count', 'set Counter.count', 'Counter.#double', 'Counter.increment'],
  'commonjs.cjs': ['test/semantics/fixtures/commonjs.cjs', 'earlyReturn', 'callsA', 'new Shape'],
  'derived-constructors.js': ['new SuperInArrow', 'callSuper', 'new Base'],
  'directives.js': ['strictByFile', 'arrowThis'],
  'directives-function.js': ['strict', 'arrowStrict', 'obj.m'],
  'errors.js': ['throwsIt', 'rethrows', 'uncaught', 'new Custom'],
  'esm-cycle.mjs': ['hoistedInA', 'test/semantics/fixtures/modules/cycle-b.mjs', 'counter'],
  'esm-features.mjs': ['default', 'Exported.who', 'arrow', 'throwsLater'],
  'hoisting.js': ['paramShadow', 'shadowWithLexical', 'sibling', 'StrictHolder.shadowStrict', 'shadowArrow'],
  'names-lengths.js': ['record', 'withDefault'],
  'params.js': ['mapped', 'defaultOnce', 'counted', 'outerArgs'],
  'recursion.js': ['depth', 'isEven', 'isOdd', 'new Tree', 'get Tree.size', 'forever'],
  'this-new-target-super.js': ['Ctor', 'holder.method', 'B.describe', 'A.describe', 'new B', 'B.who'],
  'typescript.ts': ['new Cube', 'new Square', 'new Shape', 'Cube.area', 'pick', 'Overloaded.method', 'origin', 'typed'],
  'with-eval.js': ['usesWith', 'declaresVar', 'readsLocals', 'withProxy'],
};

const fixtures = readdirSync(join(ROOT, FIXTURES), { withFileTypes: true })
  .filter((e) => e.isFile() && /\.(js|mjs|cjs|ts|mts|cts)$/.test(e.name))
  .map((e) => e.name)
  .sort();

describe('differential semantics', { concurrency: 2 }, () => {
  test('every fixture lists the slices it must show', () => {
    assert.deepEqual(fixtures, Object.keys(EXPECTED_SLICES).sort());
  });

  for (const name of fixtures) {
    test(name, async () => {
      const { plain, traced, trace } = await differential(join(FIXTURES, name));
      assert.equal(plain.signal, null, plain.stderr);
      assert.equal(traced.status, plain.status, traced.stderr);
      assert.equal(traced.stdout, plain.stdout);
      assert.equal(normaliseStderr(traced.stderr), normaliseStderr(plain.stderr));
      assert.match(traced.stderr, /^panopticon: wrote \d+ events/m);

      const checked = readTrace(trace);
      assert.ok(checked.ok && checked.model, checked.report);
      const names = new Set(slicesOf(checked.model).map((s) => s.name));
      for (const expected of EXPECTED_SLICES[name]) assert.ok(names.has(expected), `no slice named ${expected} in ${[...names].join(', ')}`);
    });
  }
});
