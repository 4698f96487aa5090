// panopticon-instrument with a tsconfig: the fixture projects built by tsc (the reference) and by
// panopticon-instrument, run with plain node. Same files in the same places, same output; with
// PANOPTICON_OUTPUT the instrumented build writes a checked trace, without it nothing (idle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, runNode, slicesOf } from '../../../test/support/helpers.mjs';
import { cleanEnv, copyFixture, listFiles, runInstrument } from './fixtures/instrument/support.mjs';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Builds the reference with tsc into ref/ and the instrumented build into inst/. */
function buildBoth(name, instrumentArgs) {
  const dir = copyFixture(name);
  const tsc = runNode([TSC, '-p', 'tsconfig.json', '--outDir', 'ref', '--sourceMap'], { cwd: dir });
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  const built = runInstrument(instrumentArgs, dir);
  assert.equal(built.status, 0, built.stderr);
  return { dir, built };
}

const jsFiles = (dir) => listFiles(dir).filter((f) => /\.[mc]?js$/.test(f));

function run(dir, entry, env = {}) {
  return runNode([entry], { cwd: dir, env: cleanEnv(env) });
}

test('an ES-module project (NodeNext, a .cts file, a data file): tsc layout, same output, a checked trace, idle without the switch, source maps', () => {
  const { dir, built } = buildBoth('esm-project', ['--tsconfig', 'tsconfig.json', 'src', '-d', 'inst']);
  assert.match(built.stderr, /^panopticon-instrument: 4 instrumented, 1 copied, 0 unchanged -> inst\n$/);
  assert.deepEqual(jsFiles(join(dir, 'inst')), jsFiles(join(dir, 'ref')));
  assert.deepEqual(jsFiles(join(dir, 'inst')), ['legacy.cjs', 'main.js', 'shapes.js', 'tasks.js']);
  // The data file is not TypeScript's to copy; the reference gets it by hand.
  assert.equal(readFileSync(join(dir, 'inst', 'data', 'greeting.txt'), 'utf8'), readFileSync(join(dir, 'src', 'data', 'greeting.txt'), 'utf8'));
  cpSync(join(dir, 'src', 'data'), join(dir, 'ref', 'data'), { recursive: true });
  // tsc emitted the .cts as CommonJS and so must we.
  assert.match(readFileSync(join(dir, 'inst', 'legacy.cjs'), 'utf8'), /exports\.legacyName = legacyName/);

  const reference = run(dir, 'ref/main.js');
  assert.equal(reference.status, 0, reference.stderr);
  assert.match(reference.stdout, /total 22\n$/);

  const idle = run(dir, 'inst/main.js');
  assert.equal(idle.status, 0, idle.stderr);
  assert.equal(idle.stdout, reference.stdout);
  assert.equal(idle.stderr, '');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.json') && !['package.json', 'tsconfig.json'].includes(f)), [], 'an idle run writes no trace');

  const traced = run(dir, 'inst/main.js', { PANOPTICON_OUTPUT: 'trace.json' });
  assert.equal(traced.status, 0, traced.stderr);
  assert.equal(traced.stdout, reference.stdout);
  const { ok, report, model } = readTrace(join(dir, 'trace.json'));
  assert.ok(ok, report);
  const slices = slicesOf(model);
  const count = (name) => slices.filter((s) => s.name === name).length;
  assert.equal(count('new Rectangle'), 2);
  assert.equal(count('Rectangle.square'), 1);
  assert.equal(count('get Rectangle.label'), 2);
  assert.equal(count('Rectangle.area'), 6);
  assert.equal(count('classify'), 2);
  assert.equal(count('legacyName'), 1);
  assert.ok(count('countdown') >= 1, 'the generator is traced');
  assert.ok(count('totalArea') >= 1, 'the async function is traced');
  assert.ok(count('delay') === 2);
  // Names are relative to the tsconfig's directory: the sources, not the build.
  assert.deepEqual([...new Set(slices.map((s) => s.args?.file))].sort(), ['src/legacy.cts', 'src/main.ts', 'src/shapes.ts', 'src/tasks.ts']);

  // Source maps: next to each output, naming the source relative to the map, as tsc's do.
  for (const file of ['main.js', 'legacy.cjs']) {
    const code = readFileSync(join(dir, 'inst', file), 'utf8');
    assert.match(code, new RegExp(`\\n//# sourceMappingURL=${file.replace('.', '\\.')}\\.map\\n$`));
    const map = JSON.parse(readFileSync(join(dir, 'inst', `${file}.map`), 'utf8'));
    const reference = JSON.parse(readFileSync(join(dir, 'ref', `${file}.map`), 'utf8'));
    assert.deepEqual(map.sources, reference.sources);
    assert.equal(map.file, file);
    assert.ok(map.mappings.length > 0);
  }
  // Without SRC only what tsc compiles is written: no data file.
  const bare = runInstrument(['--tsconfig', 'tsconfig.json', '-d', 'bare'], dir);
  assert.equal(bare.status, 0, bare.stderr);
  assert.deepEqual(listFiles(join(dir, 'bare')).filter((f) => !f.endsWith('.map')), ['.panopticon-instrument.json', 'legacy.cjs', 'main.js', 'shapes.js', 'tasks.js']);
});

test('a CommonJS project (module CommonJS, esModuleInterop, a default export, a namespace, a const enum): same layout and output, traced', () => {
  const { dir } = buildBoth('cjs-project', ['-p', 'tsconfig.json']);
  // -d defaults to the tsconfig's outDir.
  assert.deepEqual(jsFiles(join(dir, 'build')), jsFiles(join(dir, 'ref')));
  assert.deepEqual(jsFiles(join(dir, 'build')), ['index.js', 'lib/format.js', 'lib/queue.js']);
  assert.match(readFileSync(join(dir, 'build', 'index.js'), 'utf8'), /^"use strict";/);
  const reference = run(dir, 'ref/index.js');
  assert.equal(reference.status, 0, reference.stderr);
  assert.match(reference.stdout, /> item 6\nindex\.js object function\ndone\n$/);
  const idle = run(dir, 'build/index.js');
  assert.equal(idle.stdout, reference.stdout);
  assert.equal(idle.stderr, '');
  assert.equal(existsSync(join(dir, 'trace.json')), false);
  const traced = run(dir, 'build/index.js', { PANOPTICON_OUTPUT: 'trace.json' });
  assert.equal(traced.stdout, reference.stdout);
  const { ok, report, model } = readTrace(join(dir, 'trace.json'));
  assert.ok(ok, report);
  const names = new Set(slicesOf(model).map((s) => s.name));
  for (const name of ['main', 'Queue.push', 'Queue.drain', 'Queue.settle', 'line']) assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
});
