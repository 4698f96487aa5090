// The transformer on its own, as Jest calls it: babel-jest's output plus the instrumenter, the
// project's Babel config kept, and a cache key of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../../../test/support/helpers.mjs';

const require = createRequire(import.meta.url);
const panopticon = require('@panopticon/jest');
const babelJest = require('babel-jest').default;

const FIXTURE = join(ROOT, 'test', 'fixtures', 'jest-project');

function options(extra = {}) {
  const config = { rootDir: FIXTURE, cwd: FIXTURE };
  return { config, configString: JSON.stringify(config), instrument: false, cacheFS: new Map(), transformerConfig: {}, ...extra };
}

const source = 'export function area(shape: { size: number }): number {\n  return shape.size ** 2;\n}\n';
const file = join(FIXTURE, 'src', 'area.ts');

test('instruments with the project\'s own Babel config kept, names relative to the root dir', () => {
  const { code } = panopticon.createTransformer().process(source, file, options());
  assert.match(code, /__panopticon_rt_/);
  assert.match(code, /register\("src\/area\.ts", \["src\/area\.ts", 1, 1, "area", 1, 8\]\)/);
  assert.doesNotMatch(code, /: number/, 'TypeScript stripped by the fixture\'s preset');
  assert.match(code, /exports\.area = area/, 'ES modules made CommonJS by the fixture\'s plugin');
  // The default export is the factory object too, as Jest accepts either.
  assert.equal(typeof panopticon.default.createTransformer, 'function');
});

test('its cache key differs from babel-jest\'s and follows the input', () => {
  const traced = panopticon.createTransformer();
  const plain = babelJest.createTransformer();
  const key = traced.getCacheKey(source, file, options());
  assert.match(key, /^[0-9a-f]{32}$/);
  assert.notEqual(key, plain.getCacheKey(source, file, options()));
  assert.equal(traced.getCacheKey(source, file, options()), key, 'stable');
  assert.notEqual(traced.getCacheKey(`${source}\n`, file, options()), key);
  assert.notEqual(traced.getCacheKey(source, file, options({ instrument: true })), key, 'coverage or not');
});

test('with coverage, istanbul counts an arrow\'s expression body as it does without the instrumenter', () => {
  const arrow = 'const twice = (n) => n * 2;\nmodule.exports = { twice };\n';
  const js = join(FIXTURE, 'src', 'twice.js');
  const coverage = (transformer) => {
    const { code } = transformer.process(arrow, js, options({ instrument: true }));
    const data = new Function('module', 'exports', 'require', `${code}\nreturn typeof __coverage__ === 'object' ? __coverage__ : globalThis.__coverage__;`)({ exports: {} }, {}, require);
    return data[js];
  };
  const plain = coverage(babelJest.createTransformer());
  const traced = coverage(panopticon.createTransformer());
  assert.deepEqual(traced.statementMap, plain.statementMap);
  assert.deepEqual(traced.fnMap, plain.fnMap);
  assert.equal(Object.keys(plain.statementMap).length, 3);
});

test('instrumenter options under `panopticon` reach the plugin (args recorded) and the cache key', () => {
  const js = join(FIXTURE, 'src', 'math.js');
  const text = 'function square(n) {\n  return n * n;\n}\nmodule.exports = { square };\n';
  const plain = panopticon.createTransformer();
  const withArgs = panopticon.createTransformer({ panopticon: { args: true } });
  assert.doesNotMatch(plain.process(text, js, options()).code, /\.args\(/);
  const { code } = withArgs.process(text, js, options());
  assert.match(code, /\.args\([^)]*"n"/, 'parameter n recorded');
  assert.match(code, /\.returned\(/, 'return value recorded');
  assert.notEqual(withArgs.getCacheKey(text, js, options()), plain.getCacheKey(text, js, options()));
});
