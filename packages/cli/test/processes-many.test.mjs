// A program that starts hundreds of short-lived children: every one is in the trace, and the run
// leaves no file behind in the temp directory (the session directory and its parts are removed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES, traced } from './support/cli.mjs';

test('200 short-lived children: 201 processes in the trace, nothing left in TMPDIR', () => {
  const tmp = tempDir();
  const run = traced([join(FIXTURES, 'processes', 'many.js'), '200'], { env: { ...process.env, TMPDIR: tmp }, timeout: 170_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '200 children done\n');
  assert.ok(run.final, run.stderr);
  assert.equal(run.final[3], '201');
  assert.ok(run.slices.some((s) => s.name === 'finished'), 'the parent has its slices');
  assert.deepEqual(readdirSync(tmp), [], 'no stray files');
});
