// Reads the instrumented code of every ordering fixture (real @babel/core and the built plugin in
// packages/babel-plugin/dist) against the same file without the plugin: the coroutine rewrite
// adds hooks only. No `.then`, no `Promise`, no extra await/yield/for-await, no `return p` turned
// into `return await p` or back, and every async function and generator keeps its kind (an async
// function compiled down to a generator would change ordering and lose async stack traces).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/helpers.mjs';

const require = createRequire(join(ROOT, 'packages', 'cli', 'package.json'));
const babel = require('@babel/core');
const presetTypeScript = require('@babel/preset-typescript');
const plugin = require(join(ROOT, 'packages', 'babel-plugin', 'dist', 'index.js')).default;

const DIR = join(ROOT, 'test', 'ordering', 'fixtures');
const files = [
  ...readdirSync(DIR).filter((f) => /\.(mjs|cjs|ts|mts)$/.test(f)),
  ...readdirSync(join(DIR, 'modules')).map((f) => join('modules', f)),
].sort();

/** The file's AST as Babel leaves it, with or without the instrumenter (TypeScript stripped either way). */
function astOf(file, instrumented) {
  const filename = join(DIR, file);
  const ts = /\.m?ts$/.test(file);
  return babel.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    cwd: ROOT,
    babelrc: false,
    configFile: false,
    ast: true,
    code: false,
    sourceType: file.endsWith('.cjs') ? 'script' : 'module',
    parserOpts: { allowReturnOutsideFunction: file.endsWith('.cjs') },
    plugins: instrumented ? [[plugin, { cwd: ROOT }]] : [],
    presets: ts ? [[presetTypeScript, { allowDeclareFields: true, onlyRemoveTypeImports: false }]] : [],
  }).ast;
}

const isHookCall = (node) =>
  node?.type === 'CallExpression' && node.callee.type === 'MemberExpression' &&
  node.callee.object.type === 'CallExpression' && /^__panopticon_rt_/.test(node.callee.object.callee.name ?? '');
/** `R().suspendAwait(co, x)` and the like are identities of their last argument. */
const unwrap = (node) => (isHookCall(node) && node.arguments.length === 2 ? unwrap(node.arguments[1]) : node);
const at = (node) => `${node.loc.start.line}:${node.loc.start.column}`;
/**
 * The `return` the instrumenter makes of an arrow's expression body: it has no location of its
 * own, or (so coverage tools count the same statements) the location of the expression it returns.
 */
const isMadeReturn = (path) => {
  if (!path.node.loc) return true;
  const fn = path.getFunctionParent();
  return fn?.node.type === 'ArrowFunctionExpression' && fn.node.body.start === path.node.start; // the block was made with it
};

/** What the rewrite must keep: counts of the syntax that schedules work, and each function's kind. */
function summary(ast) {
  const s = { hooks: 0, await: 0, yield: 0, yieldStar: 0, forAwait: 0, then: 0, promise: 0, functions: new Map(), added: [], returns: new Map(), helpers: 0 };
  babel.traverse(ast, {
    CallExpression(p) { if (isHookCall(p.node)) s.hooks++; },
    AwaitExpression() { s.await++; },
    YieldExpression(p) { if (p.node.delegate) s.yieldStar++; else s.yield++; },
    ForOfStatement(p) { if (p.node.await) s.forAwait++; },
    MemberExpression(p) {
      const { property, computed } = p.node;
      if ((!computed && property.name === 'then') || (computed && property.value === 'then')) s.then++;
    },
    Identifier(p) {
      if (p.node.name === 'Promise' && p.isReferencedIdentifier()) s.promise++;
      if (/asyncToGenerator|regenerator/i.test(p.node.name)) s.helpers++;
    },
    Function(p) {
      const { node } = p;
      if (node.loc) s.functions.set(at(node), `${node.async ? 'async ' : ''}${node.generator ? 'generator' : 'function'}`);
      else s.added.push({ async: node.async, generator: node.generator });
    },
    ReturnStatement(p) {
      const fn = p.getFunctionParent();
      if (isMadeReturn(p) || !fn?.node.async) return;
      const argument = unwrap(p.node.argument);
      s.returns.set(at(p.node), argument ? argument.type : 'none');
    },
  });
  // an arrow's expression body is an implicit return: the instrumenter makes it an explicit one
  babel.traverse(ast, {
    ArrowFunctionExpression(p) {
      if (p.node.async && p.node.body.type !== 'BlockStatement') s.returns.set(`arrow ${at(p.node)}`, unwrap(p.node.body).type);
    },
    ReturnStatement(p) {
      const fn = p.getFunctionParent();
      if (isMadeReturn(p) && fn?.node.async && fn.node.type === 'ArrowFunctionExpression' && fn.node.loc) s.returns.set(`arrow ${at(fn.node)}`, unwrap(p.node.argument).type);
    },
  });
  return s;
}

describe('the coroutine rewrite adds hooks only', { concurrency: 4 }, () => {
  for (const file of files) {
    test(file, () => {
      const before = summary(astOf(file, false));
      const after = summary(astOf(file, true));
      assert.ok(after.hooks > 0 && before.hooks === 0, 'nothing was instrumented');
      assert.equal(after.await, before.await, 'AwaitExpressions');
      assert.equal(after.yield, before.yield, 'yield');
      assert.equal(after.yieldStar, before.yieldStar, 'yield*');
      assert.equal(after.forAwait, before.forAwait, 'for await');
      assert.equal(after.then, before.then, '.then accesses');
      assert.equal(after.promise, before.promise, 'references to Promise');
      assert.equal(after.helpers, 0, 'asyncToGenerator / regenerator helpers');
      assert.deepEqual(after.functions, before.functions, 'every function keeps its kind');
      assert.deepEqual(after.added.filter((f) => f.async || f.generator), [], 'functions the instrumenter adds are plain');
      assert.deepEqual(after.returns, before.returns, 'return arguments of async functions (await or not)');
    });
  }

  test('the return comparison sees both kinds of return (it would catch one turned into the other)', () => {
    const kinds = [...summary(astOf('return-ticks.cjs', true)).returns.values()];
    assert.ok(kinds.includes('AwaitExpression') && kinds.includes('CallExpression') && kinds.length >= 20, kinds.join(','));
  });

  test('the instrumented code of a coroutine still reads as async and as a generator', () => {
    const out = babel.transformSync('async function a(p) { return p; }\nasync function b(p) { return await p; }\nfunction* g() { yield 1; }', {
      filename: join(ROOT, 'snippet.js'), cwd: ROOT, babelrc: false, configFile: false, sourceType: 'script', plugins: [plugin],
    }).code;
    assert.match(out, /^async function a\(p\) \{/m);
    assert.match(out, /^async function b\(p\) \{/m);
    assert.match(out, /^function\* g\(\) \{/m);
    assert.doesNotMatch(out, /\.then\b/);
    assert.equal(out.match(/\bawait\b/g).length, 1);
    assert.match(out, /return __panopticon_rt_\w+\(\)\.resumeAwait\(__panopticon_co, await __panopticon_rt_\w+\(\)\.suspendAwait\(__panopticon_co, p\)\);/);
    assert.match(out, /return p;/);
  });
});
