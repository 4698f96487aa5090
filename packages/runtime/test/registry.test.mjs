// One runtime per process: a second copy of the package (another version in the same
// node_modules tree) shares the first copy's recorder, says so once when its version differs,
// and the registry adds nothing a program would see when it lists its globals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runNode, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/spawn.mjs';

const RUNTIME = join(ROOT, 'packages', 'runtime');

/** A copy of the built runtime package whose dist/version.js says `version`. */
function runtimeCopy(version) {
  const dir = join(tempDir(), 'runtime');
  cpSync(join(RUNTIME, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(RUNTIME, 'package.json'), join(dir, 'package.json'));
  const versionFile = join(dir, 'dist', 'version.js');
  const source = readFileSync(versionFile, 'utf8');
  assert.match(source, /VERSION = '[^']*'/, 'version.js has the shape this test rewrites');
  writeFileSync(versionFile, source.replace(/VERSION = '[^']*'/, `VERSION = '${version}'`));
  return dir;
}

function twoCopies(secondVersion) {
  const ran = runNode([join(FIXTURES, 'two-copies.cjs'), RUNTIME, runtimeCopy(secondVersion)]);
  assert.equal(ran.status, 0, ran.stderr);
  return { seen: JSON.parse(ran.stdout), warnings: ran.stderr.split('\n').filter((line) => line.includes('panopticon')) };
}

const VERSION = JSON.parse(readFileSync(join(RUNTIME, 'package.json'), 'utf8')).version;

test('dist/version.js agrees with package.json', async () => {
  const { VERSION: built } = await import(join(RUNTIME, 'dist', 'version.js'));
  assert.equal(built, VERSION);
});

test('a second copy of another version shares the first recorder and warns exactly once', () => {
  const { seen, warnings } = twoCopies('9.9.9-other');
  assert.deepEqual(seen.versions, [VERSION, '9.9.9-other']);
  assert.equal(seen.distinctModules, true, 'really two module instances');
  assert.equal(seen.same, true);
  assert.equal(seen.current, true);
  assert.equal(seen.recorderVersion, VERSION, 'the first copy installed it');
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], new RegExp(`${VERSION.replaceAll('.', '\\.')} is recording, 9\\.9\\.9-other is not used`));
});

test('a second copy of the same version shares the recorder silently', () => {
  const { seen, warnings } = twoCopies(VERSION);
  assert.equal(seen.distinctModules, true);
  assert.equal(seen.same, true);
  assert.deepEqual(warnings, []);
});

test('the registry is a non-enumerable global: Object.keys(globalThis) and for-in are unchanged', () => {
  const { seen } = twoCopies(VERSION);
  assert.equal(seen.keysUnchanged, true);
  assert.equal(seen.forInUnchanged, true);
  assert.equal(seen.enumerable, false);
  assert.equal(seen.symbolListed, true, 'the property is there, under its registered symbol');
});
