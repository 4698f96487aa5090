// The differential semantics fixtures again, traced with --args: recording every parameter
// binding, return value and exception must not change what any of them prints or how it exits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PANOPTICON, ROOT, readTrace, runAsync, slicesOf, tempDir } from '../support/helpers.mjs';
import { normaliseStderr } from './differential.mjs';

const FIXTURES = join('test', 'semantics', 'fixtures');
const fixtures = readdirSync(join(ROOT, FIXTURES), { withFileTypes: true })
  .filter((e) => e.isFile() && /\.(js|mjs|cjs|ts|mts|cts)$/.test(e.name))
  .map((e) => e.name)
  .sort();

describe('differential semantics with --args', { concurrency: 2 }, () => {
  for (const name of fixtures) {
    test(name, async () => {
      const fixture = join(FIXTURES, name);
      const out = join(tempDir('panopticon-semantics-args-'), 'trace.json');
      const ts = name.endsWith('.ts');
      const [plain, traced] = await Promise.all([
        ts ? runAsync([PANOPTICON, '-o', join(tempDir(), 'untraced.json'), '--exclude', '**', fixture]) : runAsync([fixture]),
        runAsync([PANOPTICON, '--args', '-o', out, fixture]),
      ]);
      assert.equal(traced.status, plain.status, traced.stderr);
      assert.equal(traced.stdout, plain.stdout);
      assert.equal(normaliseStderr(traced.stderr), normaliseStderr(plain.stderr));
      const checked = readTrace(out);
      assert.ok(checked.ok && checked.model, checked.report);
      // with-eval.js's functions sit inside `with` (not instrumented) or take no parameters
      if (name !== 'with-eval.js') assert.ok(slicesOf(checked.model).some((s) => Object.keys(s.args ?? {}).some((k) => k.startsWith('args.') || k === 'return')), 'some slice carries values');
    });
  }
});
