// keepTracingChildren (src/child-env.ts), which the preload calls: children started with an env
// of their own (or after the program stripped process.env) still get NODE_OPTIONS' preload and
// the session options, the caller's other NODE_OPTIONS kept, and everything else behaves as
// without the wrappers. Real children: printenv for the exec/spawn family, node for fork.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, runNode, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/cli.mjs';

const DIST = join(ROOT, 'packages', 'cli', 'dist');
const { preloadOption, withNodeOption } = createRequire(import.meta.url)(join(DIST, 'session.js'));
const PROBE = join(FIXTURES, 'processes');

test('preloadOption quotes the path as NODE_OPTIONS reads it; withNodeOption keeps the user\'s options first', () => {
  assert.equal(preloadOption('/a b/p.js'), '--require "/a b/p.js"');
  assert.equal(preloadOption('/a"b\\c/p.js'), '--require "/a\\"b\\\\c/p.js"');
  assert.equal(withNodeOption(undefined, '--require "x"'), '--require "x"');
  assert.equal(withNodeOption('  ', '--require "x"'), '--require "x"');
  assert.equal(withNodeOption('--no-warnings', '--require "x"'), '--no-warnings --require "x"');
  assert.equal(withNodeOption('--no-warnings --require "x"', '--require "x"'), '--no-warnings --require "x"');
});

test('every child_process way of starting a child keeps the tracing variables', () => {
  // A preload path with a space and a quote: NODE_OPTIONS must still load it in a forked node.
  const dir = join(tempDir(), 'with space "q"');
  mkdirSync(dir);
  const preload = join(dir, 'probe-preload.cjs');
  copyFileSync(join(PROBE, 'probe-preload.cjs'), preload);
  const option = preloadOption(preload);
  const run = runNode([join(PROBE, 'child-env-probe.cjs'), join(DIST, 'child-env.js'), option, join(PROBE, 'report-env.cjs')], {
    env: { PATH: process.env.PATH },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  const seen = JSON.parse(run.stdout);
  const ours = [option, '{"probe":true}'];

  for (const [name, shape] of Object.entries(seen.shape)) {
    assert.ok(shape.wrapped && shape.sameName && shape.sameLength, `${name} wrapped, with the original's name and length: ${JSON.stringify(shape)}`);
    assert.equal(shape.name, name);
    assert.ok(shape.esm, `import { ${name} } from 'node:child_process' sees the wrapper`);
  }
  assert.deepEqual(seen.customKept, { exec: true, execFile: true }, 'util.promisify.custom is there, wrapped too');

  for (const way of ['spawnSync', 'execSync', 'spawn', 'exec', 'execFile', 'execPromisified', 'execFilePromisified', 'strippedProcessEnv']) {
    const expected = way === 'strippedProcessEnv' ? [`--no-deprecation ${option}`, ours[1]] : ours;
    assert.deepEqual(seen[way], expected, way);
  }
  assert.deepEqual(seen.execFileSync, [`--no-warnings ${option}`, ours[1]], 'the caller\'s own NODE_OPTIONS come first');
  assert.deepEqual(seen.alreadyTraced, [`--no-warnings ${option}`, 'theirs'], 'an env that has the variables is left alone');
  assert.deepEqual(seen.inherited, ['from the prototype', ...ours], 'env keys inherited from its prototype still reach the child');
  assert.equal(seen.callerOptionsUntouched, true, 'the caller\'s options and env objects are not changed');
  assert.equal(seen.processEnvRestored, true, 'process.env is put back after the call');
  assert.equal(seen.promiseHasChild, true, 'the promisified execFile still carries .child');
  assert.deepEqual(seen.fork, [...ours, true], 'a forked node child loads the preload through NODE_OPTIONS');

  assert.equal(seen.oddEnv[0], seen.oddEnv[1], 'an env that is not an object is node\'s business, as without the wrapper');
  assert.equal(seen.oddArgs[0], seen.oddArgs[1], 'odd arguments fail as without the wrapper');
  assert.match(seen.oddArgs[0], /TypeError ERR_INVALID_ARG_TYPE/);
});
