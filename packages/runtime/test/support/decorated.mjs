// Compiles the @traced fixtures (fixtures/decorators/*.ts) with the real compilers, each way a
// project can: TypeScript with TC39 decorators or experimentalDecorators, Babel with the 2023-11
// (or 2023-05) or the legacy decorators transform, and Babel plus the instrumenter. Each build runs with plain
// node inside trace() (from @panopticon/runtime) with the real `traced`, or with one that does
// nothing (`plain: true`), and gives back what the program saw and the trace's model.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, runNode, slicesOf, tempDir } from '../../../../test/support/helpers.mjs';
import { FIXTURES } from './spawn.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const babel = require('@babel/core');
const ts = require('typescript');
const instrumenter = require(join(ROOT, 'packages', 'babel-plugin', 'dist', 'index.js')).default;
const RUNTIME = join(ROOT, 'packages', 'runtime', 'dist', 'index.js');

export const BUILDS = ['tsc', 'tsc-experimental', 'babel-2023-11', 'babel-2023-05', 'babel-legacy'];

/** A `traced` that leaves everything as it is, in every protocol. */
const PLAIN_DECO = `exports.traced = function traced(...args) {
  if (args.length === 0 || (args.length === 1 && typeof args[0] !== 'function')) return function () { return undefined; };
  return undefined;
};\n`;

const HARNESS = `const { trace } = require(${JSON.stringify(RUNTIME)});
const program = require(process.argv[2]);
trace(() => program.main(), process.argv[3] ? { output: process.argv[3] } : {}).then(
  ({ result }) => console.log(JSON.stringify(result)),
  (e) => { console.error(e); process.exitCode = 1; },
);\n`;

/** The same program with no recorder in the process: the decorators' idle path. */
const IDLE_HARNESS = `const program = require(process.argv[2]);
program.main().then(
  (result) => console.log(JSON.stringify(result)),
  (e) => { console.error(e); process.exitCode = 1; },
);\n`;

function compile(source, fileName, build, dir) {
  if (build === 'tsc' || build === 'tsc-experimental') {
    const out = ts.transpileModule(source, {
      fileName,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: build === 'tsc-experimental' },
    });
    assert.deepEqual(out.diagnostics, [], `${build} ${fileName}`);
    return out.outputText;
  }
  const version = build === 'babel-legacy' ? 'legacy' : build === 'babel-2023-05' ? '2023-05' : '2023-11';
  const plugins = [
    ...(build === 'babel-instrumented' ? [[instrumenter, { cwd: dir, runtime: 'global' }]] : []),
    [require.resolve('@babel/plugin-proposal-decorators'), { version }],
    require.resolve('@babel/plugin-transform-modules-commonjs'),
  ];
  const { code } = babel.transformSync(source, {
    filename: join(dir, fileName),
    cwd: dir,
    babelrc: false,
    configFile: false,
    // allowDeclareFields: the decorators transform emits a field without a value, which the
    // TypeScript preset would otherwise strip as a type-only declaration.
    presets: [[require.resolve('@babel/preset-typescript'), { allowDeclareFields: true }]],
    plugins,
  });
  return code;
}

/**
 * Builds fixtures/decorators/NAME.ts with `build` and runs it: inside trace() with the real
 * `traced`, or with one that does nothing (`plain`), or with the real one and no recorder at all
 * (`idle`). Returns {seen, slices, trace, dir} (slices and trace only when traced).
 */
export function runDecorated(name, build, { plain = false, idle = false } = {}) {
  const dir = tempDir(`panopticon-decorators-${build}-`);
  const source = readFileSync(join(FIXTURES, 'decorators', `${name}.ts`), 'utf8');
  writeFileSync(join(dir, `${name}.js`), compile(source, `${name}.ts`, build, dir));
  writeFileSync(join(dir, 'deco.js'), plain ? PLAIN_DECO : `module.exports = require(${JSON.stringify(RUNTIME)});\n`);
  writeFileSync(join(dir, 'harness.js'), idle ? IDLE_HARNESS : HARNESS);
  const output = join(dir, 'trace.json');
  const run = runNode([join(dir, 'harness.js'), join(dir, `${name}.js`), plain ? '' : output], { cwd: dir });
  assert.equal(run.status, 0, `${build}: ${run.stderr}`);
  assert.equal(run.stderr, '', `${build}: nothing on stderr`);
  const seen = JSON.parse(run.stdout.trim().split('\n').pop());
  if (plain || idle) return { seen, dir };
  const trace = readTrace(output);
  assert.ok(trace.ok, `${build}: ${trace.report}`);
  return { seen, dir, trace, slices: slicesOf(trace.model) };
}

/** A coroutine slice as `resumed->ended`. */
export const chainOf = (list) => list.map((s) => `${s.args.resumed}->${s.args.ended}`);

/** The slices of each instance of `name`, each in slice order; instances in the order they began. */
export function instances(slices, name) {
  const byInstance = new Map();
  for (const s of slices.filter((x) => x.name === name)) {
    assert.ok(s.args.instance > 0, `${name} has an instance`);
    if (!byInstance.has(s.args.instance)) byInstance.set(s.args.instance, []);
    byInstance.get(s.args.instance).push(s);
  }
  for (const chain of byInstance.values()) chain.sort((a, b) => a.args.slice - b.args.slice);
  return [...byInstance.values()].sort((a, b) => a[0].ts - b[0].ts);
}
